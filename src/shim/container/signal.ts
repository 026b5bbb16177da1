// Signals reach a program as an exception (images.ts `ProcessSignal`) thrown at its
// current `yield`, so a program that must clean up (redis-server saving its dataset on
// SIGTERM) wraps its wait loop in try/catch, and one that does not simply dies with
// 128+signal like a real process. SIGKILL is never delivered: the generator is closed.
import { ProcessSignal } from '../images.ts';

export { ProcessSignal };

/** Catchable signals the runtime delivers, plus SIGKILL. */
export type SignalNumber = 2 | 9 | 15;

/** Linux signal numbers by name, as `kill -l` and `trap` know them. */
export const SIGNALS: Readonly<Record<string, number>> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11, USR2: 12,
  PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CONT: 18, STOP: 19, TSTP: 20, TTIN: 21, TTOU: 22,
};

/** `15`, `TERM`, `SIGTERM`, `term` → 15; undefined when unknown. */
export function signalNumber(spec: string): number | undefined {
  if (/^\d+$/.test(spec)) {
    const n = Number(spec);
    return n >= 0 && n <= 64 ? n : undefined;
  }
  const name = spec.toUpperCase().replace(/^SIG/, '');
  return SIGNALS[name];
}

export function signalName(n: number): string | undefined {
  return Object.keys(SIGNALS).find((k) => SIGNALS[k] === n);
}

export function isSignal(e: unknown): e is ProcessSignal {
  return e instanceof ProcessSignal;
}

/** A write to a pipe nobody reads any more: the writer dies of SIGPIPE (exit 141). */
export class BrokenPipe extends Error {
  constructor() {
    super('SIGPIPE');
    this.name = 'BrokenPipe';
  }
}
