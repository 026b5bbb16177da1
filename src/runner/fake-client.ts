/**
 * An in-memory ClusterClient for tests of checks and explanations: a fixed
 * set of objects, label selectors of the `k=v,k2=v2` kind, and scripted
 * command results. Not a cluster — nothing reconciles.
 */
import { ApiError, type ClusterClient, type CommandResult, type KObject, type ListQuery, type ObjectRef, type ResourceInfo } from './client.ts';

const CLUSTER_SCOPED = new Set(['Node', 'PersistentVolume', 'StorageClass', 'Namespace']);

export class FakeClusterClient implements ClusterClient {
  readonly description = 'fake';
  readonly objects: KObject[];

  constructor(
    objects: KObject[],
    private readonly commands: Record<string, CommandResult> = {},
    readonly namespace = 'default',
  ) {
    this.objects = objects.map((o) => ({
      ...o,
      metadata: { ...o.metadata, ...(CLUSTER_SCOPED.has(o.kind ?? '') ? {} : { namespace: o.metadata?.namespace ?? namespace }) },
    }));
  }

  async resource(_apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    if (kind === 'Unknown') return undefined;
    return { name: `${kind.toLowerCase()}s`, namespaced: !CLUSTER_SCOPED.has(kind) };
  }

  async get(ref: ObjectRef): Promise<KObject | undefined> {
    const namespaced = !CLUSTER_SCOPED.has(ref.kind);
    return this.objects.find((o) => o.kind === ref.kind && o.metadata?.name === ref.name && (!namespaced || o.metadata?.namespace === (ref.namespace ?? this.namespace)));
  }

  async list(q: ListQuery): Promise<KObject[]> {
    if (q.kind === 'Unknown') throw new ApiError(404, 'NotFound', `the server doesn't have a resource type for ${q.kind} in ${q.apiVersion}`);
    const namespaced = !CLUSTER_SCOPED.has(q.kind);
    const selector = (q.labelSelector ?? '').split(',').filter(Boolean).map((p) => p.split('=') as [string, string]);
    return this.objects.filter((o) => o.kind === q.kind
      && (!namespaced || o.metadata?.namespace === (q.namespace ?? this.namespace))
      && selector.every(([k, v]) => o.metadata?.labels?.[k] === v));
  }

  async apply(object: KObject): Promise<KObject> {
    this.objects.push(object);
    return object;
  }

  async delete(ref: ObjectRef): Promise<boolean> {
    const i = this.objects.findIndex((o) => o.kind === ref.kind && o.metadata?.name === ref.name);
    if (i < 0) return false;
    this.objects.splice(i, 1);
    return true;
  }

  async run(line: string): Promise<CommandResult> {
    return this.commands[line] ?? { exitCode: 127, stdout: '', stderr: `bash: ${line.split(' ')[0]}: command not found\n` };
  }
}
