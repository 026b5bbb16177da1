// File applets, as busybox prints them: cat, mkdir, rmdir, touch, rm, cp, mv, chmod,
// chown, find, basename, dirname, realpath (ls, du and df have files of their own).
import type { Ctx } from '../../process.ts';
import { read } from '../../stream.ts';
import type { FileSystem } from '../../types.ts';
import { basename, dirname, errorText, isFsError } from '../../vfs.ts';
import { matchPattern, pat } from '../pattern.ts';
import { type Applet, appletName, fail, has, isDir, parseArgs, resolvePath, usage } from './util.ts';

type Stat = ReturnType<FileSystem['stat']>;

function statOf(fs: FileSystem, path: string): Stat | undefined {
  try {
    return fs.stat(path);
  } catch {
    return undefined;
  }
}

const join = (dir: string, name: string): string => (dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`);

// ---------------------------------------------------------------- cat

export const cat: Applet = function* (ctx) {
  const p = parseArgs(ctx.argv, 'nbvetAsu');
  const number = has(p, 'n') || has(p, 'b');
  let n = 0;
  let atLineStart = true;
  const emit = (text: string): void => {
    if (!number) {
      ctx.stdout(text);
      return;
    }
    let out = '';
    for (const c of text) {
      if (atLineStart) {
        out += `${String(++n).padStart(6)}\t`;
        atLineStart = false;
      }
      out += c;
      if (c === '\n') atLineStart = true;
    }
    ctx.stdout(out);
  };
  let status = 0;
  for (const op of p.operands.length > 0 ? p.operands : ['-']) {
    if (op === '-') {
      for (;;) {
        const chunk = yield* read(ctx.stdin);
        if (chunk === null) break;
        emit(chunk);
      }
      continue;
    }
    const path = resolvePath(ctx, op);
    try {
      emit(ctx.env.fs.readFile(path));
    } catch (e) {
      if (isFsError(e) && e.code === 'EISDIR') fail(ctx, 'read error: Is a directory');
      else fail(ctx, `can't open '${op}': ${errorText(e)}`);
      status = 1;
    }
  }
  return status;
};

// ---------------------------------------------------------------- mkdir, rmdir, touch

export const mkdir: Applet = function* (ctx) {
  const p = parseArgs(ctx.argv, 'pm:v', { parents: 'p', mode: 'm' });
  if (p.bad !== undefined) return usage(ctx, p.bad, '[-m MODE] [-p] DIRECTORY...');
  if (p.operands.length === 0) return usage(ctx, '', '[-m MODE] [-p] DIRECTORY...'), 1;
  const fs = ctx.env.fs;
  const mode = p.values.get('m');
  let status = 0;
  for (const op of p.operands) {
    const path = resolvePath(ctx, op);
    try {
      if (has(p, 'p')) {
        // A file in the way is an error even with -p.
        const st = statOf(fs, path);
        if (st !== undefined && st.type !== 'dir') throw Object.assign(new Error('File exists'), { text: 'File exists' });
        fs.mkdir(path, { recursive: true });
      } else fs.mkdir(path);
      if (mode !== undefined) fs.chmod?.(path, parseInt(mode, 8));
    } catch (e) {
      fail(ctx, `can't create directory '${op}': ${errorText(e)}`);
      status = 1;
    }
  }
  return status;
};

export const rmdir: Applet = function* (ctx) {
  const p = parseArgs(ctx.argv, 'pv', { parents: 'p' });
  const fs = ctx.env.fs;
  let status = 0;
  for (const op of p.operands) {
    let path = resolvePath(ctx, op);
    for (;;) {
      try {
        const st = fs.stat(path);
        if (st.type !== 'dir') throw Object.assign(new Error('Not a directory'), {});
        if (fs.readdir(path).length > 0) {
          fail(ctx, `'${op}': Directory not empty`);
          status = 1;
          break;
        }
        fs.rm(path, { recursive: true });
      } catch (e) {
        fail(ctx, `'${op}': ${errorText(e)}`);
        status = 1;
        break;
      }
      if (!has(p, 'p') || dirname(path) === path || dirname(path) === '/') break;
      path = dirname(path);
    }
  }
  return status;
};

