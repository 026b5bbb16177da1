/**
 * Picks the describer for an object's kind, fetches what that describer
 * shows besides the object (its events, the pods a controller owns, a
 * Deployment's ReplicaSets, a Service's EndpointSlices, a Node's Lease and
 * pods), and renders it (K:staging/src/k8s.io/kubectl/pkg/describe/describe.go
 * DescriberFor, GenericDescriberFor, searchEvents).
 */
import { resourcePath, type RestClient } from '../client.ts';
import { goSort } from '../go-sort.ts';
import { isNotFound } from '../errors.ts';
import type { Mapping } from '../discovery.ts';
import { describeConfigMap, describeEndpoints, describeEndpointSlice, describeNamespace, describeNode, describeSecret, describeService, describeServiceAccount } from './core.ts';
import { describeGeneric } from './generic.ts';
import { describePod } from './pod.ts';
import { describePersistentVolume, describePersistentVolumeClaim, describeStorageClass, podsForClaim } from './storage.ts';
import { describeDaemonSet, describeDeployment, describeJob, describeReplicaSet, describeStatefulSet, podCounts } from './workloads.ts';
import { PrefixWriter, selectorString, type Obj } from './writer.ts';

export interface DescribeSettings {
  showEvents: boolean;
  chunkSize: number;
  now: number;
}

const core = (resource: string) => ({ group: '', version: 'v1', resource, namespaced: true });

async function list(client: RestClient, resource: { group: string; version: string; resource: string; namespaced: boolean }, namespace: string | undefined, query: Record<string, string>): Promise<Obj[]> {
  const body = (await client.call('GET', resourcePath(resource, namespace), { query })) as Obj;
  return (body.items ?? []) as Obj[];
}

/** `searchEvents`: events whose involvedObject is this object (kind left out for pods, as kubectl does). */
async function searchEvents(client: RestClient, obj: Obj, kind: string | undefined, settings: DescribeSettings, uid = obj.metadata?.uid): Promise<Obj[]> {
  const ns = obj.metadata?.namespace ?? '';
  const fields = [`involvedObject.name=${obj.metadata?.name}`, `involvedObject.namespace=${ns}`];
  if (kind) fields.push(`involvedObject.kind=${kind}`);
  if (uid) fields.push(`involvedObject.uid=${uid}`);
  // fields.Set.AsSelector sorts its terms.
  const query: Record<string, string> = { fieldSelector: fields.sort().join(',') };
  if (settings.chunkSize > 0) query.limit = String(settings.chunkSize);
  try {
    return await list(client, core('events'), ns || undefined, query);
  } catch {
    return [];
  }
}

async function podsSelectedBy(client: RestClient, obj: Obj, settings: DescribeSettings): Promise<Obj[]> {
  const query: Record<string, string> = { labelSelector: selectorString(obj.spec?.selector) };
  if (settings.chunkSize > 0) query.limit = String(settings.chunkSize);
  return list(client, core('pods'), obj.metadata?.namespace, query);
}

