import { describe, expect, it } from 'vitest';
import { BUILTIN_PREFIX } from '../images.ts';
import { containerRoot, imageLayer } from './rootfs.ts';
import { byteLength, FsError, MemoryFileSystem, normalizePath } from './vfs.ts';

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof FsError) return `${e.code} ${e.text}`;
    throw e;
  }
  return 'ok';
};

describe('MemoryFileSystem', () => {
  it('reads, writes, appends and lists', () => {
    let now = 1000;
    const fs = new MemoryFileSystem({ now: () => now });
    fs.mkdir('/data/logs', { recursive: true });
    fs.writeFile('/data/logs/a.txt', 'one\n');
    now = 2000;
    fs.writeFile('/data/logs/a.txt', 'two\n', { append: true });
    fs.writeFile('/data/b', 'é');
    expect(fs.readFile('/data/logs/a.txt')).toBe('one\ntwo\n');
    expect(fs.readdir('/data')).toEqual(['b', 'logs']);
    expect(fs.stat('/data/logs/a.txt')).toEqual({ type: 'file', size: 8, mtimeMs: 2000, mode: 0o644 });
    expect(fs.stat('/data/b').size).toBe(2);
    expect(fs.stat('/data/logs')).toMatchObject({ type: 'dir', size: 4096, mode: 0o755 });
    expect(fs.exists('/data/logs/../b')).toBe(true);
  });

  it('fails with errno codes and strerror texts', () => {
    const fs = new MemoryFileSystem({ files: { '/etc/passwd': 'root\n', '/d/f': 'x' } });
    expect(code(() => fs.readFile('/nope'))).toBe('ENOENT No such file or directory');
    expect(code(() => fs.readFile('/etc'))).toBe('EISDIR Is a directory');
    expect(code(() => fs.writeFile('/etc', 'x'))).toBe('EISDIR Is a directory');
    expect(code(() => fs.writeFile('/missing/f', 'x'))).toBe('ENOENT No such file or directory');
    expect(code(() => fs.mkdir('/etc'))).toBe('EEXIST File exists');
    expect(code(() => fs.mkdir('/etc/passwd/x', { recursive: true }))).toBe('ENOTDIR Not a directory');
    expect(code(() => fs.readdir('/etc/passwd'))).toBe('ENOTDIR Not a directory');
    expect(code(() => fs.rm('/d'))).toBe('ENOTEMPTY Directory not empty');
    expect(code(() => fs.rm('/nope'))).toBe('ENOENT No such file or directory');
    expect(code(() => fs.rm('/nope', { force: true }))).toBe('ok');
    expect(code(() => fs.rm('/d', { recursive: true }))).toBe('ok');
    expect(fs.exists('/d/f')).toBe(false);
  });

  it('renames, changes modes and times', () => {
    const fs = new MemoryFileSystem({ files: { '/a/f': 'data' } });
    fs.mkdir('/b');
    fs.rename('/a/f', '/b/g');
    expect(fs.readFile('/b/g')).toBe('data');
    expect(fs.exists('/a/f')).toBe(false);
    expect(code(() => fs.rename('/b', '/b/inside'))).toBe('EINVAL Invalid argument');
    fs.chmod('/b/g', 0o755);
    fs.utimes('/b/g', 42);
    expect(fs.stat('/b/g')).toMatchObject({ mode: 0o755, mtimeMs: 42 });
  });

  it('clones copy-on-write: each side sees only its own writes', () => {
    const base = new MemoryFileSystem({ files: { '/etc/hostname': 'base\n', '/usr/share/doc/x': 'doc' } });
    const a = base.clone();
    const b = base.clone();
    a.writeFile('/etc/hostname', 'a\n');
    b.rm('/usr/share', { recursive: true });
    b.mkdir('/data');
    expect(base.readFile('/etc/hostname')).toBe('base\n');
    expect(a.readFile('/etc/hostname')).toBe('a\n');
    expect(b.readFile('/etc/hostname')).toBe('base\n');
    expect(a.exists('/usr/share/doc/x')).toBe(true);
    expect(b.exists('/usr/share')).toBe(false);
    expect(a.exists('/data')).toBe(false);
    base.writeFile('/etc/motd', 'hi');
    expect(a.exists('/etc/motd')).toBe(false);
  });

  it('normalises paths', () => {
    expect(normalizePath('/a//b/./c/../d/')).toBe('/a/b/d');
    expect(normalizePath('x/../../y', '/w')).toBe('/y');
    expect(normalizePath('/usr/bin')).toBe('/usr/bin');
    expect(byteLength('a€😀')).toBe(8);
  });
});

describe('image root filesystems', () => {
  const files = { '/bin/sh': `${BUILTIN_PREFIX}sh\n`, '/bin/busybox': `${BUILTIN_PREFIX}sh\n`, '/etc/passwd': 'root:x:0:0:root:/root:/bin/sh\n', '/tmp/.keep': '' };

  it('builds one shared layer per image, with busybox applet links', () => {
    const layer = imageLayer(files);
    expect(imageLayer(files)).toBe(layer);
    expect(layer.readFile('/bin/ls')).toBe(`${BUILTIN_PREFIX}ls\n`);
    expect(layer.stat('/bin/ls').mode).toBe(0o755);
    expect(layer.stat('/etc/passwd').mode).toBe(0o644);
    expect(layer.exists('/tmp/.keep')).toBe(false);
    expect(layer.stat('/tmp').type).toBe('dir');
  });

  it('gives every container its own writable copy', () => {
    const one = containerRoot(files);
    const two = containerRoot(files);
    one.writeFile('/tmp/data.txt', 'mine');
    expect(two.exists('/tmp/data.txt')).toBe(false);
    expect(imageLayer(files).exists('/tmp/data.txt')).toBe(false);
  });

  it('starts thousands of containers without copying the image', () => {
    const t0 = performance.now();
    const roots = Array.from({ length: 5000 }, () => containerRoot(files));
    roots[0]!.writeFile('/tmp/x', 'x');
    expect(roots[1]!.exists('/tmp/x')).toBe(false);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});
