// `$(( … ))`: C integer arithmetic as ash evaluates it (64-bit, here JavaScript's
// safe integers), with variables by name, assignments and `++`/`--`.

export class ArithError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArithError';
  }
}

export interface ArithVars {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

type Tok = { t: 'num'; v: number } | { t: 'name'; v: string } | { t: 'op'; v: string };

const OPS = ['<<=', '>>=', '**', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '^=', '|=', '+', '-', '*', '/', '%', '<', '>', '=', '&', '^', '|', '!', '~', '?', ':', '(', ')', ','];

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(src.slice(i));
    if (num !== null && /[0-9]/.test(c)) {
      const text = num[1]!;
      if (/^[0-9A-Za-z_]/.test(src[i + text.length] ?? '')) throw new ArithError('arithmetic syntax error');
      out.push({ t: 'num', v: text.length > 1 && text[0] === '0' && !/[xX]/.test(text) ? parseInt(text, 8) : Number(text) });
      i += text.length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (name !== null) {
      out.push({ t: 'name', v: name[0] });
      i += name[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op === undefined) throw new ArithError('arithmetic syntax error');
    out.push({ t: 'op', v: op });
    i += op.length;
  }
  return out;
}

const BINARY: Array<string[]> = [['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '>', '<=', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];

/** Evaluates an expression whose `$…` parts the shell has already expanded. */
export function evalArith(src: string, vars: ArithVars): number {
  const toks = tokenize(src);
  let pos = 0;
  const peek = (): Tok | undefined => toks[pos];
  const isOp = (v: string): boolean => {
    const t = toks[pos];
    return t?.t === 'op' && t.v === v;
  };
  const fail = (): never => {
    throw new ArithError('arithmetic syntax error');
  };
  const varValue = (name: string, depth = 0): number => {
    const raw = (vars.get(name) ?? '').trim();
    if (raw === '') return 0;
    if (/^-?(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(raw)) return raw.startsWith('0') && raw.length > 1 && !/[xX]/.test(raw) ? parseInt(raw, 8) : Number(raw);
    if (depth > 10) fail();
    return evalArith(raw, vars);
  };
  const int = (n: number): number => (Number.isFinite(n) ? Math.trunc(n) : 0);

  // Each level returns a value, or an lvalue name when the result is a bare variable.
  type R = { v: number; name?: string };

  const assign = (skip: boolean): R => {
    const start = pos;
    const t = peek();
    if (t?.t === 'name') {
      const next = toks[pos + 1];
      if (next?.t === 'op' && ['=', '+=', '-=', '*=', '/=', '%=', '<<=', '>>=', '&=', '^=', '|='].includes(next.v)) {
        pos += 2;
        const rhs = assign(skip).v;
        if (skip) return { v: 0 };
        const cur = next.v === '=' ? 0 : varValue(t.v);
        const v = next.v === '=' ? rhs : binary(next.v.slice(0, -1), cur, rhs);
        vars.set(t.v, String(v));
        return { v };
      }
    }
    pos = start;
    return ternary(skip);
  };

  const ternary = (skip: boolean): R => {
    const cond = level(0, skip);
    if (!isOp('?')) return cond;
    pos++;
    const yes = assign(skip || cond.v === 0);
    if (!isOp(':')) fail();
    pos++;
    const no = assign(skip || cond.v !== 0);
    return { v: cond.v !== 0 ? yes.v : no.v };
  };

  const level = (n: number, skip: boolean): R => {
    if (n >= BINARY.length) return power(skip);
    let left = level(n + 1, skip);
    for (;;) {
      const t = peek();
      if (t?.t !== 'op' || !BINARY[n]!.includes(t.v)) return left;
      pos++;
      if (t.v === '&&' || t.v === '||') {
        const short = t.v === '&&' ? left.v === 0 : left.v !== 0;
        const right = level(n + 1, skip || short);
        left = { v: t.v === '&&' ? Number(left.v !== 0 && right.v !== 0) : Number(left.v !== 0 || right.v !== 0) };
        continue;
      }
      const right = level(n + 1, skip);
      left = { v: skip ? 0 : binary(t.v, left.v, right.v) };
    }
  };

  const power = (skip: boolean): R => {
    const base = unary(skip);
    if (!isOp('**')) return base;
    pos++;
    const exp = power(skip);
    if (skip) return { v: 0 };
    if (exp.v < 0) throw new ArithError('exponent less than 0');
    return { v: int(base.v ** exp.v) };
  };

  const unary = (skip: boolean): R => {
    const t = peek();
    if (t?.t === 'op') {
      if (t.v === '++' || t.v === '--') {
        pos++;
        const n = peek();
        if (n?.t !== 'name') fail();
        pos++;
        const name = (n as { v: string }).v;
        if (skip) return { v: 0 };
        const v = varValue(name) + (t.v === '++' ? 1 : -1);
        vars.set(name, String(v));
        return { v };
      }
      if (['+', '-', '!', '~'].includes(t.v)) {
        pos++;
        const r = unary(skip).v;
        return { v: t.v === '+' ? r : t.v === '-' ? -r : t.v === '!' ? Number(r === 0) : ~r };
      }
    }
    return postfix(skip);
  };

  const postfix = (skip: boolean): R => {
    const t = peek();
    if (t === undefined) fail();
    pos++;
    if (t!.t === 'num') return { v: t!.v as number };
    if (t!.t === 'name') {
      const name = t!.v as string;
      if (isOp('++') || isOp('--')) {
        const inc = isOp('++') ? 1 : -1;
        pos++;
        if (skip) return { v: 0 };
        const v = varValue(name);
        vars.set(name, String(v + inc));
        return { v };
      }
      return { v: skip ? 0 : varValue(name), name };
    }
    if (t!.v === '(') {
      const r = comma(skip);
      if (!isOp(')')) fail();
      pos++;
      return r;
    }
    return fail();
  };

  const comma = (skip: boolean): R => {
    let r = assign(skip);
    while (isOp(',')) {
      pos++;
      r = assign(skip);
    }
    return r;
  };

  if (toks.length === 0) return 0;
  const r = comma(false);
  if (pos < toks.length) fail();
  return r.v;
}

function binary(op: string, a: number, b: number): number {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return Math.trunc(a * b);
    case '/':
      if (b === 0) throw new ArithError('divide by zero');
      return Math.trunc(a / b);
    case '%':
      if (b === 0) throw new ArithError('divide by zero');
      return a % b;
    case '<<': return a * 2 ** b;
    case '>>': return Math.floor(a / 2 ** b);
    case '<': return Number(a < b);
    case '>': return Number(a > b);
    case '<=': return Number(a <= b);
    case '>=': return Number(a >= b);
    case '==': return Number(a === b);
    case '!=': return Number(a !== b);
    case '&': return Number(BigInt(a) & BigInt(b));
    case '^': return Number(BigInt(a) ^ BigInt(b));
    case '|': return Number(BigInt(a) | BigInt(b));
    default: throw new ArithError('arithmetic syntax error');
  }
}
