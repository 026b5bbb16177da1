/**
 * A ClusterClient over an ApiTransport: the shim in this process, or the
 * page's worker. It speaks plain Kubernetes REST (discovery, GET, server-side
 * apply, DELETE) — the same requests the kubeconfig backend sends over HTTPS.
 */
import type { ApiResponse, ApiTransport } from '../api/types.ts';
import type { InProcessTransport } from '../api/transport.ts';
import { ApiError, type ClusterClient, type CommandResult, type CommandRunner, type KObject, type ListQuery, type ObjectRef, type ResourceInfo, type RunOptions } from './client.ts';

/** Who owns the fields the grader applies (server-side apply needs a manager). */
export const FIELD_MANAGER = 'statecraft';

export interface TransportClientOptions {
  namespace?: string;
  description?: string;
  commands: CommandRunner;
  /** Run the cluster's controllers until quiet (the shim). */
  settle?: () => void;
}

export class TransportClusterClient implements ClusterClient {
  readonly namespace: string;
  readonly description: string;
  private readonly discovery = new Map<string, Promise<Map<string, ResourceInfo> | undefined>>();
  readonly settle?: () => Promise<void>;

  constructor(
    private readonly transport: ApiTransport,
    private readonly options: TransportClientOptions,
  ) {
    this.namespace = options.namespace ?? 'default';
    this.description = options.description ?? 'shim';
    const settle = options.settle;
    if (settle) this.settle = async () => settle();
  }

  run(line: string, options?: RunOptions): Promise<CommandResult> {
    return this.options.commands.run(line, options);
  }

  resource(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    let entry = this.discovery.get(apiVersion);
    if (!entry) {
      entry = this.transport.request({ method: 'GET', path: apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}` }).then((r) => {
        if (r.status !== 200) return undefined;
        const list = r.body as { resources?: { name: string; kind: string; namespaced: boolean }[] };
        // Subresources (`pods/log`) share their parent's kind; only the resource itself counts.
        return new Map((list.resources ?? []).filter((x) => !x.name.includes('/')).map((x) => [x.kind, { name: x.name, namespaced: x.namespaced }]));
      });
      this.discovery.set(apiVersion, entry);
    }
    return entry.then((m) => m?.get(kind));
  }

  private async path(apiVersion: string, kind: string, namespace: string | undefined, name?: string): Promise<string> {
    const info = await this.resource(apiVersion, kind);
    if (!info) throw new ApiError(404, 'NotFound', `the server doesn't have a resource type for ${kind} in ${apiVersion}`);
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const ns = info.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? this.namespace)}` : '';
    return `${base}${ns}/${info.name}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}`;
  }

  async get(ref: ObjectRef): Promise<KObject | undefined> {
    const r = await this.transport.request({ method: 'GET', path: await this.path(ref.apiVersion, ref.kind, ref.namespace, ref.name) });
    if (r.status === 404) return undefined;
    return { apiVersion: ref.apiVersion, kind: ref.kind, ...(ok(r) as KObject) };
  }

  async list(query: ListQuery): Promise<KObject[]> {
    const r = await this.transport.request({
      method: 'GET',
      path: await this.path(query.apiVersion, query.kind, query.namespace),
      ...(query.labelSelector ? { query: { labelSelector: query.labelSelector } } : {}),
    });
    const items = (ok(r) as { items?: KObject[] }).items ?? [];
    // List items carry no apiVersion/kind on the wire.
    return items.map((item) => ({ apiVersion: query.apiVersion, kind: query.kind, ...item }));
  }

  async apply(object: KObject): Promise<KObject> {
    const apiVersion = object.apiVersion ?? '';
    const kind = object.kind ?? '';
    const name = object.metadata?.name;
    const namespace = object.metadata?.namespace;
    if (name === undefined) {
      // generateName objects cannot be applied, only created.
      const r = await this.transport.request({
        method: 'POST', path: await this.path(apiVersion, kind, namespace), query: { fieldManager: FIELD_MANAGER, fieldValidation: 'Strict' },
        headers: { 'content-type': 'application/json' }, body: JSON.stringify(object),
      });
      return ok(r) as KObject;
    }
    const r = await this.transport.request({
      method: 'PATCH',
      path: await this.path(apiVersion, kind, namespace, name),
      query: { fieldManager: FIELD_MANAGER, force: 'true', fieldValidation: 'Strict' },
      headers: { 'content-type': 'application/apply-patch+yaml' },
      body: JSON.stringify(object),
    });
    return ok(r) as KObject;
  }

  async delete(ref: ObjectRef): Promise<boolean> {
    const r = await this.transport.request({
      method: 'DELETE', path: await this.path(ref.apiVersion, ref.kind, ref.namespace, ref.name), query: { propagationPolicy: 'Background' },
    });
    if (r.status === 404) return false;
    ok(r);
    return true;
  }
}

function ok(r: ApiResponse): unknown {
  if (r.status >= 200 && r.status < 300) return r.body;
  const status = (r.body ?? {}) as { reason?: string; message?: string };
  throw new ApiError(r.status, status.reason ?? '', status.message ?? `HTTP ${r.status}`);
}

/** The in-process shim as a ClusterClient: settles by running its controllers. */
export function shimClient(transport: InProcessTransport, commands: CommandRunner): TransportClusterClient {
  return new TransportClusterClient(transport, {
    commands,
    description: 'shim',
    settle: () => { transport.cluster.settle(); },
  });
}
