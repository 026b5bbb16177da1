// An in-memory filesystem: the storage behind a container's root filesystem, an
// emptyDir, a PersistentVolume's data, a configMap projection. `clone()` is
// copy-on-write (both copies share every node until one of them writes), which is how
// a container's root filesystem starts from an image without copying the image:
// thousands of pods of one image share one tree.
import type { FileSystem } from './types.ts';

export type FsErrorCode = 'ENOENT' | 'EEXIST' | 'ENOTDIR' | 'EISDIR' | 'ENOTEMPTY' | 'EROFS' | 'EBUSY' | 'ENOSPC' | 'EINVAL' | 'EXDEV' | 'EACCES';

/** strerror(3) texts (glibc and musl agree on these), as coreutils and busybox print them. */
export const STRERROR: Record<FsErrorCode, string> = {
  ENOENT: 'No such file or directory',
  EEXIST: 'File exists',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  ENOTEMPTY: 'Directory not empty',
  EROFS: 'Read-only file system',
  EBUSY: 'Resource busy',
  ENOSPC: 'No space left on device',
  EINVAL: 'Invalid argument',
  EXDEV: 'Cross-device link',
  EACCES: 'Permission denied',
};

export class FsError extends Error {
  constructor(
    readonly code: FsErrorCode,
    readonly syscall: string,
    readonly path: string,
  ) {
    super(`${code}: ${STRERROR[code].toLowerCase()}, ${syscall} '${path}'`);
    this.name = 'FsError';
  }

  /** The strerror text (`No such file or directory`). */
  get text(): string {
    return STRERROR[this.code];
  }
}

export function isFsError(e: unknown): e is FsError {
  return e instanceof FsError;
}

/** strerror text of any error a filesystem call threw. */
export function errorText(e: unknown): string {
  return isFsError(e) ? e.text : e instanceof Error ? e.message : String(e);
}

const CLEAN_NEEDED = /\/\/|\/\.\.?(\/|$)|.\/$/;

/** Absolute, without `.`/`..`/empty components; `..` above `/` stays at `/`. */
export function normalizePath(path: string, cwd = '/'): string {
  // Most paths are already clean: `/usr/sbin/nginx`.
  if (path.charCodeAt(0) === 47 && !CLEAN_NEEDED.test(path)) return path;
  const parts: string[] = [];
  for (const p of (path.startsWith('/') ? path : `${cwd}/${path}`).split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return `/${parts.join('/')}`;
}

export function dirname(path: string): string {
  const n = normalizePath(path);
  const i = n.lastIndexOf('/');
  return i <= 0 ? '/' : n.slice(0, i);
}

export function basename(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

export function splitPath(path: string): string[] {
  const n = normalizePath(path);
  return n === '/' ? [] : n.slice(1).split('/');
}

/** Bytes of a string as UTF-8 (what `ls -l`, `wc -c` and `df` count). */
export function byteLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 2;
      i++;
    } else n += 2;
  }
  return n;
}

interface FileNode {
  readonly type: 'file';
  readonly data: string;
  readonly mtimeMs: number;
  readonly mode: number;
}

interface DirNode {
  type: 'dir';
  children: Map<string, Node>;
  mtimeMs: number;
  mode: number;
  /** The filesystem allowed to mutate this node in place; others copy it first. */
  owner: object;
}

type Node = FileNode | DirNode;

export const FILE_MODE = 0o644;
export const DIR_MODE = 0o755;
export const EXEC_MODE = 0o755;

export interface MemoryFileSystemOptions {
  /** Modification times come from the virtual clock; default 0. */
  now?: () => number;
  /** Initial files: absolute path → content; parent directories are created. */
  files?: Readonly<Record<string, string>>;
}

export class MemoryFileSystem implements FileSystem {
  private owner: object = {};
  private root: DirNode;
  private readonly now: () => number;

  constructor(options: MemoryFileSystemOptions = {}) {
    this.now = options.now ?? (() => 0);
    this.root = { type: 'dir', children: new Map(), mtimeMs: this.now(), mode: DIR_MODE, owner: this.owner };
    for (const [path, data] of Object.entries(options.files ?? {})) {
      this.mkdir(dirname(path), { recursive: true });
      this.writeFile(path, data);
    }
  }

