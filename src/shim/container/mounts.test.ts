import { describe, expect, it } from 'vitest';
import { sh } from './harness.ts';
import { MountedFileSystem, mountTable } from './mounts.ts';
import { FsError, MemoryFileSystem } from './vfs.ts';

const GiB = 1024 ** 3;

function pod(): { fs: MountedFileSystem; data: MemoryFileSystem; config: MemoryFileSystem } {
  const data = new MemoryFileSystem({ files: { '/db/dump.rdb': 'k=v' } });
  const config = new MemoryFileSystem({ files: { '/app.conf': 'port=80\n', '/other': 'x' } });
  const fs = new MountedFileSystem({
    root: new MemoryFileSystem({ files: { '/etc/passwd': 'root\n' } }),
    mounts: [
      { path: '/data', fs: data, subPath: 'db', sizeBytes: 10 * GiB },
      { path: '/etc/app.conf', fs: config, subPath: 'app.conf', readOnly: true, device: 'tmpfs' },
      { path: '/config', fs: config, readOnly: true, device: 'tmpfs', sizeBytes: 64 * 1024 ** 2 },
    ],
  });
  return { fs, data, config };
}

const errno = (fn: () => unknown): string => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return e instanceof FsError ? e.code : String(e);
  }
};

describe('MountedFileSystem', () => {
  it('resolves the longest mount prefix and honours subPath', () => {
    const { fs, data } = pod();
    expect(fs.readFile('/data/dump.rdb')).toBe('k=v');
    fs.writeFile('/data/new', 'written');
    expect(data.readFile('/db/new')).toBe('written');
    expect(fs.readFile('/etc/app.conf')).toBe('port=80\n');
    expect(fs.readFile('/etc/passwd')).toBe('root\n');
    expect(fs.readdir('/')).toEqual(['config', 'data', 'dev', 'etc']);
    expect(fs.readdir('/config')).toEqual(['app.conf', 'other']);
  });

  it('refuses writes to read-only mounts with EROFS', () => {
    const { fs } = pod();
    expect(errno(() => fs.writeFile('/config/x', 'x'))).toBe('EROFS');
    expect(errno(() => fs.writeFile('/etc/app.conf', 'x'))).toBe('EROFS');
    expect(errno(() => fs.rm('/config/other'))).toBe('EROFS');
    expect(errno(() => fs.mkdir('/config/d'))).toBe('EROFS');
    const ro = new MountedFileSystem({ root: new MemoryFileSystem(), readOnlyRoot: true, mounts: [{ path: '/tmp', fs: new MemoryFileSystem() }] });
    expect(errno(() => ro.writeFile('/x', ''))).toBe('EROFS');
    expect(errno(() => ro.writeFile('/tmp/x', ''))).toBe('ok');
  });

  it('keeps mount points in place and moves across them by copying', () => {
    const { fs } = pod();
    expect(errno(() => fs.rm('/data', { recursive: true }))).toBe('EBUSY');
    expect(errno(() => fs.rename('/etc/passwd', '/data/passwd'))).toBe('EXDEV');
    fs.writeFile('/data/a', '1');
    fs.rename('/data/a', '/data/b');
    expect(fs.readFile('/data/b')).toBe('1');
  });

  it('gives df a mount table: overlay root, /dev, /dev/shm, then the volumes', () => {
    const { fs } = pod();
    expect(mountTable(fs).map((m) => `${m.device} ${m.mountPoint} ${m.sizeBytes} ${m.readOnly ? 'ro' : 'rw'}`)).toEqual([
      `overlay / ${100 * GiB} rw`,
      `tmpfs /dev ${64 * 1024 ** 2} rw`,
      `shm /dev/shm ${64 * 1024 ** 2} rw`,
      `/dev/sda1 /data ${10 * GiB} rw`,
      `tmpfs /etc/app.conf ${100 * GiB} ro`,
      `tmpfs /config ${64 * 1024 ** 2} ro`,
    ]);
  });
});

describe('volumes as the shell sees them', () => {
  const secret = new MemoryFileSystem({ files: { '/token': 'abc', '/namespace': 'default', '/ca.crt': 'CERT' } });
  const options = {
    fs: {
      mounts: [
        { path: '/data', fs: new MemoryFileSystem({ files: { '/notes.txt': 'hello\n' } }), sizeBytes: 1 * GiB },
        { path: '/var/run/secrets/kubernetes.io/serviceaccount', fs: secret, readOnly: true, device: 'tmpfs', sizeBytes: 7_888_412_672 },
      ],
    },
  };

  it('prints busybox df tables', () => {
    const r = sh('df; df -h /data', options);
    expect(r.stdout).toBe([
      'Filesystem           1K-blocks      Used Available Use% Mounted on',
      'overlay              104857600       340 104857260   0% /',
      'tmpfs                    65536         0     65536   0% /dev',
      'shm                      65536         0     65536   0% /dev/shm',
      '/dev/sda1              1048576         4   1048572   0% /data',
      'tmpfs                  7703528        12   7703516   0% /var/run/secrets/kubernetes.io/serviceaccount',
      'Filesystem                Size      Used Available Use% Mounted on',
      '/dev/sda1                 1.0G      4.0K   1024.0M   0% /data',
      '',
    ].join('\n'));
  });

  it('writes through to the volume and refuses read-only ones like busybox', () => {
    const r = sh('cat /data/notes.txt; echo more >> /data/notes.txt; echo x > /var/run/secrets/kubernetes.io/serviceaccount/token; rm /var/run/secrets/kubernetes.io/serviceaccount/ca.crt; ls /var/run/secrets/kubernetes.io/serviceaccount', options);
    expect(r.stdout).toBe('hello\nca.crt\nnamespace\ntoken\n');
    expect(r.stderr).toBe("sh: can't create /var/run/secrets/kubernetes.io/serviceaccount/token: Read-only file system\nrm: can't remove '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt': Read-only file system\n");
    expect(r.fs.readFile('/data/notes.txt')).toBe('hello\nmore\n');
  });

  it('has /dev with null, zero and friends', () => {
    const r = sh('echo gone > /dev/null; cat /dev/null; ls /dev; head -c 3 /dev/zero | wc -c; echo shm > /dev/shm/f; cat /dev/shm/f');
    expect(r.stdout).toBe('full\nmqueue\nnull\npts\nrandom\nshm\nstderr\nstdin\nstdout\ntty\nurandom\nzero\n3\nshm\n');
  });
});