export const touch: Applet = function* (ctx) {
  const p = parseArgs(ctx.argv, 'cd:t:r:ham', { 'no-create': 'c', date: 'd', reference: 'r' });
  const fs = ctx.env.fs;
  let when = ctx.env.now();
  const d = p.values.get('d');
  if (d !== undefined) {
    const parsed = d.startsWith('@') ? Number(d.slice(1)) * 1000 : Date.parse(d.includes('T') || d.endsWith('Z') ? d : `${d.replace(' ', 'T')}Z`);
    if (Number.isFinite(parsed)) when = parsed;
  }
  let status = 0;
  for (const op of p.operands) {
    const path = resolvePath(ctx, op);
    try {
      if (!fs.exists(path)) {
        if (has(p, 'c')) continue;
        fs.writeFile(path, '');
      }
      fs.utimes?.(path, when);
    } catch (e) {
      fail(ctx, `${op}: ${errorText(e)}`);
      status = 1;
    }
  }
  return status;
};

// ---------------------------------------------------------------- rm, cp, mv

/** Removes `path` (recursively), printing busybox's error for each failure; false on any. */
function removeTree(ctx: Ctx, fs: FileSystem, path: string, shown: string): boolean {
  const st = statOf(fs, path);
  if (st === undefined) return true;
  let ok = true;
  if (st.type === 'dir') {
    let names: string[] = [];
    try {
      names = fs.readdir(path);
    } catch (e) {
      fail(ctx, `can't remove '${shown}': ${errorText(e)}`);
      return false;
    }
    for (const n of names) ok = removeTree(ctx, fs, join(path, n), join(shown, n)) && ok;
    if (!ok) return false;
  }
  try {
    fs.rm(path, { recursive: true });
  } catch (e) {
    fail(ctx, `can't remove '${shown}': ${errorText(e)}`);
    return false;
  }
  return true;
}

export const rm: Applet = function* (ctx) {
  const p = parseArgs(ctx.argv, 'rRfiv', { recursive: 'r', force: 'f' });
  if (p.bad !== undefined) return usage(ctx, p.bad, '[-irf] FILE...');
  const fs = ctx.env.fs;
  const force = has(p, 'f');
  const recursive = has(p, 'r') || has(p, 'R');
  let status = 0;
  for (const op of p.operands) {
    const path = resolvePath(ctx, op);
    const st = statOf(fs, path);
    if (st === undefined) {
      if (!force) {
        fail(ctx, `can't remove '${op}': No such file or directory`);
        status = 1;
      }
      continue;
    }
    if (st.type === 'dir' && !recursive) {
      fail(ctx, `'${op}' is a directory`);
      status = 1;
      continue;
    }
    if (!removeTree(ctx, fs, path, op)) status = 1;
  }
  return status;
};

/** Copies a file or tree; errors as cp prints them. */
function copyTree(ctx: Ctx, fs: FileSystem, from: string, to: string, shownFrom: string, recursive: boolean): boolean {
  const st = statOf(fs, from);
  if (st === undefined) {
    fail(ctx, `can't stat '${shownFrom}': No such file or directory`);
    return false;
  }
  if (st.type === 'dir') {
    if (!recursive) {
      fail(ctx, `omitting directory '${shownFrom}'`);
      return false;
    }
    if (to === from || to.startsWith(`${from}/`)) {
      fail(ctx, `can't copy a directory into itself`);
      return false;
    }
    try {
      if (!isDir(fs, to)) fs.mkdir(to);
    } catch (e) {
      fail(ctx, `can't create directory '${to}': ${errorText(e)}`);
      return false;
    }
    let ok = true;
    for (const n of fs.readdir(from)) ok = copyTree(ctx, fs, join(from, n), join(to, n), join(shownFrom, n), recursive) && ok;
    return ok;
  }
  try {
    fs.writeFile(to, fs.readFile(from));
    if (st.mode !== undefined) fs.chmod?.(to, st.mode);
  } catch (e) {
    fail(ctx, `can't create '${to}': ${errorText(e)}`);
    return false;
  }
  return true;
}

function targets(ctx: Ctx, operands: string[]): { sources: string[]; dest: string; intoDir: boolean } | undefined {
  if (operands.length < 2) return undefined;
  const dest = operands[operands.length - 1]!;
  const intoDir = isDir(ctx.env.fs, resolvePath(ctx, dest));
  return { sources: operands.slice(0, -1), dest, intoDir };
}