  /** A copy-on-write copy: cheap now, diverges as either side writes. */
  clone(options: { now?: () => number } = {}): MemoryFileSystem {
    const copy = new MemoryFileSystem({ now: options.now ?? this.now });
    copy.root = this.root;
    // Neither side owns the shared nodes any more: the first write on either side copies.
    this.owner = {};
    return copy;
  }

  readFile(path: string): string {
    const node = this.lookup(path, 'open');
    if (node.type === 'dir') throw new FsError('EISDIR', 'read', path);
    return node.data;
  }

  writeFile(path: string, data: string, options: { append?: boolean } = {}): void {
    const parts = splitPath(path);
    const name = parts.pop();
    if (name === undefined) throw new FsError('EISDIR', 'open', path);
    const dir = this.mutableDir(parts, path, 'open');
    const existing = dir.children.get(name);
    if (existing?.type === 'dir') throw new FsError('EISDIR', 'open', path);
    const prefix = options.append === true && existing !== undefined ? existing.data : '';
    const now = this.now();
    dir.children.set(name, { type: 'file', data: prefix + data, mtimeMs: now, mode: existing?.mode ?? FILE_MODE });
    if (existing === undefined) dir.mtimeMs = now;
  }

  readdir(path: string): string[] {
    const node = this.lookup(path, 'scandir');
    if (node.type !== 'dir') throw new FsError('ENOTDIR', 'scandir', path);
    return [...node.children.keys()].sort();
  }

  stat(path: string): { type: 'file' | 'dir'; size: number; mtimeMs: number; mode: number } {
    const node = this.lookup(path, 'stat');
    // Directories report one 4 KiB block like ext4/overlayfs do.
    return { type: node.type, size: node.type === 'dir' ? 4096 : byteLength(node.data), mtimeMs: node.mtimeMs, mode: node.mode };
  }

  mkdir(path: string, options: { recursive?: boolean } = {}): void {
    const parts = splitPath(path);
    if (parts.length === 0) {
      if (options.recursive === true) return;
      throw new FsError('EEXIST', 'mkdir', path);
    }
    if (options.recursive === true) {
      // Check first so that a failed mkdir -p copies nothing.
      let probe: Node | undefined = this.root;
      for (const p of parts) {
        if (probe === undefined) break;
        if (probe.type === 'file') throw new FsError('ENOTDIR', 'mkdir', path);
        probe = probe.children.get(p);
      }
      if (probe?.type === 'file') throw new FsError('EEXIST', 'mkdir', path);
      if (probe !== undefined) return;
      let dir = this.mutableRoot();
      for (const p of parts) {
        const child = dir.children.get(p);
        if (child === undefined) {
          const created: DirNode = { type: 'dir', children: new Map(), mtimeMs: this.now(), mode: DIR_MODE, owner: this.owner };
          dir.children.set(p, created);
          dir.mtimeMs = this.now();
          dir = created;
        } else dir = this.own(dir, p, child as DirNode);
      }
      return;
    }
    const name = parts.pop()!;
    const dir = this.mutableDir(parts, path, 'mkdir');
    if (dir.children.has(name)) throw new FsError('EEXIST', 'mkdir', path);
    dir.children.set(name, { type: 'dir', children: new Map(), mtimeMs: this.now(), mode: DIR_MODE, owner: this.owner });
    dir.mtimeMs = this.now();
  }

  rm(path: string, options: { recursive?: boolean; force?: boolean } = {}): void {
    const parts = splitPath(path);
    const name = parts.pop();
    if (name === undefined) throw new FsError('EBUSY', 'rm', path);
    let dir: DirNode;
    try {
      dir = this.mutableDir(parts, path, 'rm');
    } catch (e) {
      if (options.force === true && isFsError(e) && e.code === 'ENOENT') return;
      throw e;
    }
    const node = dir.children.get(name);
    if (node === undefined) {
      if (options.force === true) return;
      throw new FsError('ENOENT', 'rm', path);
    }
    if (node.type === 'dir' && options.recursive !== true) {
      throw new FsError(node.children.size > 0 ? 'ENOTEMPTY' : 'EISDIR', 'rm', path);
    }
    dir.children.delete(name);
    dir.mtimeMs = this.now();
  }

  exists(path: string): boolean {
    return this.find(path) !== undefined;
  }

