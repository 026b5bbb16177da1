// A container's view of files: its own root filesystem (a copy-on-write clone of the
// image, gone with the container) with the Pod's volumes mounted over paths. A write
// under a mount lands in that volume's filesystem, so it outlives the container exactly
// when the volume does (a PersistentVolume, or an emptyDir for the Pod's lifetime).
import { DevFileSystem } from './devfs.ts';
import type { FileSystem, MountTable, MountUsage } from './types.ts';
import { dirname, FsError, normalizePath, usage } from './vfs.ts';

export interface Mount {
  /** Mount point inside the container (`volumeMounts[].mountPath`). */
  path: string;
  /** The volume's filesystem. */
  fs: FileSystem;
  readOnly?: boolean;
  /** `volumeMounts[].subPath`: mount this directory (or file) of the volume instead of its root. */
  subPath?: string;
  /**
   * `df`'s Filesystem column: `/dev/sda1` (default) for what lives on the node's disk
   * (local-path and hostPath volumes, emptyDir, /etc/hosts), `tmpfs` for secrets, the
   * service-account token and `emptyDir.medium: Memory`.
   */
  device?: string;
  /** Capacity `df` reports (default: the node's disk, 100 GiB). local-path does not enforce a PV's size. */
  sizeBytes?: number;
}

export interface MountedFileSystemOptions {
  root: FileSystem;
  mounts?: readonly Mount[];
  /** `securityContext.readOnlyRootFilesystem`. */
  readOnlyRoot?: boolean;
  /** Capacity `df` reports for `/` (default 100 GiB). */
  rootSizeBytes?: number;
  /** Adds containerd's /dev (tmpfs) and /dev/shm (shm) mounts; default true. */
  dev?: boolean;
  /** Modification times for /dev/shm files. */
  now?: () => number;
}

export const NODE_DISK_BYTES = 100 * 1024 ** 3;
const TMPFS_DEV_BYTES = 64 * 1024 ** 2;

interface Resolved {
  fs: FileSystem;
  inner: string;
  readOnly: boolean;
  mount: MountState | undefined;
}

interface MountState {
  path: string;
  fs: FileSystem;
  device: string;
  sizeBytes: number;
  readOnly: boolean;
  subRoot: string;
}

export class MountedFileSystem implements FileSystem, MountTable {
  private readonly root: FileSystem;
  private readonly readOnlyRoot: boolean;
  private readonly rootSizeBytes: number;
  /** Longest mount point first, so the innermost mount wins. */
  private readonly table: MountState[];
  /** In mount order, for `df`. */
  private readonly order: MountState[];

  constructor(options: MountedFileSystemOptions) {
    this.root = options.root;
    this.readOnlyRoot = options.readOnlyRoot === true;
    this.rootSizeBytes = options.rootSizeBytes ?? NODE_DISK_BYTES;
    const mounts: Mount[] = [];
    if (options.dev !== false) {
      const dev = new DevFileSystem(options.now);
      mounts.push({ path: '/dev', fs: dev, device: 'tmpfs', sizeBytes: TMPFS_DEV_BYTES }, { path: '/dev/shm', fs: dev, subPath: '/shm', device: 'shm', sizeBytes: TMPFS_DEV_BYTES });
    }
    mounts.push(...(options.mounts ?? []));
    this.order = mounts
      .map((m) => ({
        path: normalizePath(m.path),
        fs: m.fs,
        readOnly: m.readOnly === true,
        subRoot: normalizePath(m.subPath ?? '/'),
        device: m.device ?? '/dev/sda1',
        sizeBytes: m.sizeBytes ?? NODE_DISK_BYTES,
      }));
    this.table = [...this.order].sort((a, b) => b.path.length - a.path.length);
    // The kubelet creates a missing subPath in the volume, and the runtime creates the
    // mount point in whatever is beneath it; outermost mounts first so nesting works.
    for (const m of this.order) {
      if (!m.fs.exists(m.subRoot)) m.fs.mkdir(m.subRoot, { recursive: true });
      const below = this.resolve(m.path, m);
      if (below.fs.exists(below.inner)) continue;
      try {
        if (m.fs.stat(m.subRoot).type === 'file') {
          below.fs.mkdir(dirname(below.inner), { recursive: true });
          below.fs.writeFile(below.inner, '');
        } else below.fs.mkdir(below.inner, { recursive: true });
      } catch {
        // A read-only layer beneath: the mount still resolves, it just is not listed there.
      }
    }
  }

  readFile(path: string): string {
    const r = this.resolve(path);
    return r.fs.readFile(r.inner);
  }

  writeFile(path: string, data: string, options?: { append?: boolean }): void {
    const r = this.writable(path, 'open');
    r.fs.writeFile(r.inner, data, options);
  }

