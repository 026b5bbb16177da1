// expr(1): integer arithmetic, comparisons, `:` regex match, length, substr, index, match.
// Exit status 1 when the result is 0 or empty, 2 on errors.
import { posixToJs, RegexError } from './regex.ts';
import { type Applet, fail } from './util.ts';

class ExprError extends Error {}

export const expr: Applet = function* (ctx) {
  const t = ctx.argv.slice(1);
  let pos = 0;
  const isInt = (s: string): boolean => /^-?\d+$/.test(s);
  const toInt = (s: string): number => {
    if (!isInt(s)) throw new ExprError('non-numeric argument');
    return Number(s);
  };
  const primary = (): string => {
    const a = t[pos++];
    if (a === undefined) throw new ExprError('syntax error');
    if (a === '(') {
      const v = or();
      if (t[pos++] !== ')') throw new ExprError('syntax error');
      return v;
    }
    if (a === 'length') return String([...primary()].length);
    if (a === 'substr') {
      const s = primary();
      const i = toInt(primary());
      const n = toInt(primary());
      return i < 1 || n < 1 ? '' : s.slice(i - 1, i - 1 + n);
    }
    if (a === 'index') {
      const s = primary();
      const chars = primary();
      const i = [...s].findIndex((c) => chars.includes(c));
      return String(i + 1);
    }
    if (a === 'match') {
      const s = primary();
      return match(s, primary());
    }
    if (a === '+') return t[pos++] ?? '';
    return a;
  };
  const match = (s: string, re: string): string => {
    const m = new RegExp(`^(?:${posixToJs(re.replace(/^\^/, ''), false)})`).exec(s);
    if (/\\\(/.test(re)) return m?.[1] ?? '';
    return String(m?.[0].length ?? 0);
  };
  const colon = (): string => {
    let v = primary();
    while (t[pos] === ':') {
      pos++;
      v = match(v, primary());
    }
    return v;
  };
  const mul = (): string => {
    let v = colon();
    while (t[pos] === '*' || t[pos] === '/' || t[pos] === '%') {
      const op = t[pos++];
      const b = toInt(colon());
      const a = toInt(v);
      if (op !== '*' && b === 0) throw new ExprError('division by zero');
      v = String(op === '*' ? a * b : op === '/' ? Math.trunc(a / b) : a % b);
    }
    return v;
  };
  const add = (): string => {
    let v = mul();
    while (t[pos] === '+' || t[pos] === '-') {
      const op = t[pos++];
      const b = toInt(mul());
      v = String(op === '+' ? toInt(v) + b : toInt(v) - b);
    }
    return v;
  };
  const cmp = (): string => {
    let v = add();
    while (['<', '<=', '=', '==', '!=', '>=', '>'].includes(t[pos] ?? '')) {
      const op = t[pos++]!;
      const b = add();
      const c = isInt(v) && isInt(b) ? Number(v) - Number(b) : v < b ? -1 : v > b ? 1 : 0;
      v = String(Number(op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '=' || op === '==' ? c === 0 : op === '!=' ? c !== 0 : op === '>=' ? c >= 0 : c > 0));
    }
    return v;
  };
  const and = (): string => {
    let v = cmp();
    while (t[pos] === '&') {
      pos++;
      const b = cmp();
      v = v !== '' && v !== '0' && b !== '' && b !== '0' ? v : '0';
    }
    return v;
  };
  const or = (): string => {
    let v = and();
    while (t[pos] === '|') {
      pos++;
      const b = and();
      v = v !== '' && v !== '0' ? v : b !== '' && b !== '0' ? b : '0';
    }
    return v;
  };
  try {
    if (t.length === 0) throw new ExprError('syntax error');
    const v = or();
    if (pos < t.length) throw new ExprError('syntax error');
    ctx.stdout(`${v}\n`);
    return v === '' || v === '0' || v === '-0' ? 1 : 0;
  } catch (e) {
    if (!(e instanceof ExprError) && !(e instanceof RegexError)) throw e;
    fail(ctx, e.message);
    return 2;
  }
};
