// Shell pattern matching (POSIX 2.13): `*`, `?`, `[...]`/`[!...]` with character
// classes, used by `case`, `${x#pat}` and pathname expansion. A pattern arrives as
// text plus which characters were quoted (quoted characters match themselves).

/** A pattern character: `q` marks one that came from quotes or a backslash. */
export interface PatChar {
  c: string;
  q: boolean;
}

const CLASSES: Record<string, string> = {
  alnum: 'A-Za-z0-9', alpha: 'A-Za-z', digit: '0-9', lower: 'a-z', upper: 'A-Z', space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t', punct: '!-\\/:-@\\[-`{-~', xdigit: '0-9A-Fa-f', cntrl: '\\x00-\\x1f\\x7f', print: '\\x20-\\x7e', graph: '\\x21-\\x7e',
};

const escapeRe = (c: string): string => c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** Whether the pattern has an unquoted `*`, `?` or `[`. */
export function hasMagic(p: readonly PatChar[]): boolean {
  return p.some((x) => !x.q && (x.c === '*' || x.c === '?' || x.c === '['));
}

/** The regular expression source for a pattern (no anchors). `shortest` makes `*` lazy. */
export function patternSource(p: readonly PatChar[], shortest = false): string {
  let out = '';
  for (let i = 0; i < p.length; i++) {
    const { c, q } = p[i]!;
    if (q) {
      out += escapeRe(c);
      continue;
    }
    if (c === '*') out += shortest ? '[\\s\\S]*?' : '[\\s\\S]*';
    else if (c === '?') out += '[\\s\\S]';
    else if (c === '[') {
      const cls = bracket(p, i);
      if (cls === undefined) out += '\\[';
      else {
        out += cls.source;
        i = cls.end;
      }
    } else out += escapeRe(c);
  }
  return out;
}

/** `[...]` starting at `start`; undefined when it does not close (then `[` is literal). */
function bracket(p: readonly PatChar[], start: number): { source: string; end: number } | undefined {
  let i = start + 1;
  let negate = false;
  if (p[i] !== undefined && !p[i]!.q && (p[i]!.c === '!' || p[i]!.c === '^')) {
    negate = true;
    i++;
  }
  let body = '';
  let first = true;
  for (; i < p.length; i++) {
    const { c, q } = p[i]!;
    if (c === ']' && !q && !first) return { source: `[${negate ? '^' : ''}${body}]`, end: i };
    first = false;
    if (c === '[' && !q && p[i + 1]?.c === ':') {
      const rest = p.slice(i + 2).map((x) => x.c).join('');
      const m = /^([a-z]+):\]/.exec(rest);
      if (m !== null && CLASSES[m[1]!] !== undefined) {
        body += CLASSES[m[1]!];
        i += m[0].length + 1;
        continue;
      }
    }
    if (c === '-' && !q && body !== '' && p[i + 1] !== undefined && !(p[i + 1]!.c === ']' && !p[i + 1]!.q)) {
      body += '-';
      continue;
    }
    body += c === '\\' || c === ']' || c === '[' || c === '^' || c === '-' ? `\\${c}` : c;
  }
  return undefined;
}

const cache = new Map<string, RegExp>();

/** Whole-string match, as `case` and `[[ ]]`-less shells do it. */
export function matchPattern(p: readonly PatChar[], s: string): boolean {
  const src = `^${patternSource(p)}$`;
  let re = cache.get(src);
  if (re === undefined) {
    re = new RegExp(src);
    if (cache.size > 500) cache.clear();
    cache.set(src, re);
  }
  return re.test(s);
}

/** Plain text as an unquoted pattern (for `case $x in $pat)` where the pattern comes from a variable). */
export function pat(text: string, quoted = false): PatChar[] {
  return [...text].map((c) => ({ c, q: quoted }));
}

/** `${x#p}` / `${x##p}` / `${x%p}` / `${x%%p}`. */
export function trimPattern(value: string, p: readonly PatChar[], op: '#' | '##' | '%' | '%%'): string {
  const src = patternSource(p);
  const re = new RegExp(`^(?:${src})$`);
  if (op === '#' || op === '##') {
    const lens = op === '#' ? range(0, value.length) : range(value.length, 0);
    for (const n of lens) if (re.test(value.slice(0, n))) return value.slice(n);
    return value;
  }
  const lens = op === '%' ? range(value.length, 0) : range(0, value.length);
  for (const n of lens) if (re.test(value.slice(n))) return value.slice(0, n);
  return value;
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  if (from <= to) for (let i = from; i <= to; i++) out.push(i);
  else for (let i = from; i >= to; i--) out.push(i);
  return out;
}
