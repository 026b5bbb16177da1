/**
 * One look at the cluster while a step is graded: reads through the client,
 * each list and get made once per look (checks and their explanations ask for
 * the same Pods and Events many times). A command may change the cluster, so
 * the grader starts a new look after one.
 */
import type { ClusterClient, KObject, ListQuery, ObjectRef } from './client.ts';
import { targetNamespace } from './client.ts';

/** What happened to one object of a submission or setup when it was applied. */
export interface ApplyRecord {
  /** `web.yaml#2`: file and document number. */
  source: string;
  kind: string;
  name: string;
  namespace?: string;
  /** The API server's (or the grader's) refusal, when it was not applied. */
  error?: string;
}

export class ClusterView {
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(
    readonly client: ClusterClient,
    /** What the grader applied, to explain a missing object by its rejection. */
    readonly applied: readonly ApplyRecord[] = [],
  ) {}

  namespaceFor(requested: string | undefined): string {
    return targetNamespace(this.client, requested);
  }

  private memo<T>(key: string, load: () => Promise<T>): Promise<T> {
    let hit = this.cache.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = load();
      this.cache.set(key, hit);
    }
    return hit;
  }

  async namespaced(apiVersion: string, kind: string): Promise<boolean | undefined> {
    return (await this.client.resource(apiVersion, kind))?.namespaced;
  }

  get(ref: ObjectRef): Promise<KObject | undefined> {
    return this.memo(`get ${ref.apiVersion} ${ref.kind} ${ref.namespace ?? ''} ${ref.name}`, () => this.client.get(ref));
  }

  list(query: ListQuery): Promise<KObject[]> {
    return this.memo(`list ${query.apiVersion} ${query.kind} ${query.namespace ?? ''} ${query.labelSelector ?? ''}`, () => this.client.list(query));
  }

  /** Events in a namespace, oldest first. */
  async events(namespace: string): Promise<KObject[]> {
    const events = await this.list({ apiVersion: 'v1', kind: 'Event', namespace });
    return [...events].sort((a, b) => eventTime(a).localeCompare(eventTime(b)));
  }

  /** Events about one object (by uid, or kind and name), oldest first. */
  async eventsFor(obj: KObject): Promise<KObject[]> {
    const m = obj.metadata ?? {};
    // Events about cluster-scoped objects (PVs, nodes) are recorded in `default`.
    const all = await this.events(m.namespace || 'default');
    return all.filter((e) => {
      const io = (e.involvedObject ?? {}) as { uid?: string; kind?: string; name?: string };
      return (m.uid !== undefined && io.uid === m.uid) || (io.kind === obj.kind && io.name === m.name);
    });
  }
}

function eventTime(e: KObject): string {
  const ev = e as { lastTimestamp?: string; eventTime?: string; firstTimestamp?: string };
  return ev.lastTimestamp ?? ev.eventTime ?? ev.firstTimestamp ?? e.metadata?.creationTimestamp ?? '';
}
