// du, df and mount: disk usage of a tree, and the container's mount table (overlay root,
// /dev tmpfs, the Pod's volumes) as busybox prints it.
import { mountTable } from '../../mounts.ts';
import { type Applet, fail, has, humanSize, parseArgs, resolvePath, usage } from './util.ts';

const join = (dir: string, name: string): string => (dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`);

export const du: Applet = function* (ctx) {
  const p = parseArgs(ctx.argv, 'shkmacxld:L');
  const fs = ctx.env.fs;
  const fmt = (bytes: number): string => (has(p, 'h') ? humanSize(bytes) : has(p, 'm') ? String(Math.ceil(bytes / 1048576)) : String(Math.ceil(bytes / 1024)));
  let status = 0;
  let grand = 0;
  const walk = (shown: string, path: string, top: boolean): number => {
    const st = fs.stat(path);
    if (st.type !== 'dir') {
      const n = Math.ceil(st.size / 4096) * 4096;
      if (top || has(p, 'a')) ctx.stdout(`${fmt(n)}\t${shown}\n`);
      return n;
    }
    let total = 4096;
    for (const name of fs.readdir(path)) total += walk(join(shown, name), join(path, name), false);
    if (top || !has(p, 's')) ctx.stdout(`${fmt(total)}\t${shown}\n`);
    return total;
  };
  for (const op of p.operands.length > 0 ? p.operands : ['.']) {
    const path = resolvePath(ctx, op);
    if (!fs.exists(path)) {
      fail(ctx, `${op}: No such file or directory`);
      status = 1;
      continue;
    }
    grand += walk(op, path, true);
  }
  if (has(p, 'c')) ctx.stdout(`${fmt(grand)}\ttotal\n`);
  return status;
};

export const df: Applet = function* (ctx) {
  const p = parseArgs(ctx.argv, 'hkmPTaiB:t:');
  if (p.bad !== undefined) return usage(ctx, p.bad, '[-PkmhT] [-t TYPE] [FILESYSTEM]...');
  const rows = mountTable(ctx.env.fs);
  let selected = rows;
  let status = 0;
  if (p.operands.length > 0) {
    selected = [];
    for (const op of p.operands) {
      const path = resolvePath(ctx, op);
      if (!ctx.env.fs.exists(path)) {
        fail(ctx, `${op}: can't find mount point`);
        status = 1;
        continue;
      }
      const m = [...rows].filter((r) => path === r.mountPoint || path.startsWith(r.mountPoint === '/' ? '/' : `${r.mountPoint}/`)).sort((a, b) => b.mountPoint.length - a.mountPoint.length)[0];
      if (m !== undefined) selected.push(m);
    }
  }
  const human = has(p, 'h');
  const unit = has(p, 'm') ? 1024 * 1024 : 1024;
  const type = has(p, 'T');
  const sizeHdr = human ? '     Size' : has(p, 'P') ? '1024-blocks' : has(p, 'm') ? '1M-blocks' : '1K-blocks';
  const header = `Filesystem           ${type ? 'Type       ' : ''}${human ? sizeHdr : sizeHdr.padStart(9)}      Used Available ${has(p, 'P') ? 'Capacity' : 'Use%'} Mounted on\n`;
  ctx.stdout(human ? header.replace('Filesystem           ', 'Filesystem           ') : header);
  for (const r of selected) {
    const total = Math.floor(r.sizeBytes / unit);
    const used = Math.ceil(r.usedBytes / unit);
    const avail = Math.max(0, total - used);
    const pct = used + avail === 0 ? 0 : Math.floor((used * 100 + (used + avail) / 2) / (used + avail));
    const n = (v: number): string => (human ? humanSize(v * unit) : String(v));
    let line = r.device.length > 20 ? `${r.device}\n${''.padEnd(20)}` : r.device.padEnd(20);
    if (type) line += ` ${fsType(r.device).padEnd(10)}`;
    line += ` ${n(total).padStart(9)} ${n(used).padStart(9)} ${n(avail).padStart(9)} ${String(pct).padStart(3)}% ${r.mountPoint}\n`;
    ctx.stdout(line);
  }
  return status;
};

function fsType(device: string): string {
  if (device === 'overlay') return 'overlay';
  if (device === 'tmpfs' || device === 'shm') return 'tmpfs';
  return device.startsWith('/dev/') ? 'ext4' : device;
}

export const mount: Applet = function* (ctx) {
  if (ctx.argv.length > 1 && !ctx.argv.slice(1).every((a) => a.startsWith('-'))) {
    fail(ctx, 'permission denied (are you root?)');
    return 1;
  }
  for (const r of mountTable(ctx.env.fs)) {
    const t = fsType(r.device);
    const opts = r.device === 'overlay' ? 'rw,relatime,lowerdir=/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/1/fs' : r.device === 'tmpfs' || r.device === 'shm' ? `${r.readOnly ? 'ro' : 'rw'},nosuid,nodev,size=${Math.floor(r.sizeBytes / 1024)}k` : `${r.readOnly ? 'ro' : 'rw'},relatime`;
    ctx.stdout(`${r.device} on ${r.mountPoint} type ${t} (${opts})\n`);
  }
  return 0;
};
