// grep as busybox has it: basic and extended expressions, -i -v -c -q -n -l -L -h -H -w -x -o -r -e -m.
// Reading stdin it prints each matching line as it arrives (`tail -f log | grep ERROR`).
import { eachLine } from '../../stream.ts';
import { errorText } from '../../vfs.ts';
import { compile, RegexError } from './regex.ts';
import { type Applet, fail, has, isDir, lines, parseArgs, resolvePath, usage } from './util.ts';

export const grep: Applet = function* (ctx) {
  const p = parseArgs(ctx.argv, 'ivcqnlLhHEFwxosrRe:f:A:B:C:m:a', { 'ignore-case': 'i', 'invert-match': 'v', count: 'c', quiet: 'q', silent: 'q', 'line-number': 'n', 'files-with-matches': 'l', recursive: 'r', regexp: 'e', 'line-buffered': 'a', color: 'a', colour: 'a' });
  if (p.bad !== undefined) return usage(ctx, p.bad, '[-HhnlLoqvsrRiwFE] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...');
  const patterns = p.all.get('e') ?? [];
  const operands = [...p.operands];
  if (patterns.length === 0) {
    const first = operands.shift();
    if (first === undefined) return usage(ctx, '', '[-HhnlLoqvsrRiwFE] PATTERN [FILE]...'), 2;
    patterns.push(first);
  }
  let res: RegExp[];
  try {
    res = patterns.flatMap((pt) => pt.split('\n')).map((pt) => compile(pt, { extended: has(p, 'E'), fixed: has(p, 'F'), ignoreCase: has(p, 'i'), word: has(p, 'w'), line: has(p, 'x'), global: has(p, 'o') }));
  } catch (e) {
    fail(ctx, e instanceof RegexError ? e.message : String(e));
    return 2;
  }
  const fs = ctx.env.fs;
  const recursive = has(p, 'r') || has(p, 'R');
  const files: string[] = [];
  const expand = (op: string): void => {
    const path = resolvePath(ctx, op);
    if (recursive && isDir(fs, path)) {
      for (const n of fs.readdir(path)) expand(op.endsWith('/') ? `${op}${n}` : `${op}/${n}`);
    } else files.push(op);
  };
  for (const op of operands.length > 0 ? operands : recursive ? ['.'] : ['-']) expand(op);
  const prefixNames = !has(p, 'h') && (files.length > 1 || recursive || has(p, 'H'));
  const max = p.values.has('m') ? Number(p.values.get('m')) : Infinity;
  let matchedAny = false;
  let status = 0;
  const test = (line: string): boolean => res.some((r) => {
    r.lastIndex = 0;
    return r.test(line);
  }) !== has(p, 'v');
  for (const op of files) {
    let count = 0;
    let n = 0;
    const name = op === '-' ? '(standard input)' : op;
    const onLine = (line: string): boolean => {
      n++;
      if (count >= max) return false;
      if (!test(line)) return true;
      count++;
      matchedAny = true;
      if (has(p, 'q')) return false;
      if (has(p, 'c') || has(p, 'l') || has(p, 'L')) return true;
      const prefix = `${prefixNames ? `${name}:` : ''}${has(p, 'n') ? `${n}:` : ''}`;
      if (has(p, 'o') && !has(p, 'v')) {
        for (const r of res) {
          r.lastIndex = 0;
          for (const m of line.matchAll(r)) if (m[0] !== '') ctx.stdout(`${prefix}${m[0]}\n`);
        }
      } else ctx.stdout(`${prefix}${line}\n`);
      return true;
    };
    if (op === '-') yield* eachLine(ctx.stdin, onLine);
    else {
      const path = resolvePath(ctx, op);
      let data: string;
      try {
        if (isDir(fs, path)) {
          if (!has(p, 's')) fail(ctx, `${op}: Is a directory`);
          continue;
        }
        data = fs.readFile(path);
      } catch (e) {
        if (!has(p, 's')) fail(ctx, `${op}: ${errorText(e)}`);
        status = 2;
        continue;
      }
      for (const line of lines(data)) if (!onLine(line)) break;
    }
    if (has(p, 'q') && matchedAny) return 0;
    if (has(p, 'c')) ctx.stdout(`${prefixNames ? `${name}:` : ''}${count}\n`);
    if (has(p, 'l') && count > 0) ctx.stdout(`${name}\n`);
    if (has(p, 'L') && count === 0) ctx.stdout(`${name}\n`);
  }
  if (status === 2 && !(has(p, 'q') && matchedAny)) return 2;
  return matchedAny ? 0 : 1;
};
