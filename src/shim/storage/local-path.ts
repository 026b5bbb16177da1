// kind's provisioner: rancher/local-path-provisioner (kind v0.27 ships it as
// docker.io/kindest/local-path-provisioner:v20250214-acbabc1a). A volume is a directory
// on one node, `/var/local-path-provisioner/pvc-<uid>_<namespace>_<claim>`, made by a
// short-lived helper pod on that node; the PV is a hostPath volume pinned to the node.
// It works only while its own pod in local-path-storage runs. LPP:provisioner.go
// (provisionFor, deleteFor, getPathAndNodeForPV, createPersistentVolumeSource).
import type { PersistentVolume, Pod } from 'kubernetes-types/core/v1';
import { CORE, type ControllerContext } from '../controller.ts';
import type { Change } from '../store.ts';
import type { DeleteOutcome, ProvisionOutcome, ProvisionRequest, VolumePlugin } from './provisioner.ts';
import { NODES, PODS, annotations } from './pv-helpers.ts';

export const LOCAL_PATH_PROVISIONER = 'rancher.io/local-path';
export const LOCAL_PATH_NAMESPACE = 'local-path-storage';
const CONFIG_MAP = 'local-path-config';
const DEFAULT_NODE = 'DEFAULT_PATH_FOR_NON_LISTED_NODES';
const DEFAULT_PATH = '/var/local-path-provisioner';
const ANN_NODE = 'local.path.provisioner/selected-node';
const KEY_NODE = 'kubernetes.io/hostname';
/**
 * A helper pod (`helper-pod-create-pvc-…`, busybox running /script/setup) comes and goes
 * before the PV is saved; the provisioner polls it once a second. Not simulated as a Pod:
 * only its time is.
 */
export const HELPER_POD_MS = 2_000;

interface NodePathMap {
  node?: string;
  paths?: string[];
}

export class LocalPathPlugin implements VolumePlugin {
  readonly provisioner = LOCAL_PATH_PROVISIONER;
  readonly supportsBlock = false;
  readonly addFinalizer = false;
  /** The library's identity carries a uuid made when the process starts: one per pod. */
  private readonly uuids = new Map<string, string>();

  constructor(private readonly ctx: ControllerContext) {}

