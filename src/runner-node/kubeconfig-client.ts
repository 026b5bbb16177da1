/**
 * Any cluster reachable by kubeconfig (kind, or a shared cluster with a
 * namespace per learner) as a ClusterClient, through @kubernetes/client-node's
 * KubernetesObjectApi: its discovery, its auth, its TLS. Objects travel as the
 * plain JSON the API server sends — not client-node's typed models, which drop
 * unknown fields and turn timestamps into Dates — so the checks see exactly
 * what they see on the shim.
 */
import {
  ApiException, HttpMethod, KubeConfig, KubernetesObjectApi, type KubernetesObject, type ResponseContext,
} from '@kubernetes/client-node';
import { ApiError, type ClusterClient, type CommandResult, type KObject, type ListQuery, type ObjectRef, type ResourceInfo, type RunOptions } from '../runner/client.ts';
import { FIELD_MANAGER } from '../runner/transport-client.ts';
import { KubectlBinaryRunner } from './kubectl-binary.ts';

/** KubernetesObjectApi answering with raw JSON, and able to send a body as given. */
class RawObjectApi extends KubernetesObjectApi {
  static fromConfig(kc: KubeConfig): RawObjectApi {
    const api = kc.makeApiClient(RawObjectApi);
    api.setDefaultNamespace(kc);
    return api;
  }

  protected override async processResponse<T extends KubernetesObject>(response: ResponseContext): Promise<T> {
    const text = await response.body.text();
    if (response.httpStatusCode >= 200 && response.httpStatusCode <= 299) return (text ? JSON.parse(text) : {}) as T;
    throw new ApiException(response.httpStatusCode, 'Unsuccessful HTTP Request', text, response.headers);
  }

  info(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    return this.resource(apiVersion, kind).then((r) => (r ? { name: r.name, namespaced: r.namespaced } : undefined));
  }

  /** A request with a body sent verbatim (server-side apply of the learner's object, unknown fields and all). */
  async send(method: HttpMethod, spec: KubernetesObject, action: 'create' | 'patch', query: Record<string, string>, contentType: string): Promise<KObject> {
    const path = await this.specUriPath(structuredClone(spec), action);
    const ctx = this.configuration.baseServer.makeRequestContext(path, method);
    ctx.setHeaderParam('Accept', 'application/json');
    ctx.setHeaderParam('Content-Type', contentType);
    for (const [k, v] of Object.entries(query)) ctx.setQueryParam(k, v);
    ctx.setBody(JSON.stringify(spec));
    return this.requestPromise(ctx) as Promise<KObject>;
  }
}

export interface KubeconfigOptions {
  /** Path of the kubeconfig (default: $KUBECONFIG or ~/.kube/config). */
  kubeconfig?: string;
  context?: string;
  /** The learner's namespace (default: the context's, else `default`). */
  namespace?: string;
  /** The kubectl binary for command checks (default: `kubectl` on PATH). */
  kubectl?: string;
}

export class KubeconfigClusterClient implements ClusterClient {
  readonly namespace: string;
  readonly description: string;
  /** Cluster-scoped objects this client applied (PersistentVolumes, …), so a scenario can clean up after itself. */
  readonly appliedClusterScoped: ObjectRef[] = [];
  private readonly api: RawObjectApi;
  private readonly commands: KubectlBinaryRunner;

  constructor(options: KubeconfigOptions = {}) {
    const kc = new KubeConfig();
    if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
    else kc.loadFromDefault();
    if (options.context) {
      if (!kc.getContextObject(options.context)) throw new Error(`no context "${options.context}" in the kubeconfig`);
      kc.setCurrentContext(options.context);
    }
    const context = kc.getContextObject(kc.getCurrentContext());
    this.namespace = options.namespace ?? context?.namespace ?? 'default';
    this.description = `kubeconfig ${kc.getCurrentContext()} namespace ${this.namespace}`;
    this.api = RawObjectApi.fromConfig(kc);
    this.commands = new KubectlBinaryRunner({
      ...(options.kubectl ? { binary: options.kubectl } : {}),
      ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
      context: kc.getCurrentContext(),
      namespace: this.namespace,
    });
  }

