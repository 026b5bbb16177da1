// The bytes behind a Pod's volumes, per cluster. The kubelet asks for a container's
// mounts when it creates the container's filesystem (container/mounts.ts does the rest):
//  - a node's disk is one filesystem per node: `hostPath` volumes and hostPath/local PVs
//    (local-path's `/var/local-path-provisioner/pvc-…`) are views of it, so a hostPath
//    mount of the provisioner directory sees every claim's directory on that node;
//  - any other PV (the replicated CSI class) owns a filesystem keyed by the PV's name,
//    reachable from every node;
//  - an emptyDir lives as long as its Pod (uid), shared by the Pod's containers;
//  - configMap, secret, downwardAPI and projected volumes (the service-account token) are
//    read-only projections built when the container is created.
// The storage backends report wiped volumes through storage/volume-data.ts.
import type { Container, KeyToPath, PersistentVolume, PersistentVolumeClaim, Pod, Volume, VolumeMount } from 'kubernetes-types/core/v1';
import { CORE } from '../controller.ts';
import { NODE_DISK_BYTES, type Mount } from '../container/mounts.ts';
import type { FileSystem } from '../container/types.ts';
import { MemoryFileSystem, normalizePath } from '../container/vfs.ts';
import { parseQuantity } from '../scheduler.ts';
import type { Store } from '../store.ts';
import type { KObject } from '../objects.ts';
import { PVCS, PVS } from '../storage/pv-helpers.ts';
import { registerVolumeDataStore } from '../storage/volume-data.ts';
import { decodeBase64, encodeBase64 } from '../base64.ts';

/** kind's node memory (32863380Ki): what an unlimited tmpfs reports to `df`. */
const TMPFS_BYTES = 32863380 * 1024;

export interface PodVolumeContext {
  pod: Pod;
  uid: string;
  node: string;
  /** The container's environment, for `subPathExpr`. */
  env?: Record<string, string>;
}

interface Source {
  fs: FileSystem;
  subRoot?: string;
  readOnly?: boolean;
  device?: string;
  sizeBytes?: number;
  refresh?: Omit<Projection, 'fs'>;
}

export class VolumeData {
  /** Node name → that node's disk. */
  private readonly nodes = new Map<string, MemoryFileSystem>();
  /** PV name → the data of a PV that is not on a node's disk. */
  private readonly pvs = new Map<string, MemoryFileSystem>();
  /** Pod uid → volume name → emptyDir. */
  private readonly emptyDirs = new Map<string, Map<string, MemoryFileSystem>>();
  /** Pod uid → `container/volume` → a live configMap, secret or projected volume. */
  private readonly projections = new Map<string, Map<string, Projection>>();
  readonly unregister: () => void;

