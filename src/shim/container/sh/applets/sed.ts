// sed: addresses (N, $, /re/, ranges, !), and the commands scripts use (s///[gpIN], y,
// d, p, q, Q, =, a, i, c); -n, -e, -E/-r, -i. Stdin streams line by line.
import { eachLine } from '../../stream.ts';
import { errorText } from '../../vfs.ts';
import { compile, RegexError } from './regex.ts';
import { type Applet, contentOf, fail, has, lines, parseArgs, resolvePath, usage } from './util.ts';

type Address = { kind: 'line'; n: number } | { kind: 'last' } | { kind: 're'; re: RegExp };

interface SedCommand {
  a1?: Address;
  a2?: Address;
  negate: boolean;
  cmd: string;
  re?: RegExp;
  replacement?: string;
  global?: boolean;
  nth?: number;
  print?: boolean;
  text?: string;
  from?: string;
  to?: string;
  inRange?: boolean;
}

function parseSed(script: string, extended: boolean): SedCommand[] {
  const cmds: SedCommand[] = [];
  let i = 0;
  const s = script;
  const skipWs = (): void => {
    while (i < s.length && /[ \t]/.test(s[i]!)) i++;
  };
  const delimited = (d: string): string => {
    let out = '';
    while (i < s.length && s[i] !== d) {
      if (s[i] === '\\' && s[i + 1] === d) {
        out += d;
        i += 2;
        continue;
      }
      if (s[i] === '\\' && i + 1 < s.length) {
        out += s[i]! + s[i + 1]!;
        i += 2;
        continue;
      }
      out += s[i++];
    }
    if (s[i] !== d) throw new RegexError(`unterminated \`s' command`);
    i++;
    return out;
  };
  const address = (): Address | undefined => {
    if (/\d/.test(s[i] ?? '')) {
      const m = /^\d+/.exec(s.slice(i))![0];
      i += m.length;
      return { kind: 'line', n: Number(m) };
    }
    if (s[i] === '$') {
      i++;
      return { kind: 'last' };
    }
    if (s[i] === '/' || s[i] === '\\') {
      const d = s[i] === '\\' ? s[++i]! : '/';
      i++;
      return { kind: 're', re: compile(delimited(d), { extended }) };
    }
    return undefined;
  };
  while (i < s.length) {
    skipWs();
    if (s[i] === ';' || s[i] === '\n') {
      i++;
      continue;
    }
    if (i >= s.length) break;
    const c: SedCommand = { negate: false, cmd: '' };
    c.a1 = address();
    if (c.a1 !== undefined && s[i] === ',') {
      i++;
      c.a2 = address();
    }
    skipWs();
    if (s[i] === '!') {
      c.negate = true;
      i++;
      skipWs();
    }
    c.cmd = s[i++] ?? '';
    if (c.cmd === 's') {
      const d = s[i++]!;
      const re = delimited(d);
      c.replacement = delimited(d);
      let flags = '';
      while (i < s.length && /[gpiI0-9]/.test(s[i]!)) flags += s[i++];
      c.global = flags.includes('g');
      c.print = flags.includes('p');
      const nth = /\d+/.exec(flags);
      c.nth = nth === null ? 1 : Number(nth[0]);
      c.re = compile(re, { extended, ignoreCase: /[iI]/.test(flags), global: true });
    } else if (c.cmd === 'y') {
      const d = s[i++]!;
      c.from = delimited(d);
      c.to = delimited(d);
    } else if ('aic'.includes(c.cmd)) {
      if (s[i] === '\\') i++;
      if (s[i] === '\n') i++;
      skipWs();
      let text = '';
      while (i < s.length && s[i] !== '\n') text += s[i++];
      c.text = text;
    } else if (!'dpqQ=nNhHgGxl'.includes(c.cmd) || c.cmd === '') {
      throw new RegexError(`unsupported command ${c.cmd}`);
    }
    cmds.push(c);
  }
  return cmds;
}

function substitute(line: string, c: SedCommand): { out: string; changed: boolean } {
  let n = 0;
  let changed = false;
  const re = c.re!;
  re.lastIndex = 0;
  const out = line.replace(re, (...m) => {
    const groups = m.slice(0, -2).filter((x) => typeof x === 'string' || x === undefined) as Array<string | undefined>;
    n++;
    if (c.global !== true ? n !== c.nth : n < (c.nth ?? 1)) return groups[0]!;
    changed = true;
    return c.replacement!.replace(/\\(\d)|\\n|\\t|\\(.)|&/g, (t, d: string | undefined, lit: string | undefined) => {
      if (t === '&') return groups[0]!;
      if (d !== undefined) return groups[Number(d)] ?? '';
      if (t === '\\n') return '\n';
      if (t === '\\t') return '\t';
      return lit ?? '';
    });
  });
  return { out, changed };
}