  readdir(path: string): string[] {
    const r = this.resolve(path);
    const names = new Set(r.fs.readdir(r.inner));
    const dir = normalizePath(path);
    for (const m of this.table) {
      if (m.path !== '/' && dirname(m.path) === dir) names.add(m.path.slice(m.path.lastIndexOf('/') + 1));
    }
    return [...names].sort();
  }

  stat(path: string): { type: 'file' | 'dir'; size: number; mtimeMs: number; mode?: number } {
    const r = this.resolve(path);
    return r.fs.stat(r.inner);
  }

  mkdir(path: string, options?: { recursive?: boolean }): void {
    const n = normalizePath(path);
    if (this.table.some((m) => m.path === n)) {
      if (options?.recursive === true) return;
      throw new FsError('EEXIST', 'mkdir', path);
    }
    if (options?.recursive === true) {
      // `mkdir -p /data/a/b` with /data a mount: create what is missing mount by mount.
      const parent = dirname(n);
      if (parent !== n && !this.exists(parent)) this.mkdir(parent, options);
      if (this.exists(n)) {
        if (this.stat(n).type !== 'dir') throw new FsError('EEXIST', 'mkdir', path);
        return;
      }
      const r = this.writable(path, 'mkdir');
      r.fs.mkdir(r.inner);
      return;
    }
    const r = this.writable(path, 'mkdir');
    r.fs.mkdir(r.inner, options);
  }

  rm(path: string, options?: { recursive?: boolean; force?: boolean }): void {
    const n = normalizePath(path);
    // A mount point, or a tree with one inside, cannot go (rm -r walks the tree itself
    // and meets EBUSY at the mount point, as on Linux).
    if (n === '/' || this.table.some((m) => m.path === n || (options?.recursive === true && m.path.startsWith(`${n}/`)))) {
      throw new FsError('EBUSY', 'rm', path);
    }
    const r = this.writable(path, 'rm');
    r.fs.rm(r.inner, options);
  }

  exists(path: string): boolean {
    const r = this.resolve(path);
    return r.fs.exists(r.inner);
  }

  rename(from: string, to: string): void {
    const a = this.writable(from, 'rename');
    const b = this.writable(to, 'rename');
    const f = normalizePath(from);
    if (this.table.some((m) => m.path === f)) throw new FsError('EBUSY', 'rename', from);
    if (a.mount !== b.mount || a.fs.rename === undefined) throw new FsError('EXDEV', 'rename', from);
    a.fs.rename(a.inner, b.inner);
  }

  chmod(path: string, mode: number): void {
    const r = this.writable(path, 'chmod');
    r.fs.chmod?.(r.inner, mode);
  }

  utimes(path: string, mtimeMs: number): void {
    const r = this.writable(path, 'utime');
    r.fs.utimes?.(r.inner, mtimeMs);
  }

  /** The mount table as `df` prints it: `/` first, then mounts in mount order. */
  mounts(): MountUsage[] {
    // What the files take, not counting the mount's own directory (an empty tmpfs shows 0).
    const used = (fs: FileSystem, root: string): number => Math.max(0, usage(fs, root) - (fs.stat(root).type === 'dir' ? 4096 : 0));
    const rows: MountUsage[] = [
      { device: 'overlay', mountPoint: '/', sizeBytes: this.rootSizeBytes, usedBytes: used(this.root, '/'), readOnly: this.readOnlyRoot },
    ];
    for (const m of this.order) {
      const bytes = m.device === 'tmpfs' && m.path === '/dev' ? 0 : used(m.fs, m.subRoot);
      rows.push({ device: m.device, mountPoint: m.path, sizeBytes: m.sizeBytes, usedBytes: Math.min(bytes, m.sizeBytes), readOnly: m.readOnly });
    }
    return rows;
  }

  /** Which filesystem holds `path`, and where in it; `skip` ignores one mount (the one being set up). */
  private resolve(path: string, skip?: MountState): Resolved {
    const n = normalizePath(path);
    for (const m of this.table) {
      if (m === skip) continue;
      if (n === m.path || n.startsWith(m.path === '/' ? '/' : `${m.path}/`)) {
        const rest = n.slice(m.path.length);
        return { fs: m.fs, inner: normalizePath(`${m.subRoot}/${rest}`), readOnly: m.readOnly, mount: m };
      }
    }
    return { fs: this.root, inner: n, readOnly: this.readOnlyRoot, mount: undefined };
  }

  private writable(path: string, syscall: string): Resolved {
    const r = this.resolve(path);
    if (r.readOnly) throw new FsError('EROFS', syscall, path);
    return r;
  }
}

/** The mount table of a filesystem that has one (`df`); a plain filesystem is just `/`. */
export function mountTable(fs: FileSystem): MountUsage[] {
  const t = fs as Partial<MountTable>;
  if (typeof t.mounts === 'function') return t.mounts();
  return [{ device: 'overlay', mountPoint: '/', sizeBytes: NODE_DISK_BYTES, usedBytes: usage(fs), readOnly: false }];
}
