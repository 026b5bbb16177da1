// execve(2) and execvp(3) for the runtime: a command name is looked up on PATH in the
// container's filesystem, and the file found decides what runs. An executable whose
// content is a built-in marker (images.ts `BUILTIN_PREFIX`) is an applet, the shell or
// one of the image's programs; `#!` runs the interpreter; a plain text file with the
// execute bit falls back to the shell (ENOEXEC), as POSIX shells do.
import { builtinNameOf, builtinPrograms, type ProgramEnv } from '../../images.ts';
import type { Ctx, RuntimeProgram } from '../process.ts';
import { read } from '../stream.ts';
import type { FileSystem, Program } from '../types.ts';
import { basename, normalizePath } from '../vfs.ts';
import { APPLETS } from './applets/index.ts';
import { shProgram } from './main.ts';

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export type Resolved =
  | { kind: 'program'; path: string; run: RuntimeProgram; catchesSignals: boolean }
  | { kind: 'error'; status: 126 | 127; message: string };

const SHELLS = new Set(['sh', 'ash', 'bash', 'dash']);

/** The file `name` runs: itself when it has a `/`, else the first executable on PATH. */
export function lookPath(name: string, fs: FileSystem, cwd: string, path = DEFAULT_PATH): string | undefined {
  if (name === '') return undefined;
  if (name.includes('/')) {
    const p = normalizePath(name, cwd);
    return fs.exists(p) ? p : undefined;
  }
  for (const dir of path.split(':')) {
    const p = normalizePath(`${dir === '' ? '.' : dir}/${name}`, cwd);
    if (!fs.exists(p)) continue;
    const st = fs.stat(p);
    if (st.type === 'file' && ((st.mode ?? 0o755) & 0o111) !== 0) return p;
  }
  return undefined;
}

/** What running `name` would do. */
export function resolveCommand(name: string, fs: FileSystem, cwd: string, path = DEFAULT_PATH): Resolved {
  const file = lookPath(name, fs, cwd, path);
  if (file === undefined) return { kind: 'error', status: 127, message: 'not found' };
  return programAt(file, fs, name);
}

/** The program in the executable at `file` (invoked as `argv0`). */
export function programAt(file: string, fs: FileSystem, argv0: string, depth = 0): Resolved {
  let st: ReturnType<FileSystem['stat']>;
  let content: string;
  try {
    st = fs.stat(file);
    if (st.type === 'dir') return { kind: 'error', status: 126, message: 'Permission denied' };
    if (((st.mode ?? 0o755) & 0o111) === 0) return { kind: 'error', status: 126, message: 'Permission denied' };
    content = fs.readFile(file);
  } catch {
    return { kind: 'error', status: 127, message: 'not found' };
  }
  const builtin = builtinNameOf(content);
  if (builtin !== undefined) {
    const invoked = basename(argv0);
    if (invoked === 'busybox' || builtin === 'busybox') return program(file, busyboxMulticall, false);
    if (SHELLS.has(builtin)) return program(file, shProgram, false);
    const applet = APPLETS.get(builtin);
    if (applet !== undefined) return program(file, applet, false);
    const image = builtinPrograms.get(builtin);
    if (image !== undefined) return program(file, imageProgram(builtin), true);
    return { kind: 'error', status: 126, message: 'Exec format error' };
  }
  if (content.startsWith('#!') && depth < 4) {
    const line = content.slice(2, (content.indexOf('\n') + 1 || content.length + 1) - 1).trim();
    const [interp = '', ...rest] = line.split(/\s+/);
    const arg = rest.join(' ');
    const target = programAt(normalizePath(interp), fs, interp, depth + 1);
    if (target.kind === 'error') return { kind: 'error', status: 127, message: 'not found' };
    return program(file, (ctx) => target.run({ ...ctx, argv: [interp, ...(arg !== '' ? [arg] : []), file, ...ctx.argv.slice(1)] }), target.catchesSignals);
  }
  // ENOEXEC: the shell reads the file as a script.
  return program(file, (ctx) => shProgram({ ...ctx, argv: ['sh', file, ...ctx.argv.slice(1)] }), false);
}

function program(path: string, run: RuntimeProgram, catchesSignals: boolean): Resolved {
  return { kind: 'program', path, run, catchesSignals };
}

/** `busybox ls -l` runs the applet; `busybox` alone lists them. */
const busyboxMulticall: RuntimeProgram = function* (ctx) {
  const invoked = basename(ctx.argv[0] ?? '');
  const argv = invoked === 'busybox' ? ctx.argv.slice(1) : ctx.argv;
  const name = basename(argv[0] ?? '');
  if (name === '' || name === '--list') {
    if (name === '--list') ctx.stdout(`${[...APPLETS.keys(), 'sh'].sort().join('\n')}\n`);
    else ctx.stderr('BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\nBusyBox is copyrighted by many authors between 1998-2015.\nLicensed under GPLv2. See source distribution for detailed\ncopyright notices.\n\nUsage: busybox [function [arguments]...]\n   or: busybox --list[-full]\n   or: function [arguments]...\n');
    return name === '' ? 0 : 0;
  }
  if (SHELLS.has(name)) return yield* shProgram({ ...ctx, argv });
  const applet = APPLETS.get(name);
  if (applet === undefined) {
    ctx.stderr(`${name}: applet not found\n`);
    return 127;
  }
  return yield* applet({ ...ctx, argv });
};

/**
 * One of the image catalog's programs (nginx, redis-server, …) under the runtime: its
 * `exec "$@"` resolves through PATH, its stdin is the command's.
 */
function imageProgram(name: string): RuntimeProgram {
  // A plain function, not a generator: thousands of nginx pods start through here.
  return (ctx) => {
    const factory = builtinPrograms.get(name)!;
    const gen = factory({
      argv: ctx.argv,
      env: ctx.env as ProgramEnv,
      io: { stdout: ctx.stdout, stderr: ctx.stderr },
      exec: (argv) => {
        const found = resolveCommand(argv[0] ?? '', ctx.env.fs, ctx.env.cwd, ctx.env.env.PATH);
        if (found.kind === 'error') return undefined;
        // exec(3): the new program owns the process and its signals.
        ctx.proc.argv = [...argv];
        ctx.proc.disposition = undefined;
        ctx.proc.catchesSignals = found.catchesSignals;
        return found.run({ ...ctx, argv: [...argv] });
      },
    });
    // The process's own stdin needs no go-between: the driver serves `stdin` waits from it.
    return ctx.stdin === ctx.proc.stdin ? gen : withStdin(gen, ctx);
  };
}

/** Serves a program's `stdin` waits from the command's stdin, forwarding signals into it. */
function* withStdin(gen: Program, ctx: Ctx): Program {
  let r = gen.next();
  while (r.done !== true) {
    try {
      if (r.value.kind === 'stdin') {
        const chunk = yield* read(ctx.stdin);
        r = gen.next(chunk);
      } else r = gen.next(yield r.value);
    } catch (e) {
      r = gen.throw(e);
    }
  }
  return r.value;
}
