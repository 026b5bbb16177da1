// test(1) / `[`: file tests, string and integer comparisons, `!`, `-a`, `-o`, parentheses.
// Errors are busybox's (`a: bad number`, `missing ]`), exit status 2.
import type { FileSystem } from '../../types.ts';
import { normalizePath } from '../../vfs.ts';

export class TestError extends Error {}

const UNARY = new Set(['-e', '-f', '-d', '-s', '-r', '-w', '-x', '-z', '-n', '-L', '-h', '-b', '-c', '-p', '-S', '-t', '-g', '-u', '-k', '-O', '-G']);
const BINARY = new Set(['=', '==', '!=', '<', '>', '-eq', '-ne', '-lt', '-le', '-gt', '-ge', '-nt', '-ot', '-ef']);

/** 0 true, 1 false; throws TestError for a usage error. */
export function evalTest(args: readonly string[], fs: FileSystem, cwd: string): number {
  let pos = 0;
  const n = args.length;
  const stat = (p: string): ReturnType<FileSystem['stat']> | undefined => {
    try {
      return fs.stat(normalizePath(p, cwd));
    } catch {
      return undefined;
    }
  };
  const int = (s: string): number => {
    if (!/^\s*[+-]?\d+\s*$/.test(s)) throw new TestError(`${s}: bad number`);
    return Number(s);
  };
  const unary = (op: string, a: string): boolean => {
    switch (op) {
      case '-z': return a === '';
      case '-n': return a !== '';
      case '-t': return false;
      case '-L':
      case '-h':
      case '-b':
      case '-c':
      case '-p':
      case '-S':
      case '-g':
      case '-u':
      case '-k': return false;
    }
    const st = stat(a);
    if (st === undefined) return false;
    switch (op) {
      case '-e':
      case '-r':
      case '-w':
      case '-O':
      case '-G': return true;
      case '-f': return st.type === 'file';
      case '-d': return st.type === 'dir';
      case '-s': return st.size > 0;
      case '-x': return ((st.mode ?? 0o644) & 0o111) !== 0;
    }
    return false;
  };
  const binary = (a: string, op: string, b: string): boolean => {
    switch (op) {
      case '=':
      case '==': return a === b;
      case '!=': return a !== b;
      case '<': return a < b;
      case '>': return a > b;
      case '-eq': return int(a) === int(b);
      case '-ne': return int(a) !== int(b);
      case '-lt': return int(a) < int(b);
      case '-le': return int(a) <= int(b);
      case '-gt': return int(a) > int(b);
      case '-ge': return int(a) >= int(b);
      case '-nt': return (stat(a)?.mtimeMs ?? -Infinity) > (stat(b)?.mtimeMs ?? -Infinity);
      case '-ot': return (stat(a)?.mtimeMs ?? Infinity) < (stat(b)?.mtimeMs ?? Infinity);
      case '-ef': return normalizePath(a, cwd) === normalizePath(b, cwd) && stat(a) !== undefined;
    }
    return false;
  };

  const primary = (): boolean => {
    const a = args[pos];
    if (a === undefined) throw new TestError('argument expected');
    // Binary operators bind first: `[ "$x" = "!" ]`, `[ -n = -n ]`.
    if (pos + 2 < n + 1 && args[pos + 1] !== undefined && BINARY.has(args[pos + 1]!) && pos + 2 < n) {
      const r = binary(a, args[pos + 1]!, args[pos + 2]!);
      pos += 3;
      return r;
    }
    if (a === '!') {
      pos++;
      return !primary();
    }
    if (a === '(' ) {
      pos++;
      const r = or();
      if (args[pos] !== ')') throw new TestError(`${args[pos] ?? ')'}: unknown operand`.replace(/^\): unknown operand$/, 'missing )'));
      pos++;
      return r;
    }
    if (UNARY.has(a) && pos + 1 < n) {
      pos += 2;
      return unary(a, args[pos - 1]!);
    }
    if (BINARY.has(args[pos + 1] ?? '') && pos + 2 >= n) throw new TestError(`${args[pos + 1]}: argument expected`);
    pos++;
    return a !== '';
  };
  const and = (): boolean => {
    let r = primary();
    while (args[pos] === '-a') {
      pos++;
      const right = primary();
      r = r && right;
    }
    return r;
  };
  const or = (): boolean => {
    let r = and();
    while (args[pos] === '-o') {
      pos++;
      const right = and();
      r = r || right;
    }
    return r;
  };

  if (n === 0) return 1;
  // POSIX rules by argument count keep `[ -n ]` and `[ = ]` unambiguous.
  if (n === 1) return args[0] !== '' ? 0 : 1;
  if (n === 2 && args[0] === '!') return args[1] !== '' ? 1 : 0;
  if (n === 2 && UNARY.has(args[0]!)) return unary(args[0]!, args[1]!) ? 0 : 1;
  if (n === 3 && BINARY.has(args[1]!)) return binary(args[0]!, args[1]!, args[2]!) ? 0 : 1;
  const r = or();
  if (pos < n) throw new TestError(`${args[pos]}: unknown operand`);
  return r ? 0 : 1;
}