  /**
   * `schedule(delayMs, fn)` runs `fn` later on the cluster's clock; without it, volumes
   * follow their ConfigMaps and Secrets at once.
   */
  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly schedule: (delayMs: number, fn: () => void) => void = (_, fn) => fn(),
  ) {
    const unregister = registerVolumeDataStore(store, { deleteVolume: (pv) => this.deleteVolume(pv) });
    const unsubscribe = store.subscribe((c) => {
      if (c.gr.group === '' && (c.gr.resource === 'configmaps' || c.gr.resource === 'secrets')) this.sourceChanged(c.gr.resource, c.object);
    });
    this.unregister = () => {
      unregister();
      unsubscribe();
    };
  }

  /** A node's disk (created on first use). */
  nodeDisk(node: string): MemoryFileSystem {
    let fs = this.nodes.get(node);
    if (fs === undefined) this.nodes.set(node, (fs = new MemoryFileSystem({ now: this.now })));
    return fs;
  }

  /** The mounts of `container`, in `volumeMounts` order. */
  mounts(ctx: PodVolumeContext, container: Container): Mount[] {
    const volumes = new Map((ctx.pod.spec?.volumes ?? []).map((v) => [v.name, v]));
    const out: Mount[] = [];
    for (const vm of container.volumeMounts ?? []) {
      const volume = volumes.get(vm.name);
      if (volume === undefined) continue;
      const src = this.source(ctx, volume);
      if (src === undefined) continue;
      // Files mounted by subPath are copied once: the kubelet never updates them.
      if (src.refresh !== undefined && vm.subPath === undefined && vm.subPathExpr === undefined) {
        let live = this.projections.get(ctx.uid);
        if (live === undefined) this.projections.set(ctx.uid, (live = new Map()));
        live.set(`${container.name}/${volume.name}`, { fs: src.fs as MemoryFileSystem, ...src.refresh });
      }
      out.push(mountOf(vm, src, ctx.env ?? {}));
    }
    return out;
  }

  /** The Pod is gone: its emptyDirs go with it. */
  podRemoved(uid: string): void {
    this.emptyDirs.delete(uid);
    this.projections.delete(uid);
  }

  /**
   * A ConfigMap or Secret changed: the volumes that project it get the new keys at the
   * kubelet's next periodic sync of their Pod (every minute), as upstream's
   * AtomicWriter swaps the `..data` directory.
   * K:pkg/kubelet/kubelet.go (syncFrequency), K:pkg/volume/util/atomic_writer.go
   */
  private sourceChanged(resource: 'configmaps' | 'secrets', object: KObject): void {
    const key = `${resource}/${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
    const now = this.now();
    for (const live of this.projections.values()) {
      for (const p of live.values()) {
        if (!p.sources.has(key)) continue;
        this.schedule(SYNC_PERIOD_MS - ((now - p.since) % SYNC_PERIOD_MS), () => {
          for (const name of p.fs.readdir('/')) p.fs.rm(`/${name}`, { recursive: true, force: true });
          for (const [path, data] of Object.entries(absolute(p.build()))) {
            p.fs.mkdir(path.slice(0, path.lastIndexOf('/')) || '/', { recursive: true });
            p.fs.writeFile(path, data);
          }
        });
      }
    }
  }

  /** The backend wiped `pv`'s storage (local-path's teardown, a CSI DeleteVolume). */
  deleteVolume(pv: PersistentVolume): void {
    this.pvs.delete(pv.metadata?.name ?? '');
    const path = pv.spec?.hostPath?.path ?? pv.spec?.local?.path;
    if (path === undefined) return;
    for (const fs of this.nodes.values()) fs.rm(normalizePath(path), { recursive: true, force: true });
  }

  private source(ctx: PodVolumeContext, v: Volume): Source | undefined {
    const namespace = ctx.pod.metadata?.namespace ?? 'default';
    if (v.persistentVolumeClaim !== undefined || v.ephemeral !== undefined) {
      const claim = v.persistentVolumeClaim?.claimName ?? `${ctx.pod.metadata?.name ?? ''}-${v.name}`;
      const pvc = this.store.get(PVCS, namespace, claim) as PersistentVolumeClaim | undefined;
      const pv = this.store.get(PVS, '', pvc?.spec?.volumeName ?? '') as PersistentVolume | undefined;
      if (pv === undefined) return undefined;
      const readOnly = v.persistentVolumeClaim?.readOnly === true;
      const path = pv.spec?.hostPath?.path ?? pv.spec?.local?.path;
      if (path !== undefined) return { fs: this.nodeDisk(ctx.node), subRoot: path, readOnly };
      const name = pv.metadata?.name ?? '';
      let fs = this.pvs.get(name);
      if (fs === undefined) this.pvs.set(name, (fs = new MemoryFileSystem({ now: this.now })));
      const size = parseQuantity(pv.spec?.capacity?.storage);
      return { fs, readOnly, device: '/dev/sdb', ...(Number.isFinite(size) && size > 0 ? { sizeBytes: size } : {}) };
    }
    if (v.hostPath !== undefined) return { fs: this.nodeDisk(ctx.node), subRoot: v.hostPath.path };
    if (v.emptyDir !== undefined) {
      let dirs = this.emptyDirs.get(ctx.uid);
      if (dirs === undefined) this.emptyDirs.set(ctx.uid, (dirs = new Map()));
      let fs = dirs.get(v.name);
      if (fs === undefined) dirs.set(v.name, (fs = new MemoryFileSystem({ now: this.now })));
      if (v.emptyDir.medium !== 'Memory') return { fs };
      const limit = parseQuantity(v.emptyDir.sizeLimit);
      return { fs, device: 'tmpfs', sizeBytes: Number.isFinite(limit) && limit > 0 ? limit : TMPFS_BYTES };
    }
    const sources = new Set<string>();
    const from = (kind: 'configmaps' | 'secrets', name: string | undefined): Record<string, string> | undefined => {
      sources.add(`${kind}/${namespace}/${name ?? ''}`);
      return this.objectData(kind, namespace, name);
    };
    let build: (() => Record<string, string>) | undefined;
    let device = 'tmpfs';
    let sizeBytes = TMPFS_BYTES;
    if (v.configMap !== undefined) {
      const src = v.configMap;
      build = () => this.project({}, from('configmaps', src.name), src.items);
      [device, sizeBytes] = ['/dev/sda1', NODE_DISK_BYTES];
    } else if (v.secret !== undefined) {
      const src = v.secret;
      build = () => this.project({}, from('secrets', src.secretName), src.items);
    } else if (v.downwardAPI !== undefined) {
      const items = v.downwardAPI.items ?? [];
      build = () => Object.fromEntries(items.map((item) => [item.path, fieldValue(ctx, item.fieldRef?.fieldPath)]));
      [device, sizeBytes] = ['/dev/sda1', NODE_DISK_BYTES];
    } else if (v.projected !== undefined) {
      const projected = v.projected.sources ?? [];
      // The token is minted once per container here (the real kubelet rotates it hourly).
      const token = projected.some((s) => s.serviceAccountToken !== undefined) ? serviceAccountToken(ctx) : '';
      build = () => {
        const files: Record<string, string> = {};
        for (const s of projected) {
          if (s.serviceAccountToken !== undefined) files[s.serviceAccountToken.path] = token;
          if (s.configMap !== undefined) this.project(files, from('configmaps', s.configMap.name), s.configMap.items);
          if (s.secret !== undefined) this.project(files, from('secrets', s.secret.name), s.secret.items);
          for (const item of s.downwardAPI?.items ?? []) files[item.path] = fieldValue(ctx, item.fieldRef?.fieldPath);
        }
        return files;
      };
    }
    if (build === undefined) return undefined;
    const fs = new MemoryFileSystem({ now: this.now, files: absolute(build()) });
    return {
      fs, readOnly: true, device, sizeBytes,
      ...(sources.size > 0 ? { refresh: { sources, build, since: this.now() } } : {}),
    };
  }

  /** A ConfigMap's or Secret's keys, decoded; undefined when it does not exist. */
  private objectData(kind: 'configmaps' | 'secrets', namespace: string, name: string | undefined): Record<string, string> | undefined {
    const obj = this.store.get(CORE(kind), namespace, name ?? '');
    if (obj === undefined) return undefined;
    const data = { ...((obj.data ?? {}) as Record<string, string>) };
    if (kind === 'secrets') for (const [k, val] of Object.entries(data)) data[k] = decodeBase64(val);
    else for (const [k, val] of Object.entries((obj.binaryData ?? {}) as Record<string, string>)) data[k] = decodeBase64(val);
    return data;
  }

  private project(files: Record<string, string>, data: Record<string, string> | undefined, items: KeyToPath[] | undefined): Record<string, string> {
    if (data === undefined) return files;
    if (items === undefined) {
      for (const [k, val] of Object.entries(data)) files[k] = val;
      return files;
    }
    for (const item of items) if (data[item.key] !== undefined) files[item.path] = data[item.key]!;
    return files;
  }
}

/** How often the kubelet syncs a running Pod (its `syncFrequency`). */
const SYNC_PERIOD_MS = 60_000;

/** A projected volume that follows its ConfigMaps and Secrets. */
interface Projection {
  fs: MemoryFileSystem;
  /** `configmaps/<ns>/<name>`, `secrets/<ns>/<name>` */
  sources: Set<string>;
  build: () => Record<string, string>;
  /** When the volume was set up: its Pod's sync phase. */
  since: number;
}

function absolute(files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([p, d]) => [normalizePath(`/${p}`), d]));
}

function mountOf(vm: VolumeMount, src: Source, env: Record<string, string>): Mount {
  const sub = vm.subPathExpr !== undefined ? vm.subPathExpr.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (_, n: string) => env[n] ?? '') : vm.subPath;
  const subRoot = [src.subRoot ?? '', sub ?? ''].filter((s) => s !== '').join('/');
  return {
    path: vm.mountPath,
    fs: src.fs,
    readOnly: vm.readOnly === true || src.readOnly === true,
    ...(subRoot !== '' ? { subPath: normalizePath(`/${subRoot}`) } : {}),
    ...(src.device !== undefined ? { device: src.device } : {}),
    ...(src.sizeBytes !== undefined ? { sizeBytes: src.sizeBytes } : {}),
  };
}

function fieldValue(ctx: PodVolumeContext, path: string | undefined): string {
  const m = ctx.pod.metadata;
  if (path === 'metadata.name') return m?.name ?? '';
  if (path === 'metadata.namespace') return m?.namespace ?? 'default';
  if (path === 'metadata.uid') return ctx.uid;
  const map = path === 'metadata.labels' ? m?.labels : path === 'metadata.annotations' ? m?.annotations : undefined;
  if (map !== undefined) return Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, val]) => `${k}="${val}"`).join('\n');
  const one = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path ?? '');
  if (one !== null) return (one[1] === 'labels' ? m?.labels : m?.annotations)?.[one[2]!] ?? '';
  return '';
}

const TOKEN_HEADER = encodeBase64('{"alg":"RS256","kid":"statecraft"}', { url: true });

/** A bound service-account token's shape (header.payload.signature); deterministic per pod. */
function serviceAccountToken(ctx: PodVolumeContext): string {
  const ns = ctx.pod.metadata?.namespace ?? 'default';
  const sa = ctx.pod.spec?.serviceAccountName ?? 'default';
  const payload = encodeBase64(
    JSON.stringify({ aud: ['https://kubernetes.default.svc.cluster.local'], iss: 'https://kubernetes.default.svc.cluster.local', 'kubernetes.io': { namespace: ns, pod: { name: ctx.pod.metadata?.name ?? '', uid: ctx.uid }, serviceaccount: { name: sa } }, sub: `system:serviceaccount:${ns}:${sa}` }),
    { url: true },
  );
  return `${TOKEN_HEADER}.${payload}.${encodeBase64(`signature:${ctx.uid}`, { url: true })}`;
}