  run(line: string, options?: RunOptions): Promise<CommandResult> {
    return this.commands.run(line, options);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  now(): number {
    return Date.now();
  }

  async resource(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    try {
      return await this.api.info(apiVersion, kind);
    } catch (error) {
      // An unknown group-version is a 404 on discovery: no such kind here.
      if (error instanceof ApiException && error.code === 404) return undefined;
      throw asApiError(error);
    }
  }

  private async spec(ref: { apiVersion: string; kind: string; namespace?: string; name?: string }): Promise<KubernetesObject> {
    const info = await this.resource(ref.apiVersion, ref.kind);
    if (!info) throw new ApiError(404, 'NotFound', `the server doesn't have a resource type for ${ref.kind} in ${ref.apiVersion}`);
    return {
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      metadata: { ...(ref.name !== undefined ? { name: ref.name } : {}), ...(info.namespaced ? { namespace: ref.namespace ?? this.namespace } : {}) },
    };
  }

  async get(ref: ObjectRef): Promise<KObject | undefined> {
    try {
      const spec = await this.spec(ref);
      const obj = (await this.api.read(spec as KubernetesObject & { metadata: { name: string } })) as KObject;
      return { apiVersion: ref.apiVersion, kind: ref.kind, ...obj };
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return undefined;
      throw asApiError(error);
    }
  }

  async list(query: ListQuery): Promise<KObject[]> {
    try {
      const info = await this.resource(query.apiVersion, query.kind);
      if (!info) throw new ApiError(404, 'NotFound', `the server doesn't have a resource type for ${query.kind} in ${query.apiVersion}`);
      const list = await this.api.list(query.apiVersion, query.kind, info.namespaced ? query.namespace ?? this.namespace : undefined,
        undefined, undefined, undefined, undefined, query.labelSelector || undefined);
      return ((list as { items?: KObject[] }).items ?? []).map((item) => ({ apiVersion: query.apiVersion, kind: query.kind, ...item }));
    } catch (error) {
      throw asApiError(error);
    }
  }

  async apply(object: KObject): Promise<KObject> {
    try {
      const applied = object.metadata?.name === undefined
        ? await this.api.send(HttpMethod.POST, object as KubernetesObject, 'create', { fieldManager: FIELD_MANAGER, fieldValidation: 'Strict' }, 'application/json')
        : await this.api.send(HttpMethod.PATCH, object as KubernetesObject, 'patch',
          { fieldManager: FIELD_MANAGER, force: 'true', fieldValidation: 'Strict' }, 'application/apply-patch+yaml');
      if ((await this.resource(object.apiVersion ?? '', object.kind ?? ''))?.namespaced === false) {
        this.appliedClusterScoped.push({ apiVersion: object.apiVersion ?? '', kind: object.kind ?? '', name: applied.metadata?.name ?? '' });
      }
      return applied;
    } catch (error) {
      throw asApiError(error);
    }
  }

  async delete(ref: ObjectRef): Promise<boolean> {
    try {
      await this.api.delete(await this.spec(ref), undefined, undefined, undefined, undefined, 'Background');
      return true;
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return false;
      throw asApiError(error);
    }
  }
}

/** The Status message the server sent, as the shim's client reports it. */
function asApiError(error: unknown): Error {
  if (error instanceof ApiError) return error;
  if (error instanceof ApiException) {
    try {
      const status = JSON.parse(String(error.body)) as { reason?: string; message?: string };
      return new ApiError(error.code, status.reason ?? '', status.message ?? `HTTP ${error.code}`);
    } catch {
      return new ApiError(error.code, '', `HTTP ${error.code}: ${String(error.body).slice(0, 200)}`);
    }
  }
  return error instanceof Error ? error : new Error(String(error));
}
