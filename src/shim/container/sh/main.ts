// `sh`: the shell as a program. `sh -c 'script' [name [args…]]`, `sh file [args…]`,
// `sh -s`/`sh` reading commands from stdin (interactively with a prompt on a tty).
// Busybox images get ash, Debian images dash (and bash when invoked as bash): the
// scripts behave the same; error messages follow each shell.
import type { RuntimeProgram } from '../process.ts';
import { isSignal } from '../signal.ts';
import { readLine } from '../stream.ts';
import { basename, errorText, normalizePath } from '../vfs.ts';
import { ShellSyntaxError } from './ast.ts';
import { type Fds, type Flavour, type G, Shell, ShellExit } from './interp.ts';
import { ScriptReader } from './parser.ts';

export const shProgram: RuntimeProgram = function* (ctx) {
  const invoked = basename(ctx.argv[0] ?? 'sh');
  const flavour: Flavour = invoked === 'bash' ? 'bash' : invoked === 'dash' ? 'dash' : invoked === 'ash' || ctx.env.fs.exists('/bin/busybox') ? 'ash' : 'dash';
  const args = ctx.argv.slice(1);
  const opts = { errexit: false, xtrace: false, nounset: false, noglob: false };
  let command: string | undefined;
  let readStdin = false;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--' || a === '-') {
      i++;
      break;
    }
    if (!/^[-+][a-zA-Z]+$/.test(a)) break;
    for (const f of a.slice(1)) {
      if (f === 'c') command = '';
      else if (f === 's') readStdin = true;
      else if (f === 'e') opts.errexit = true;
      else if (f === 'x') opts.xtrace = true;
      else if (f === 'u') opts.nounset = true;
      else if (f === 'f') opts.noglob = true;
      else if (f === 'i' || f === 'l' || f === 'v') continue;
      else {
        ctx.stderr(flavour === 'dash' ? `${invoked}: 0: Illegal option -${f}\n` : `${invoked}: -${f}: invalid option\n`);
        return 2;
      }
    }
  }
  const rest = args.slice(i);
  const fds: Fds = [ctx.stdin, ctx.stdout, ctx.stderr];
  if (command !== undefined) {
    const script = rest[0];
    if (script === undefined) {
      ctx.stderr(flavour === 'dash' ? `${invoked}: 0: -c requires an argument\n` : `${invoked}: -c requires an argument\n`);
      return 2;
    }
    const sh = new Shell(ctx, { flavour, arg0: rest[1] ?? invoked, args: rest.slice(2), commandString: true });
    Object.assign(sh.opts, opts);
    sh.ownSignals(ctx.proc);
    // busybox execs the last command of `sh -c` (no fork); dash 0.5.12 forks it.
    return yield* sh.runScript(script, fds, { execLast: flavour === 'ash' });
  }
  if (!readStdin && rest.length > 0) {
    const file = rest[0]!;
    let src: string;
    try {
      src = ctx.env.fs.readFile(normalizePath(file, ctx.env.cwd));
    } catch (e) {
      ctx.stderr(flavour === 'dash' ? `${invoked}: 0: cannot open ${file}: No such file\n` : `${invoked}: can't open '${file}': ${errorText(e)}\n`);
      return flavour === 'dash' ? 2 : 127;
    }
    const sh = new Shell(ctx, { flavour, arg0: file, args: rest.slice(1), scriptFile: true });
    Object.assign(sh.opts, opts);
    sh.ownSignals(ctx.proc);
    return yield* sh.runScript(src.startsWith('#!') ? src.slice(src.indexOf('\n') + 1 || src.length) : src, fds);
  }
  const sh = new Shell(ctx, { flavour, arg0: invoked, args: rest });
  Object.assign(sh.opts, opts);
  sh.ownSignals(ctx.proc, ctx.env.tty === true);
  return yield* interactive(sh, fds);
};

/**
 * Commands from stdin, one complete command at a time (`if …` waits for its `fi`),
 * with PS1/PS2 prompts on a terminal. Stdin ending ends the shell: without a terminal
 * or `stdin: true` that is at once (`kubectl run busybox` exits 0 and restarts).
 */
function* interactive(sh: Shell, fds: Fds): G<number> {
  const tty = sh.env.tty === true;
  const prompt = (continuation: boolean): void => {
    if (tty) sh.err(fds, continuation ? (sh.getVar('PS2') ?? '> ') : expandPrompt(sh, sh.getVar('PS1') ?? '$ '));
  };
  let buffer = '';
  prompt(false);
  for (;;) {
    let r: { line: string; complete: boolean } | null;
    try {
      r = yield* readLine(sh.ctx.stdin);
    } catch (e) {
      // Ctrl-C at the prompt: a fresh prompt.
      if (!(isSignal(e) && e.signal === 2)) throw e;
      buffer = '';
      sh.ctx.stdout('\n');
      prompt(false);
      continue;
    }
    if (r === null) break;
    buffer += `${r.line}\n`;
    try {
      const reader = new ScriptReader(buffer);
      while (reader.next() !== undefined);
    } catch (e) {
      if (e instanceof ShellSyntaxError && e.incomplete && r.complete) {
        prompt(true);
        continue;
      }
    }
    const src = buffer;
    buffer = '';
    try {
      yield* sh.evalString(src, fds);
    } catch (e) {
      if (isSignal(e) && e.signal === 2) {
        // Ctrl-C ended the command, not the shell.
        sh.status = 130;
        sh.ctx.stdout('\n');
        prompt(false);
        continue;
      }
      if (!(e instanceof ShellExit)) throw e;
      sh.status = e.status;
      // On a terminal a syntax error only ends that command.
      if (!(tty && e.syntax)) return yield* sh.finish(fds);
    }
    prompt(false);
  }
  return yield* sh.finish(fds);
}

/** `\w`, `\u`, `\h`, `\$` in PS1. */
function expandPrompt(sh: Shell, ps1: string): string {
  const home = sh.getVar('HOME') ?? '/root';
  const cwd = sh.cwd === home ? '~' : sh.cwd.startsWith(`${home}/`) ? `~${sh.cwd.slice(home.length)}` : sh.cwd;
  return ps1.replace(/\\([wWuh$])/g, (_, c: string) => (c === 'w' ? cwd : c === 'W' ? basename(cwd) : c === 'u' ? 'root' : c === 'h' ? sh.env.hostname : '#'));
}
