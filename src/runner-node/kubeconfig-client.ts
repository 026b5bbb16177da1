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

  /** `POST /statecraft/v1/nodes/NAME/stop|start`: a `statecraft serve` cluster's node power, beside the Kubernetes API. */
  async nodePower(name: string, action: 'stop' | 'start'): Promise<void> {
    const ctx = this.configuration.baseServer.makeRequestContext(`/statecraft/v1/nodes/${encodeURIComponent(name)}/${action}`, HttpMethod.POST);
    ctx.setHeaderParam('Accept', 'application/json');
    ctx.setHeaderParam('Content-Type', 'application/json');
    ctx.setBody('{}');
    await this.requestPromise(ctx);
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
  /** Milliseconds one API request may take before it fails (default 30 s): a grade never hangs on a silent server. */
  requestTimeoutMs?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export class KubeconfigClusterClient implements ClusterClient {
  readonly namespace: string;
  readonly description: string;
  /**
   * Cluster-scoped objects this client created (PersistentVolumes, StorageClasses, …;
   * not the ones that were there before it), so a scenario can clean up after itself.
   */
  readonly createdClusterScoped: ObjectRef[] = [];
  /** Nodes this client powered off (`docker stop` on a `statecraft serve` cluster), to be started again. */
  readonly stoppedNodes = new Set<string>();
  /** Every node this client powered off or on: the next user of the cluster needs them Ready. */
  readonly poweredNodes = new Set<string>();
  private readonly requestTimeoutMs: number;
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
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.commands = new KubectlBinaryRunner({
      nodePower: (name, action) => this.nodePower(name, action),
      ...(options.kubectl ? { binary: options.kubectl } : {}),
      ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
      context: kc.getCurrentContext(),
      namespace: this.namespace,
    });
  }

  run(line: string, options?: RunOptions): Promise<CommandResult> {
    return this.commands.run(line, options);
  }

  /**
   * Powers a node of a `statecraft serve` cluster off or on (what `docker stop|start`
   * does to a kind node); `unsupported` on any other cluster, which has no such endpoint.
   */
  async nodePower(name: string, action: 'stop' | 'start'): Promise<'done' | 'no-such-node' | 'unsupported' | { error: string }> {
    try {
      await this.bounded(this.api.nodePower(name, action), `${action} node ${name}`);
      this.poweredNodes.add(name);
      if (action === 'stop') this.stoppedNodes.add(name);
      else this.stoppedNodes.delete(name);
      return 'done';
    } catch (error) {
      if (!(error instanceof ApiException)) return { error: (error as Error).message };
      const status = parseStatus(error.body);
      // A statecraft server answers a Status naming the node; anything else has no such path.
      if (error.code === 404 && status?.details?.kind === 'nodes') return 'no-such-node';
      if (error.code === 404 || error.code === 405) return 'unsupported';
      return { error: status?.message ?? `status ${error.code}` };
    }
  }

  /** Fails a request the server has not answered in time, with a reason a report can show. */
  private bounded<T>(request: Promise<T>, what: string): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ApiError(504, 'Timeout', `the API server did not answer (${what}) within ${this.requestTimeoutMs / 1000} s`)), this.requestTimeoutMs);
    });
    return Promise.race([request, timeout]).finally(() => clearTimeout(timer));
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  now(): number {
    return Date.now();
  }

  async resource(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    try {
      return await this.bounded(this.api.info(apiVersion, kind), `discovery of ${kind}`);
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
      const obj = (await this.bounded(this.api.read(spec as KubernetesObject & { metadata: { name: string } }), `get ${ref.kind} ${ref.name}`)) as KObject;
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
      const list = await this.bounded(this.api.list(query.apiVersion, query.kind, info.namespaced ? query.namespace ?? this.namespace : undefined,
        undefined, undefined, undefined, undefined, query.labelSelector || undefined), `list ${query.kind}`);
      return ((list as { items?: KObject[] }).items ?? []).map((item) => ({ apiVersion: query.apiVersion, kind: query.kind, ...item }));
    } catch (error) {
      throw asApiError(error);
    }
  }

  async apply(object: KObject): Promise<KObject> {
    try {
      const what = `apply ${object.kind} ${object.metadata?.name ?? ''}`;
      const clusterScoped = (await this.resource(object.apiVersion ?? '', object.kind ?? ''))?.namespaced === false;
      const ref = { apiVersion: object.apiVersion ?? '', kind: object.kind ?? '', name: object.metadata?.name ?? '' };
      const existed = clusterScoped && ref.name !== '' && (await this.get(ref)) !== undefined;
      const applied = object.metadata?.name === undefined
        ? await this.bounded(this.api.send(HttpMethod.POST, object as KubernetesObject, 'create', { fieldManager: FIELD_MANAGER, fieldValidation: 'Strict' }, 'application/json'), what)
        : await this.bounded(this.api.send(HttpMethod.PATCH, object as KubernetesObject, 'patch',
          { fieldManager: FIELD_MANAGER, force: 'true', fieldValidation: 'Strict' }, 'application/apply-patch+yaml'), what);
      if (clusterScoped && !existed && !this.createdClusterScoped.some((r) => r.kind === ref.kind && r.name === applied.metadata?.name)) {
        this.createdClusterScoped.push({ ...ref, name: applied.metadata?.name ?? '' });
      }
      return applied;
    } catch (error) {
      throw asApiError(error);
    }
  }

  async delete(ref: ObjectRef): Promise<boolean> {
    try {
      await this.bounded(this.api.delete(await this.spec(ref), undefined, undefined, undefined, undefined, 'Background'), `delete ${ref.kind} ${ref.name}`);
      return true;
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return false;
      throw asApiError(error);
    }
  }
}

function parseStatus(body: unknown): { reason?: string; message?: string; details?: { kind?: string } } | undefined {
  try {
    return JSON.parse(String(body)) as { reason?: string; message?: string; details?: { kind?: string } };
  } catch {
    return undefined;
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