export const cp: Applet = function* (ctx) {
  const p = parseArgs(ctx.argv, 'rRapfdPLHvinu', { recursive: 'R', archive: 'a', force: 'f' });
  const t = targets(ctx, p.operands);
  if (t === undefined) return usage(ctx, '', '[-arPLHpfinlsTu] SOURCE DEST'), 1;
  if (t.sources.length > 1 && !t.intoDir) {
    fail(ctx, `'${t.dest}' is not a directory`);
    return 1;
  }
  const fs = ctx.env.fs;
  const recursive = has(p, 'r') || has(p, 'R') || has(p, 'a');
  let status = 0;
  for (const src of t.sources) {
    const from = resolvePath(ctx, src);
    const to = t.intoDir ? join(resolvePath(ctx, t.dest), basename(from)) : resolvePath(ctx, t.dest);
    if (!copyTree(ctx, fs, from, to, src, recursive)) status = 1;
  }
  return status;
};

export const mv: Applet = function* (ctx) {
  const p = parseArgs(ctx.argv, 'finvT', { force: 'f' });
  const t = targets(ctx, p.operands);
  if (t === undefined) return usage(ctx, '', '[-fin] SOURCE DEST'), 1;
  if (t.sources.length > 1 && !t.intoDir) {
    fail(ctx, `'${t.dest}' is not a directory`);
    return 1;
  }
  const fs = ctx.env.fs;
  let status = 0;
  for (const src of t.sources) {
    const from = resolvePath(ctx, src);
    const to = t.intoDir ? join(resolvePath(ctx, t.dest), basename(from)) : resolvePath(ctx, t.dest);
    if (!fs.exists(from)) {
      fail(ctx, `can't rename '${src}': No such file or directory`);
      status = 1;
      continue;
    }
    try {
      if (fs.rename === undefined) throw Object.assign(new Error('EXDEV'), { code: 'EXDEV' });
      fs.rename(from, to);
    } catch (e) {
      if (!(isFsError(e) && e.code === 'EXDEV') && (e as { code?: string }).code !== 'EXDEV') {
        fail(ctx, `can't rename '${src}': ${errorText(e)}`);
        status = 1;
        continue;
      }
      // Across filesystems (a volume): copy, then remove the original.
      if (isDir(fs, to) && !isDir(fs, from)) {
        fail(ctx, `can't rename '${src}': Is a directory`);
        status = 1;
        continue;
      }
      if (!copyTree(ctx, fs, from, to, src, true) || !removeTree(ctx, fs, from, src)) status = 1;
    }
  }
  return status;
};

// ---------------------------------------------------------------- chmod, chown

/** `755`, `+x`, `u+rw,go-w`, `a=r` applied to `mode`. */
export function applyMode(spec: string, mode: number, isDirectory: boolean): number | undefined {
  if (/^[0-7]{1,4}$/.test(spec)) return parseInt(spec, 8);
  let m = mode;
  for (const clause of spec.split(',')) {
    const c = /^([ugoa]*)([-+=])([rwxXst]*)$/.exec(clause);
    if (c === null) return undefined;
    const who = c[1] === '' || c[1]!.includes('a') ? 'ugo' : c[1]!;
    let bits = 0;
    for (const perm of c[3]!) {
      const v = perm === 'r' ? 4 : perm === 'w' ? 2 : perm === 'x' || (perm === 'X' && (isDirectory || (mode & 0o111) !== 0)) ? 1 : 0;
      for (const w of who) bits |= v << (w === 'u' ? 6 : w === 'g' ? 3 : 0);
    }
    let mask = 0;
    for (const w of who) mask |= 7 << (w === 'u' ? 6 : w === 'g' ? 3 : 0);
    if (c[2] === '+') m |= bits;
    else if (c[2] === '-') m &= ~bits;
    else m = (m & ~mask) | bits;
  }
  return m;
}

export const chmod: Applet = function* (ctx) {
  const args = ctx.argv.slice(1);
  const recursive = args[0] === '-R';
  if (recursive) args.shift();
  const [spec, ...files] = args;
  if (spec === undefined || files.length === 0) return usage(ctx, '', '[-Rcvf] MODE[,MODE]... FILE...'), 1;
  const fs = ctx.env.fs;
  let status = 0;
  const apply = (path: string, shown: string): void => {
    const st = statOf(fs, path);
    if (st === undefined) {
      fail(ctx, `${shown}: No such file or directory`);
      status = 1;
      return;
    }
    const m = applyMode(spec, st.mode ?? 0o644, st.type === 'dir');
    if (m === undefined) {
      fail(ctx, `invalid mode '${spec}'`);
      status = 1;
      return;
    }
    try {
      fs.chmod?.(path, m);
    } catch (e) {
      fail(ctx, `${shown}: ${errorText(e)}`);
      status = 1;
    }
    if (recursive && st.type === 'dir') for (const n of fs.readdir(path)) apply(join(path, n), join(shown, n));
  };
  for (const f of files) apply(resolvePath(ctx, f), f);
  return status;
};

