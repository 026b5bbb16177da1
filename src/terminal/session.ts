/**
 * One terminal's shell, running in the worker beside the cluster. It executes
 * the lines the page's line editor submits and writes their output. The
 * commands a learner needs at a kind host's prompt live here (kubectl, and
 * later docker/kind for fault injection); everything else is "not found", as
 * in bash.
 */
import type { ApiTransport } from '../api/types.ts';
import { kubectl, kubectlCommands, KubectlSession } from '../kubectl/kubectl.ts';
import { kindKubeconfig } from '../kubectl/kubeconfig.ts';
import type { CommandIO, FileSource } from '../kubectl/io.ts';
import { ShellSyntaxError, splitWords } from './words.ts';

export interface TerminalOutput {
  write(data: string): void;
}

type Builtin = (args: string[], io: CommandIO) => Promise<number> | number;

export const CLEAR_SCREEN = '\x1b[H\x1b[2J\x1b[3J';

export class TerminalSession {
  private interruptCurrent?: () => void;
  private readonly builtins: Record<string, Builtin>;
  /** What kubectl remembers between commands (discovery), as its cache directory does. */
  private readonly kubectlSession = new KubectlSession();

  /** `files`: what `kubectl apply -f NAME` reads (the page's editor files). */
  constructor(private readonly transport?: ApiTransport, private readonly files?: FileSource) {
    this.builtins = {
      help: (_args, io) => { io.stdout(helpText(Boolean(this.transport))); return 0; },
      clear: (_args, io) => { io.stdout(CLEAR_SCREEN); return 0; },
      echo: (args, io) => {
        const newline = args[0] !== '-n';
        io.stdout(args.slice(newline ? 0 : 1).join(' ') + (newline ? '\n' : ''));
        return 0;
      },
      true: () => 0,
      false: () => 1,
      kubectl: (args, io) => kubectl(args, {
        io, ...(this.transport ? { transport: this.transport } : {}), ...(this.files ? { files: this.files } : {}), session: this.kubectlSession, kubeconfig: kindKubeconfig(),
      }),
    };
  }

  /** Runs one submitted line; resolves with its exit status. */
  async run(line: string, out: TerminalOutput): Promise<number> {
    // Terminals need CRLF: a bare LF moves down without returning to column 0.
    const write = (text: string) => out.write(text.replace(/\r?\n/g, '\r\n'));
    let words: string[];
    try {
      words = splitWords(line);
    } catch (error) {
      if (!(error instanceof ShellSyntaxError)) throw error;
      write(`bash: ${error.message}\nbash: syntax error: unexpected end of file\n`);
      return 2;
    }
    if (words.length === 0) return 0;
    const [name, ...args] = words as [string, ...string[]];
    const builtin = this.builtins[name];
    if (!builtin) {
      write(`bash: ${name}: command not found\n`);
      return 127;
    }
    const interrupted = new Promise<void>((resolve) => (this.interruptCurrent = resolve));
    const io: CommandIO = { stdout: write, stderr: write, interrupted };
    try {
      return await builtin(args, io);
    } catch (error) {
      write(`statecraft: internal error running ${name}: ${(error as Error).message}\n`);
      return 1;
    } finally {
      this.interruptCurrent = undefined;
    }
  }

  interrupt(): void {
    this.interruptCurrent?.();
  }

  /** Tab completion: command names in first position, kubectl subcommands after `kubectl`. */
  complete(line: string, cursor: number): { start: number; candidates: string[] } {
    const before = line.slice(0, cursor);
    const start = before.search(/\S*$/);
    const prefix = before.slice(start);
    const previous = before.slice(0, start).trim().split(/\s+/).filter(Boolean);
    const pool = previous.length === 0 ? Object.keys(this.builtins)
      : previous.length === 1 && previous[0] === 'kubectl' ? [...kubectlCommands]
      : [];
    return { start, candidates: pool.filter((c) => c.startsWith(prefix)).sort() };
  }
}

function helpText(hasCluster: boolean): string {
  return [
    'Statecraft terminal: a shell on a kind host.',
    '',
    '  kubectl ...           talk to the cluster (try: kubectl version --client)',
    '  clear                 clear the screen (or Ctrl-L)',
    '  echo TEXT             print text',
    '  help                  this message',
    '',
    'Keys: ↑/↓ history, Ctrl-R search history, Tab completes, Ctrl-C interrupts,',
    '      Ctrl-A/E start/end of line, Ctrl-U/K/W delete.',
    hasCluster ? '' : '\nThe in-browser cluster is not part of this build yet: only `kubectl version --client` works.',
    '',
  ].join('\n');
}