export const sed: Applet = function* (ctx) {
  const argv = ctx.argv.map((a) => (/^-i.+/.test(a) ? '-i' : a));
  const p = parseArgs(argv, 'ne:f:irEs', { quiet: 'n', silent: 'n', expression: 'e', 'in-place': 'i', 'regexp-extended': 'E' });
  if (p.bad !== undefined) return usage(ctx, p.bad, '[-i[SFX]] [-nrE] [-f FILE]... [-e CMD]... [FILE]...');
  const operands = [...p.operands];
  const scripts = p.all.get('e') ?? [];
  if (scripts.length === 0) {
    const s = operands.shift();
    if (s === undefined) return usage(ctx, '', '[-inrE] [-e CMD]... [FILE]...'), 1;
    scripts.push(s);
  }
  let cmds: SedCommand[];
  try {
    cmds = parseSed(scripts.join('\n'), has(p, 'E') || has(p, 'r'));
  } catch (e) {
    fail(ctx, e instanceof Error ? e.message : String(e));
    return 1;
  }
  const quiet = has(p, 'n');
  let lineNo = 0;
  let quit = false;
  const matches = (a: Address, line: string, last: boolean): boolean => (a.kind === 'line' ? lineNo === a.n : a.kind === 'last' ? last : a.re.test(line));
  const selected = (c: SedCommand, line: string, last: boolean): boolean => {
    let sel: boolean;
    if (c.a1 === undefined) sel = true;
    else if (c.a2 === undefined) sel = matches(c.a1, line, last);
    else if (c.inRange === true) {
      sel = true;
      if (c.a2.kind === 'line' ? lineNo >= c.a2.n : matches(c.a2, line, last)) c.inRange = false;
    } else if (matches(c.a1, line, last)) {
      sel = true;
      c.inRange = !(c.a2.kind === 'line' && c.a2.n <= lineNo);
    } else sel = false;
    return sel !== c.negate;
  };
  /** One input line through the script; returns the output. */
  const process = (input: string, last: boolean): string => {
    lineNo++;
    let line = input;
    let out = '';
    let append = '';
    for (const c of cmds) {
      if (!selected(c, line, last)) continue;
      switch (c.cmd) {
        case 's': {
          const r = substitute(line, c);
          line = r.out;
          if (r.changed && c.print === true) out += `${line}\n`;
          break;
        }
        case 'y':
          line = [...line].map((ch) => {
            const k = c.from!.indexOf(ch);
            return k < 0 ? ch : (c.to![k] ?? ch);
          }).join('');
          break;
        case 'd':
          return out + append;
        case 'p':
          out += `${line}\n`;
          break;
        case '=':
          out += `${lineNo}\n`;
          break;
        case 'a':
          append += `${c.text}\n`;
          break;
        case 'i':
          out += `${c.text}\n`;
          break;
        case 'c':
          return `${out}${c.text}\n${append}`;
        case 'q':
          quit = true;
          return `${out}${quiet ? '' : `${line}\n`}${append}`;
        case 'Q':
          quit = true;
          return out;
      }
    }
    return `${out}${quiet ? '' : `${line}\n`}${append}`;
  };
  const run = (data: string): string => {
    const ls = lines(data);
    let out = '';
    for (let k = 0; k < ls.length && !quit; k++) out += process(ls[k]!, k === ls.length - 1);
    return data !== '' && !data.endsWith('\n') ? out.replace(/\n$/, '') : out;
  };
  const fs = ctx.env.fs;
  let status = 0;
  if (has(p, 'i')) {
    for (const op of operands) {
      const path = resolvePath(ctx, op);
      try {
        lineNo = 0;
        fs.writeFile(path, run(fs.readFile(path)));
      } catch (e) {
        fail(ctx, `${op}: ${errorText(e)}`);
        status = 1;
      }
    }
    return status;
  }
  if (operands.length === 0 || (operands.length === 1 && operands[0] === '-')) {
    // Stream stdin line by line; the last-line address needs one line of look-ahead.
    let pending: string | undefined;
    yield* eachLine(ctx.stdin, (line) => {
      if (pending !== undefined) ctx.stdout(process(pending, false));
      pending = line;
      return !quit;
    });
    if (pending !== undefined && !quit) ctx.stdout(process(pending, true));
    return 0;
  }
  let all = '';
  for (const op of operands) {
    const r = yield* contentOf(ctx, op);
    if ('error' in r) {
      fail(ctx, `${op}: ${r.error}`);
      status = 1;
      continue;
    }
    all += r.data !== '' && !r.data.endsWith('\n') ? `${r.data}\n` : r.data;
  }
  ctx.stdout(run(all));
  return status;
};