/** Ownership is always root's here; chown only checks that the files exist. */
export const chown: Applet = function* (ctx) {
  const args = ctx.argv.slice(1).filter((a) => !a.startsWith('-'));
  let status = 0;
  for (const f of args.slice(1)) {
    if (!ctx.env.fs.exists(resolvePath(ctx, f))) {
      fail(ctx, `${f}: No such file or directory`);
      status = 1;
    }
  }
  return status;
};

// ---------------------------------------------------------------- find

export const find: Applet = function* (ctx) {
  const args = ctx.argv.slice(1);
  const paths: string[] = [];
  while (args.length > 0 && !args[0]!.startsWith('-') && args[0] !== '!' && args[0] !== '(') paths.push(args.shift()!);
  if (paths.length === 0) paths.push('.');
  const tests: Array<(name: string, st: Stat, depth: number) => boolean> = [];
  let maxDepth = Infinity;
  let minDepth = 0;
  let del = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const v = args[i + 1];
    if (a === '-name' || a === '-iname') {
      const ci = a === '-iname';
      const pattern = pat(ci ? (v ?? '').toLowerCase() : (v ?? ''));
      tests.push((name) => matchPattern(pattern, ci ? name.toLowerCase() : name));
      i++;
    } else if (a === '-type') {
      tests.push((_n, st) => (v === 'd' ? st.type === 'dir' : v === 'f' ? st.type === 'file' : false));
      i++;
    } else if (a === '-maxdepth') {
      maxDepth = Number(v);
      i++;
    } else if (a === '-mindepth') {
      minDepth = Number(v);
      i++;
    } else if (a === '-delete') del = true;
    else if (a === '-print') continue;
    else {
      fail(ctx, `unrecognized: ${a}`);
      return 1;
    }
  }
  const fs = ctx.env.fs;
  let status = 0;
  const toDelete: string[] = [];
  const walk = (shown: string, path: string, depth: number): void => {
    const st = statOf(fs, path);
    if (st === undefined) {
      fail(ctx, `${shown}: No such file or directory`);
      status = 1;
      return;
    }
    if (depth >= minDepth && tests.every((t) => t(basename(shown), st, depth))) {
      if (del) toDelete.push(path);
      else ctx.stdout(`${shown}\n`);
    }
    if (st.type === 'dir' && depth < maxDepth) for (const n of fs.readdir(path)) walk(join(shown, n), join(path, n), depth + 1);
  };
  for (const p of paths) walk(p, resolvePath(ctx, p), 0);
  for (const path of toDelete.reverse()) {
    try {
      fs.rm(path, { recursive: true });
    } catch (e) {
      fail(ctx, `${path}: ${errorText(e)}`);
      status = 1;
    }
  }
  return status;
};

// ---------------------------------------------------------------- names

export const basenameApplet: Applet = function* (ctx) {
  const [name, suffix] = ctx.argv.slice(1);
  if (name === undefined) return usage(ctx, '', 'FILE [SUFFIX]'), 1;
  let b = basename(name);
  if (suffix !== undefined && b !== suffix && b.endsWith(suffix)) b = b.slice(0, -suffix.length);
  ctx.stdout(`${b}\n`);
  return 0;
};

export const dirnameApplet: Applet = function* (ctx) {
  const name = ctx.argv[1];
  if (name === undefined) return usage(ctx, '', 'FILENAME'), 1;
  const trimmed = name.replace(/\/+$/, '');
  const i = trimmed.lastIndexOf('/');
  ctx.stdout(`${i < 0 ? '.' : i === 0 ? '/' : trimmed.slice(0, i).replace(/\/+$/, '') || '/'}\n`);
  return 0;
};

export const realpath: Applet = function* (ctx) {
  let status = 0;
  for (const a of ctx.argv.slice(1).filter((x) => !x.startsWith('-'))) {
    const path = resolvePath(ctx, a);
    if (!ctx.env.fs.exists(path) && appletName(ctx) === 'realpath') {
      fail(ctx, `${a}: No such file or directory`);
      status = 1;
      continue;
    }
    ctx.stdout(`${path}\n`);
  }
  return status;
};