  rename(from: string, to: string): void {
    const src = splitPath(from);
    const dst = splitPath(to);
    const srcName = src.pop();
    const dstName = dst.pop();
    if (srcName === undefined || dstName === undefined) throw new FsError('EBUSY', 'rename', from);
    const node = this.lookup(from, 'rename');
    const target = this.find(to);
    const fromN = normalizePath(from);
    const toN = normalizePath(to);
    if (fromN === toN) return;
    if (node.type === 'dir' && toN.startsWith(`${fromN}/`)) throw new FsError('EINVAL', 'rename', from);
    if (target !== undefined) {
      if (target.type === 'dir' && node.type !== 'dir') throw new FsError('EISDIR', 'rename', to);
      if (target.type !== 'dir' && node.type === 'dir') throw new FsError('ENOTDIR', 'rename', to);
      if (target.type === 'dir' && target.children.size > 0) throw new FsError('ENOTEMPTY', 'rename', to);
    }
    const toDir = this.mutableDir(dst, to, 'rename');
    const fromDir = this.mutableDir(src, from, 'rename');
    fromDir.children.delete(srcName);
    toDir.children.set(dstName, node);
    fromDir.mtimeMs = toDir.mtimeMs = this.now();
  }

  chmod(path: string, mode: number): void {
    this.replace(path, 'chmod', (n) => ({ ...n, mode: mode & 0o7777 }));
  }

  utimes(path: string, mtimeMs: number): void {
    this.replace(path, 'utime', (n) => ({ ...n, mtimeMs }));
  }

  /** Total bytes stored: file sizes rounded up to 4 KiB blocks, plus one block per directory. */
  usedBytes(path = '/'): number {
    return usage(this, path);
  }

  private find(path: string): Node | undefined {
    let node: Node = this.root;
    for (const p of splitPath(path)) {
      if (node.type !== 'dir') return undefined;
      const child: Node | undefined = node.children.get(p);
      if (child === undefined) return undefined;
      node = child;
    }
    return node;
  }

  private lookup(path: string, syscall: string): Node {
    let node: Node = this.root;
    for (const p of splitPath(path)) {
      if (node.type !== 'dir') throw new FsError('ENOTDIR', syscall, path);
      const child: Node | undefined = node.children.get(p);
      if (child === undefined) throw new FsError('ENOENT', syscall, path);
      node = child;
    }
    return node;
  }

  /** Swaps the node at `path` for `update(node)` (file nodes are immutable; shared dirs are copied). */
  private replace(path: string, syscall: string, update: (n: Node) => Node): void {
    const parts = splitPath(path);
    const name = parts.pop();
    if (name === undefined) {
      this.root = { ...(update(this.mutableRoot()) as DirNode), owner: this.owner };
      return;
    }
    const dir = this.mutableDir(parts, path, syscall);
    const node = dir.children.get(name);
    if (node === undefined) throw new FsError('ENOENT', syscall, path);
    const updated = update(node);
    dir.children.set(name, updated.type === 'dir' ? { ...updated, owner: this.owner } : updated);
  }

  private mutableRoot(): DirNode {
    if (this.root.owner !== this.owner) this.root = { ...this.root, children: new Map(this.root.children), owner: this.owner };
    return this.root;
  }

  /** `child` (named `name` in `parent`) as a node this filesystem may mutate. */
  private own(parent: DirNode, name: string, child: DirNode): DirNode {
    if (child.owner === this.owner) return child;
    const copy: DirNode = { ...child, children: new Map(child.children), owner: this.owner };
    parent.children.set(name, copy);
    return copy;
  }

  private mutableDir(parts: string[], path: string, syscall: string): DirNode {
    // Check first so that a failed write copies nothing.
    let probe: Node = this.root;
    for (const p of parts) {
      if (probe.type !== 'dir') throw new FsError('ENOTDIR', syscall, path);
      const child: Node | undefined = probe.children.get(p);
      if (child === undefined) throw new FsError('ENOENT', syscall, path);
      probe = child;
    }
    if (probe.type !== 'dir') throw new FsError('ENOTDIR', syscall, path);
    let dir = this.mutableRoot();
    for (const p of parts) dir = this.own(dir, p, dir.children.get(p) as DirNode);
    return dir;
  }
}

/** Bytes used under `path` of any FileSystem, counted in 4 KiB blocks like `du`/`df`. */
export function usage(fs: FileSystem, path = '/'): number {
  const st = fs.stat(path);
  if (st.type === 'file') return Math.ceil(st.size / 4096) * 4096;
  let total = 4096;
  for (const name of fs.readdir(path)) total += usage(fs, path === '/' ? `/${name}` : `${path}/${name}`);
  return total;
}
