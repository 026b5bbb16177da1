/**
 * Which pod a `TYPE/NAME` means for logs and exec (K:staging/src/k8s.io/kubectl/pkg/polymorphichelpers
 * attachablepodforobject.go, K:staging/src/k8s.io/kubectl/pkg/util/podutils ByLogging):
 * a pod is itself; a workload or Service means the best of the pods its
 * selector matches (running, ready, most restarted, oldest), with
 * `Found N pods, using pod/X` when there was a choice.
 */
import { resourcePath, type KObject } from '../client.ts';
import type { Invocation } from '../command.ts';
import { goSort } from '../go-sort.ts';
import { selectorString, type Obj } from '../describe/writer.ts';

const PODS = { group: '', version: 'v1', resource: 'pods', namespaced: true };

/** The object `arg` names (`web`, `pod/web`, `deploy/web`), as fetched. */
export async function objectFor(inv: Invocation, arg: string): Promise<{ kind: string; version: string; obj: Obj }> {
  const slash = arg.indexOf('/');
  const mapping = slash < 0 ? { ...PODS, kind: 'Pod' } : await inv.discovery().mappingFor(arg.slice(0, slash));
  const obj = (await inv.client().call('GET', resourcePath(mapping, inv.namespace, slash < 0 ? arg : arg.slice(slash + 1)))) as Obj;
  return { kind: mapping.kind, version: mapping.version, obj };
}

/** The pods a controller's or Service's selector matches, best first; throws for kinds with no selector. */
export async function podsFor(inv: Invocation, target: { kind: string; version: string; obj: Obj }): Promise<Obj[]> {
  const { kind, obj } = target;
  if (kind === 'Pod') return [obj];
  let selector: string;
  if (kind === 'Service' || kind === 'ReplicationController') {
    const sel = (obj.spec?.selector ?? {}) as Record<string, string>;
    if (Object.keys(sel).length === 0) throw new Error(`invalid label selector: ${''}`);
    selector = Object.keys(sel).sort().map((k) => `${k}=${sel[k]}`).join(',');
  } else if (['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job'].includes(kind)) {
    selector = selectorString(obj.spec?.selector);
  } else {
    throw new Error(`cannot get the logs from *${target.version}.${kind}: selector for *${target.version}.${kind} not implemented`);
  }
  const list = (await inv.client().call('GET', resourcePath(PODS, obj.metadata?.namespace ?? inv.namespace), { query: { labelSelector: selector } })) as KObject;
  return goSort((list.items as Obj[]) ?? [], byLogging);
}

const PHASE: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function ready(p: Obj): boolean {
  return ((p.status?.conditions ?? []) as Obj[]).some((c) => c.type === 'Ready' && c.status === 'True');
}

function restarts(p: Obj): number {
  return Math.max(0, ...((p.status?.containerStatuses ?? []) as Obj[]).map((c) => c.restartCount ?? 0));
}

/** podutils.ByLogging's Less. */
function byLogging(a: Obj, b: Obj): boolean {
  const an = a.spec?.nodeName ?? '';
  const bn = b.spec?.nodeName ?? '';
  if (an !== bn && (an === '' || bn === '')) return an !== '';
  const ap = PHASE[a.status?.phase] ?? 3;
  const bp = PHASE[b.status?.phase] ?? 3;
  if (ap !== bp) return ap > bp;
  if (ready(a) !== ready(b)) return ready(a);
  if (restarts(a) !== restarts(b)) return restarts(a) > restarts(b);
  const at = Date.parse(a.metadata?.creationTimestamp ?? '');
  const bt = Date.parse(b.metadata?.creationTimestamp ?? '');
  if (at !== bt) return at < bt;
  return false;
}

/** The one pod to attach to, saying which when there were several. */
export async function attachablePod(inv: Invocation, arg: string, say = true): Promise<Obj> {
  const target = await objectFor(inv, arg);
  const pods = await podsFor(inv, target);
  if (pods.length === 0) throw new Error('timed out waiting for the condition');
  if (say && target.kind !== 'Pod' && pods.length > 1) inv.io.stderr(`Found ${pods.length} pods, using pod/${pods[0]!.metadata.name}\n`);
  return pods[0]!;
}

/** `podcmd.AllContainerNames`. */
export function allContainerNames(pod: Obj): string {
  const spec = pod.spec ?? {};
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])].map((c: Obj) => c.name).join(', ');
}

/** The container a command means: `-c`, the default-container annotation, else the first (with a notice when there was a choice). */
export function defaultContainer(inv: Invocation, pod: Obj, asked: string): string {
  if (asked) return asked;
  const annotated = pod.metadata?.annotations?.['kubectl.kubernetes.io/default-container'];
  const spec = pod.spec ?? {};
  const all = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])] as Obj[];
  if (annotated) {
    if (all.some((c) => c.name === annotated)) return annotated;
    inv.io.stderr(`Default container name ${JSON.stringify(annotated)} not found in pod ${pod.metadata.name}\n`);
  }
  const first = spec.containers?.[0]?.name as string;
  if (all.length > 1) inv.io.stderr(`Defaulted container ${JSON.stringify(first)} out of: ${allContainerNames(pod)}\n`);
  return first;
}

export function hasContainer(pod: Obj, name: string): boolean {
  const spec = pod.spec ?? {};
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])].some((c: Obj) => c.name === name);
}
