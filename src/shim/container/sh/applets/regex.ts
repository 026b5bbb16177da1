// POSIX regular expressions (basic, as grep and sed use by default, and extended for
// -E) translated to JavaScript RegExp source, including GNU's `\+`, `\?`, `\|` in BREs
// and bracket classes such as `[[:digit:]]`.

const CLASSES: Record<string, string> = {
  alnum: 'A-Za-z0-9', alpha: 'A-Za-z', digit: '0-9', lower: 'a-z', upper: 'A-Z', space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t', punct: '!-\\/:-@\\[-`{-~', xdigit: '0-9A-Fa-f', cntrl: '\\x00-\\x1f\\x7f', print: '\\x20-\\x7e', graph: '\\x21-\\x7e',
};

export class RegexError extends Error {}

/** A bracket expression at `i` (which is `[`): its JS source and the index after `]`. */
function bracket(re: string, i: number): { src: string; end: number } {
  let j = i + 1;
  let out = '[';
  if (re[j] === '^') {
    out += '^';
    j++;
  }
  if (re[j] === ']') {
    out += '\\]';
    j++;
  }
  for (; j < re.length; j++) {
    const c = re[j]!;
    if (c === ']') return { src: `${out}]`, end: j + 1 };
    if (c === '[' && re[j + 1] === ':') {
      const close = re.indexOf(':]', j + 2);
      const name = close < 0 ? '' : re.slice(j + 2, close);
      if (CLASSES[name] !== undefined) {
        out += CLASSES[name];
        j = close + 1;
        continue;
      }
    }
    out += c === '\\' || c === '[' ? `\\${c}` : c;
  }
  throw new RegexError('Unmatched [, [^, [:, [., or [=');
}

/** JS source for a POSIX BRE (`extended` false) or ERE. */
export function posixToJs(re: string, extended: boolean): string {
  let out = '';
  for (let i = 0; i < re.length; i++) {
    const c = re[i]!;
    if (c === '[') {
      const b = bracket(re, i);
      out += b.src;
      i = b.end - 1;
      continue;
    }
    if (c === '\\') {
      const n = re[i + 1];
      i++;
      if (n === undefined) throw new RegexError('Trailing backslash');
      if (!extended && '(){}|+?'.includes(n)) out += n;
      else if (/[1-9]/.test(n)) out += `\\${n}`;
      else if (n === 'n') out += '\\n';
      else if (n === 't') out += '\\t';
      else if (n === '<' || n === '>') out += '\\b';
      else if ('wWsSbB'.includes(n)) out += `\\${n}`;
      else out += /[A-Za-z0-9]/.test(n) ? n : `\\${n}`;
      continue;
    }
    if (!extended && '(){}|+?'.includes(c)) {
      out += `\\${c}`;
      continue;
    }
    if (c === '*' && (out === '' || out === '^' || out.endsWith('(') || out.endsWith('|'))) {
      out += '\\*';
      continue;
    }
    if (extended && c === '{' && !/^\{\d+(,\d*)?\}/.test(re.slice(i))) {
      out += '\\{';
      continue;
    }
    if (c === '/') {
      out += '\\/';
      continue;
    }
    out += c;
  }
  return out;
}

export function compile(re: string, options: { extended?: boolean; fixed?: boolean; ignoreCase?: boolean; global?: boolean; word?: boolean; line?: boolean } = {}): RegExp {
  let src = options.fixed === true ? re.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&') : posixToJs(re, options.extended === true);
  if (options.word === true) src = `(?<![A-Za-z0-9_])(?:${src})(?![A-Za-z0-9_])`;
  if (options.line === true) src = `^(?:${src})$`;
  try {
    return new RegExp(src, `${options.ignoreCase === true ? 'i' : ''}${options.global === true ? 'g' : ''}`);
  } catch {
    throw new RegexError('Invalid regular expression');
  }
}