/** The text `kubectl describe` prints for one object. */
export async function describeObject(client: RestClient, mapping: Mapping, obj: Obj, settings: DescribeSettings): Promise<string> {
  const w = new PrefixWriter();
  const now = settings.now;
  const events = async (kind: string | undefined = mapping.kind) => (settings.showEvents ? searchEvents(client, obj, kind, settings) : undefined);
  const key = `${mapping.group}/${mapping.kind}`;
  switch (key) {
    case '/Pod':
      describePod(obj, await events(''), w, now);
      break;
    case '/Service': {
      const slices = await list(client, { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', namespaced: true }, obj.metadata.namespace, { labelSelector: `kubernetes.io/service-name=${obj.metadata.name}` }).catch(() => []);
      describeService(obj, slices, await events(), w, now);
      break;
    }
    case '/Endpoints':
      describeEndpoints(obj, await events(), w, now);
      break;
    case 'discovery.k8s.io/EndpointSlice':
      describeEndpointSlice(obj, await events(), w, now);
      break;
    case '/ConfigMap':
      describeConfigMap(obj, await events(), w, now);
      break;
    case '/Secret':
      describeSecret(obj, w);
      break;
    case '/ServiceAccount':
      describeServiceAccount(obj, await events(), w, now);
      break;
    case '/Namespace': {
      const optional = async (resource: string) => {
        try {
          return await list(client, core(resource), obj.metadata.name, settings.chunkSize > 0 ? { limit: String(settings.chunkSize) } : {});
        } catch (error) {
          if (isNotFound(error)) return undefined;
          throw error;
        }
      };
      describeNamespace(obj, await optional('resourcequotas'), await optional('limitranges'), w);
      break;
    }
    case '/Node': {
      const fieldSelector = `spec.nodeName=${obj.metadata.name},status.phase!=Failed,status.phase!=Succeeded`;
      const pods = await list(client, core('pods'), undefined, { fieldSelector, ...(settings.chunkSize > 0 ? { limit: String(settings.chunkSize) } : {}) });
      let lease: Obj | undefined;
      let leaseError: string | undefined;
      try {
        lease = (await client.call('GET', resourcePath({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true }, 'kube-node-lease', obj.metadata.name))) as Obj;
      } catch (error) {
        leaseError = (error as Error).message;
      }
      // Controllers record node events under the node's UID, the kubelet under its name.
      const nodeEvents = settings.showEvents
        ? [...(await searchEvents(client, obj, 'Node', settings)), ...(await searchEvents(client, obj, 'Node', settings, obj.metadata.name))]
        : undefined;
      describeNode(obj, pods, lease, leaseError, nodeEvents, w, now);
      break;
    }
    case '/PersistentVolume':
      describePersistentVolume(obj, await events(), w, now);
      break;
    case '/PersistentVolumeClaim': {
      const pods = await list(client, core('pods'), obj.metadata.namespace, settings.chunkSize > 0 ? { limit: String(settings.chunkSize) } : {});
      describePersistentVolumeClaim(obj, podsForClaim(obj, pods), await events(), w, now);
      break;
    }
    case 'storage.k8s.io/StorageClass':
      describeStorageClass(obj, await events(), w, now);
      break;
    case 'apps/Deployment': {
      const rss = await list(client, { group: 'apps', version: 'v1', resource: 'replicasets', namespaced: true }, obj.metadata.namespace, { labelSelector: selectorString(obj.spec?.selector) }).catch(() => []);
      // FindNewReplicaSet sorts the list it is given in place (by creation, then name): the old ones come out in that order.
      const owned = goSort(rss.filter((rs) => ((rs.metadata?.ownerReferences ?? []) as Obj[]).some((r) => r.controller === true && r.uid === obj.metadata.uid)), (a, b) => byCreation(a, b) < 0);
      const newRS = findNewReplicaSet(obj, owned);
      // deploymentutil.FindOldReplicaSets' second result: every other ReplicaSet it owns, in list order.
      const old = owned.filter((rs) => rs !== newRS);
      describeDeployment(obj, old, newRS, await events(), w, now);
      break;
    }
    case 'apps/ReplicaSet':
      describeReplicaSet(obj, podCounts(await podsSelectedBy(client, obj, settings), obj.metadata.uid), await events(), w, now);
      break;
    case 'apps/StatefulSet':
      describeStatefulSet(obj, podCounts(await podsSelectedBy(client, obj, settings), obj.metadata.uid), await events(), w, now);
      break;
    case 'apps/DaemonSet':
      describeDaemonSet(obj, podCounts(await podsSelectedBy(client, obj, settings), obj.metadata.uid), await events(), w, now);
      break;
    case 'batch/Job':
      describeJob(obj, await events(), w, now);
      break;
    default:
      describeGeneric(obj, await events(), w, now);
  }
  return w.done();
}

function byCreation(a: Obj, b: Obj): number {
  const d = Date.parse(a.metadata.creationTimestamp) - Date.parse(b.metadata.creationTimestamp);
  return d !== 0 ? d : a.metadata.name < b.metadata.name ? -1 : 1;
}

/** The ReplicaSet whose template equals the Deployment's (deploymentutil.FindNewReplicaSet, via the template hash). */
function findNewReplicaSet(d: Obj, rss: Obj[]): Obj | undefined {
  const want = JSON.stringify(stripHash(d.spec?.template));
  return [...rss].sort(byCreation).find((rs) => JSON.stringify(stripHash(rs.spec?.template)) === want);
}

function stripHash(template: Obj | undefined): unknown {
  if (!template) return template;
  const labels = { ...(template.metadata?.labels ?? {}) };
  delete labels['pod-template-hash'];
  return canonical({ ...template, metadata: { ...(template.metadata ?? {}), labels } });
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Obj)[k])]));
  return v;
}
