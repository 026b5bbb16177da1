// ls as busybox prints it: one name a line into a pipe, columns on a terminal, and
// `-l` with modes, link counts, sizes and dates relative to the virtual clock.
import type { FileSystem } from '../../types.ts';
import { dirname, errorText } from '../../vfs.ts';
import { type Applet, fail, has, humanSize, isDir, parseArgs, resolvePath, strftime, usage } from './util.ts';

type Stat = ReturnType<FileSystem['stat']>;

function statOf(fs: FileSystem, path: string): Stat | undefined {
  try {
    return fs.stat(path);
  } catch {
    return undefined;
  }
}

const join = (dir: string, name: string): string => (dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`);

function modeString(st: Stat): string {
  const m = st.mode ?? (st.type === 'dir' ? 0o755 : 0o644);
  const bits = ['r', 'w', 'x'];
  let s = st.type === 'dir' ? 'd' : '-';
  for (let i = 8; i >= 0; i--) s += (m >> i) & 1 ? bits[(8 - i) % 3]! : '-';
  // The sticky bit (/tmp is 1777) shows in the last place.
  if ((m & 0o1000) !== 0) s = s.slice(0, 9) + (s[9] === 'x' ? 't' : 'T');
  return s;
}

/** `Nov 23 11:06` for the last six months, `Jan  1  1970` otherwise. */
function lsDate(mtime: number, now: number): string {
  const sixMonths = 182 * 86_400_000;
  return now - mtime < sixMonths && mtime <= now + 3_600_000 ? strftime('%b %e %H:%M', mtime) : strftime('%b %e  %Y', mtime);
}

const blocksK = (st: Stat): number => (st.type === 'dir' ? 4 : Math.ceil(st.size / 4096) * 4);

export const ls: Applet = function* (ctx) {
  const p = parseArgs(ctx.argv, '1aAlhdRFpnrtSCxigoe', { 'full-time': 'e', color: 'C', 'group-directories-first': 'g' });
  if (p.bad !== undefined && !p.bad.startsWith('--color')) return usage(ctx, p.bad, '[-1AaCxdLHRFplinshrSXvctu] [-w WIDTH] [FILE]...');
  const fs = ctx.env.fs;
  const long = has(p, 'l') || has(p, 'n') || has(p, 'g') || has(p, 'o');
  const all = has(p, 'a');
  const almost = has(p, 'A');
  const now = ctx.env.now();
  const columns = !long && !has(p, '1') && (ctx.env.tty === true || has(p, 'C'));
  let status = 0;
  const operands = p.operands.length > 0 ? p.operands : ['.'];

  const entryLine = (name: string, st: Stat, path: string): string => {
    let shown = name;
    if (has(p, 'F') || has(p, 'p')) {
      if (st.type === 'dir') shown += '/';
      else if (has(p, 'F') && ((st.mode ?? 0) & 0o111) !== 0) shown += '*';
    }
    if (!long) return shown;
    const nlink = st.type === 'dir' ? 2 + subdirs(fs, path) : 1;
    const owner = has(p, 'n') ? '0' : 'root';
    const size = has(p, 'h') ? humanSize(st.type === 'dir' ? 4096 : st.size) : String(st.type === 'dir' ? 4096 : st.size);
    const date = lsDate(st.mtimeMs, now);
    const who = has(p, 'g') ? `${owner.padEnd(8)} ` : has(p, 'o') ? `${owner.padEnd(8)} ` : `${owner.padEnd(8)} ${owner.padEnd(8)} `;
    return `${modeString(st)} ${String(nlink).padStart(4)} ${who}${size.padStart(9)} ${date} ${shown}`;
  };

  const sortEntries = (entries: Array<{ name: string; st: Stat }>): Array<{ name: string; st: Stat }> => {
    const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    let sorted = [...entries].sort(byName);
    if (has(p, 't')) sorted = sorted.sort((a, b) => b.st.mtimeMs - a.st.mtimeMs || byName(a, b));
    if (has(p, 'S')) sorted = sorted.sort((a, b) => b.st.size - a.st.size || byName(a, b));
    if (has(p, 'r')) sorted.reverse();
    return sorted;
  };

  const print = (entries: Array<{ name: string; st: Stat; path: string }>, total: boolean): void => {
    const lines = entries.map((e) => entryLine(e.name, e.st, e.path));
    if (long && total) ctx.stdout(`total ${entries.reduce((n, e) => n + blocksK(e.st), 0)}\n`);
    // busybox leaves the terminal's last column free: 80 columns fit 79 characters.
    if (columns && lines.length > 0) ctx.stdout(inColumns(lines, 79));
    else for (const l of lines) ctx.stdout(`${l}\n`);
  };

  const files: Array<{ name: string; st: Stat; path: string }> = [];
  const dirs: Array<{ name: string; path: string }> = [];
  for (const op of operands) {
    const path = resolvePath(ctx, op);
    const st = statOf(fs, path);
    if (st === undefined) {
      fail(ctx, `${op}: No such file or directory`);
      status = 1;
      continue;
    }
    if (st.type === 'dir' && !has(p, 'd')) dirs.push({ name: op, path });
    else files.push({ name: op, st, path });
  }
  print(sortEntries(files) as typeof files, false);
  const listDir = (name: string, path: string, header: boolean, first: boolean): void => {
    if (header) ctx.stdout(`${first ? '' : '\n'}${name}:\n`);
    let names: string[];
    try {
      names = fs.readdir(path);
    } catch (e) {
      fail(ctx, `${name}: ${errorText(e)}`);
      status = 1;
      return;
    }
    const entries = names
      .filter((n) => all || almost || !n.startsWith('.'))
      .map((n) => ({ name: n, path: join(path, n), st: statOf(fs, join(path, n))! }))
      .filter((e) => e.st !== undefined);
    const dots = all ? [{ name: '.', path, st: fs.stat(path) }, { name: '..', path: dirname(path), st: fs.stat(dirname(path)) }] : [];
    const sorted = sortEntries(entries) as typeof entries;
    print([...dots, ...sorted], true);
    if (has(p, 'R')) {
      for (const e of sorted) if (e.st.type === 'dir') listDir(join(name, e.name), e.path, true, false);
    }
  };
  const header = dirs.length + files.length > 1 || has(p, 'R');
  dirs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).forEach((d, i) => listDir(d.name, d.path, header, i === 0 && files.length === 0));
  return status;
};

function subdirs(fs: FileSystem, path: string): number {
  try {
    return fs.readdir(path).filter((n) => isDir(fs, join(path, n))).length;
  } catch {
    return 0;
  }
}

/** `ls -C`: names down columns, as wide as the terminal allows. */
function inColumns(names: string[], width: number): string {
  const colWidth = Math.max(...names.map((n) => n.length)) + 2;
  const cols = Math.max(1, Math.floor(width / colWidth));
  const rows = Math.ceil(names.length / cols);
  let out = '';
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < cols; c++) {
      const i = c * rows + r;
      const name = names[i];
      if (name === undefined) continue;
      const last = c === cols - 1 || (c + 1) * rows + r >= names.length;
      line += last ? name : name.padEnd(colWidth);
    }
    out += `${line}\n`;
  }
  return out;
}
