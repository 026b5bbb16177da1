// /dev as containerd sets it up: a 64 MiB tmpfs with the character devices every
// program expects (`2>/dev/null`, `head -c 16 /dev/urandom`). Reading a device gives
// what read(2) would return once; writing to one throws the bytes away. Anything else
// written under /dev lands in a small tmpfs created on first use.
import type { FileSystem } from './types.ts';
import { FsError, MemoryFileSystem, normalizePath } from './vfs.ts';

const DEVICES = ['full', 'null', 'random', 'stderr', 'stdin', 'stdout', 'tty', 'urandom', 'zero'] as const;
const DIRS = ['mqueue', 'pts', 'shm'];

/** Deterministic "random" bytes: the shim has no entropy, and tests must be exact. */
function pseudoRandom(n: number): string {
  let x = 0x2545f491;
  let out = '';
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out += String.fromCharCode((x >>> 0) & 0xff);
  }
  return out;
}

export class DevFileSystem implements FileSystem {
  private extra: MemoryFileSystem | undefined;

  constructor(private readonly now: () => number = () => 0) {}

  private device(path: string): string | undefined {
    const n = normalizePath(path);
    const name = n.slice(1);
    return (DEVICES as readonly string[]).includes(name) ? name : undefined;
  }

  private get files(): MemoryFileSystem {
    if (this.extra === undefined) {
      this.extra = new MemoryFileSystem({ now: this.now });
      for (const d of DIRS) this.extra.mkdir(`/${d}`);
    }
    return this.extra;
  }

  readFile(path: string): string {
    const dev = this.device(path);
    if (dev === 'zero' || dev === 'full') return '\0'.repeat(4096);
    if (dev === 'random' || dev === 'urandom') return pseudoRandom(4096);
    if (dev !== undefined) return '';
    return this.files.readFile(path);
  }

  writeFile(path: string, data: string, options?: { append?: boolean }): void {
    const dev = this.device(path);
    if (dev === 'full') throw new FsError('ENOSPC', 'write', path);
    if (dev !== undefined) return;
    this.files.writeFile(path, data, options);
  }

  readdir(path: string): string[] {
    if (normalizePath(path) === '/') return [...new Set([...DEVICES, ...(this.extra === undefined ? DIRS : this.files.readdir('/'))])].sort();
    if (this.extra === undefined && DIRS.includes(normalizePath(path).slice(1))) return [];
    return this.files.readdir(path);
  }

  stat(path: string): { type: 'file' | 'dir'; size: number; mtimeMs: number; mode: number } {
    if (this.device(path) !== undefined) return { type: 'file', size: 0, mtimeMs: 0, mode: 0o666 };
    const n = normalizePath(path);
    if (n === '/' || (this.extra === undefined && DIRS.includes(n.slice(1)))) return { type: 'dir', size: n === '/' ? 360 : 40, mtimeMs: 0, mode: 0o755 };
    return this.files.stat(path);
  }

  mkdir(path: string, options?: { recursive?: boolean }): void {
    if (this.device(path) !== undefined) throw new FsError('EEXIST', 'mkdir', path);
    this.files.mkdir(path, options);
  }

  rm(path: string, options?: { recursive?: boolean; force?: boolean }): void {
    if (this.device(path) !== undefined) throw new FsError('EACCES', 'unlink', path);
    this.files.rm(path, options);
  }

  exists(path: string): boolean {
    const n = normalizePath(path);
    // The standard directories exist before anything is written (no tmpfs allocated yet).
    if (this.extra === undefined) return n === '/' || this.device(n) !== undefined || DIRS.includes(n.slice(1));
    return this.device(n) !== undefined || n === '/' || this.files.exists(n);
  }

  rename(from: string, to: string): void {
    if (this.device(from) !== undefined || this.device(to) !== undefined) throw new FsError('EACCES', 'rename', from);
    this.files.rename(from, to);
  }

  chmod(path: string, mode: number): void {
    if (this.device(path) === undefined) this.files.chmod(path, mode);
  }

  utimes(path: string, mtimeMs: number): void {
    if (this.device(path) === undefined) this.files.utimes(path, mtimeMs);
  }
}