  /** The Running, Ready local-path-provisioner pod, if any. */
  private pod(): Pod | undefined {
    return (this.ctx.store.list(PODS, { namespace: LOCAL_PATH_NAMESPACE }).items as Pod[]).find((p) =>
      p.metadata?.labels?.app === 'local-path-provisioner'
      && p.metadata.deletionTimestamp === undefined
      && p.status?.phase === 'Running'
      && (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'));
  }

  running(): boolean {
    return this.pod() !== undefined;
  }

  identity(): string {
    const pod = this.pod();
    const uid = pod?.metadata?.uid ?? '';
    let uuid = this.uuids.get(uid);
    if (uuid === undefined) this.uuids.set(uid, (uuid = this.ctx.random.uid()));
    return `${LOCAL_PATH_PROVISIONER}_${pod?.metadata?.name ?? ''}_${uuid}`;
  }

  affectsRunning(c: Change): boolean {
    return c.gr.group === '' && c.gr.resource === 'pods' && c.object.metadata?.namespace === LOCAL_PATH_NAMESPACE;
  }

  provision({ claim, storageClass, pvName, selectedNode }: ProvisionRequest): ProvisionOutcome {
    if (claim.spec?.selector !== undefined && claim.spec.selector !== null) return { error: 'claim.Spec.Selector is not supported' };
    for (const mode of claim.spec?.accessModes ?? []) {
      if (mode !== 'ReadWriteOnce' && mode !== 'ReadWriteOncePod') return { error: 'NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes' };
    }
    if (selectedNode === undefined) return { error: 'configuration error, no node was specified' };
    const nodeName = selectedNode.metadata?.name ?? '';
    const base = this.pathOnNode(nodeName);
    if ('error' in base) return base;
    const path = `${base.path}/${pvName}_${claim.metadata?.namespace ?? ''}_${claim.metadata?.name ?? ''}`;
    const volumeType = (annotations(claim).volumeType ?? annotations(storageClass).defaultVolumeType ?? 'hostPath').toLowerCase();
    let source: PersistentVolume['spec'];
    if (volumeType === 'hostpath') source = { hostPath: { path, type: 'DirectoryOrCreate' } };
    else if (volumeType === 'local') source = { local: { path } };
    else return { error: `failed to create persistent volume source: "${volumeType}" is not a recognised volume type` };
    const pv: PersistentVolume = {
      metadata: { name: pvName, annotations: { [ANN_NODE]: nodeName } },
      spec: {
        persistentVolumeReclaimPolicy: storageClass.reclaimPolicy ?? 'Delete',
        accessModes: claim.spec?.accessModes,
        volumeMode: 'Filesystem',
        capacity: { storage: claim.spec?.resources?.requests?.storage ?? '0' },
        ...source,
        nodeAffinity: {
          required: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: KEY_NODE, operator: 'In', values: [selectedNode.metadata?.labels?.[KEY_NODE] ?? nodeName] }] }],
          },
        },
      },
    };
    return { pv, delayMs: HELPER_POD_MS };
  }

  delete(pv: PersistentVolume): DeleteOutcome {
    // deleteFor and getPathAndNodeForPV both wrap their error: upstream's message says it twice.
    const fail = (why: string): DeleteOutcome => ({ error: `failed to delete volume ${pv.metadata?.name ?? ''}: failed to delete volume ${pv.metadata?.name ?? ''}: ${why}` });
    const path = pv.spec?.hostPath?.path ?? pv.spec?.local?.path;
    if (path === undefined) return fail('no path set');
    const required = pv.spec?.nodeAffinity?.required;
    if (pv.spec?.nodeAffinity === undefined) return fail('no NodeAffinity set');
    if (required === undefined) return fail('no NodeAffinity.Required set');
    let node = '';
    for (const term of required.nodeSelectorTerms ?? []) {
      for (const e of term.matchExpressions ?? []) {
        if (e.key === KEY_NODE && e.operator === 'In') {
          if ((e.values ?? []).length !== 1) return fail('multiple values for the node affinity');
          node = e.values![0]!;
          break;
        }
      }
      if (node !== '') break;
    }
    if (node === '') return fail('cannot find affinited node');
    if (pv.spec?.persistentVolumeReclaimPolicy === 'Retain') return { delayMs: 0 };
    // A node that is gone takes its directory with it: nothing to clean up.
    if (this.ctx.store.get(NODES, '', node) === undefined) return { delayMs: 0 };
    return { delayMs: HELPER_POD_MS };
  }

  /** getPathOnNode with kind's config.json (`nodePathMap`), re-read as the provisioner watches it. */
  private pathOnNode(node: string): { path: string } | { error: string } {
    const raw = (this.ctx.store.get(CORE('configmaps'), LOCAL_PATH_NAMESPACE, CONFIG_MAP)?.data as Record<string, string> | undefined)?.['config.json'];
    let entries: NodePathMap[] = [{ node: DEFAULT_NODE, paths: [DEFAULT_PATH] }];
    try {
      if (raw !== undefined) entries = (JSON.parse(raw) as { nodePathMap?: NodePathMap[] }).nodePathMap ?? [];
    } catch {
      // An invalid config file is ignored: the provisioner keeps the last good one.
    }
    const entry = entries.find((e) => e.node === node) ?? entries.find((e) => e.node === DEFAULT_NODE);
    if (entry === undefined) return { error: `config doesn't contain node ${node}, and no ${DEFAULT_NODE} available` };
    const path = entry.paths?.[0];
    if (path === undefined) return { error: `no local path available on node ${node}` };
    return { path: path.replace(/\/+$/, '') };
  }
}
