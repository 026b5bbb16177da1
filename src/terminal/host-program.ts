/**
 * The host's own programs (kubectl, docker, kind) are async: they talk to the
 * cluster through the API transport. The shell runs programs as generators on
 * the cluster's clock, so this wraps one: it waits for the promise as a process
 * waits for an event, hands the program its stdin as a stream, and turns
 * Ctrl-C (a signal thrown at the wait) into `CommandIO.interrupted`.
 */
import type { CommandIO, TerminalIO } from '../kubectl/io.ts';
import type { Ctx, RuntimeProgram } from '../shim/container/process.ts';
import { BrokenPipe, isSignal } from '../shim/container/signal.ts';
import type { Source } from '../shim/container/stream.ts';
import type { Wait } from '../shim/container/types.ts';

export type HostCommand = (args: string[], io: CommandIO, ctx: Ctx) => Promise<number> | number;

/** `terminal`: the page's terminal, for commands that read keys (`exec -it`), when their stdin is the terminal's. */
export function hostProgram(command: HostCommand, terminal?: (ctx: Ctx) => TerminalIO | undefined): RuntimeProgram {
  return function* (ctx) {
    let interrupt!: () => void;
    const interrupted = new Promise<void>((resolve) => (interrupt = resolve));
    let broken = false;
    // A reader that went away (`kubectl get pods | head -1`) ends the command, as SIGPIPE would.
    const guard = (write: (text: string) => void) => (text: string) => {
      if (broken) return;
      try {
        write(text);
      } catch (error) {
        if (!(error instanceof BrokenPipe)) throw error;
        broken = true;
        interrupt();
      }
    };
    const tty = terminal?.(ctx);
    const io: CommandIO = {
      stdout: guard(ctx.stdout),
      stderr: guard(ctx.stderr),
      interrupted,
      stdin: () => readSource(ctx.stdin),
      ...(tty ? { terminal: tty } : {}),
    };
    let settled = false;
    let status = 0;
    let failure: unknown;
    const running = Promise.resolve()
      .then(() => command(ctx.argv.slice(1), io, ctx))
      .then((code) => { status = code; }, (error: unknown) => { failure = error; })
      .finally(() => { settled = true; });
    try {
      while (!settled) yield untilSettled(running);
    } catch (error) {
      // Ctrl-C or the pipeline ending: the command stops what it waits on.
      interrupt();
      throw error;
    } finally {
      interrupt();
    }
    if (failure !== undefined) {
      if (isSignal(failure)) throw failure;
      ctx.stderr(`${ctx.argv[0]}: internal error: ${failure instanceof Error ? failure.message : String(failure)}\n`);
      return 1;
    }
    if (broken) throw new BrokenPipe();
    return status;
  };
}

function untilSettled(p: Promise<unknown>): Wait {
  return {
    kind: 'event',
    subscribe: (wake) => {
      let active = true;
      void p.then(() => { if (active) wake(); });
      return () => { active = false; };
    },
  };
}

/** Everything a stream holds until its end (`kubectl apply -f -` reading a pipe or here-document). */
async function readSource(src: Source): Promise<string> {
  let out = '';
  for (;;) {
    const chunk = src.take();
    if (chunk === null) return out;
    if (chunk !== undefined) {
      out += chunk;
      continue;
    }
    await new Promise<void>((resolve) => {
      const stop = src.subscribe(() => { stop(); resolve(); });
    });
  }
}
