/**
 * The lexer of Go's text/template (go/src/text/template/parse/lex.go, Go 1.23):
 * text, actions with trim markers, comments, and the tokens inside actions.
 */
import { goQuote } from './go-fmt.ts';

export type ItemType =
  | 'error' | 'bool' | 'char' | 'charConstant' | 'assign' | 'declare' | 'eof' | 'field' | 'identifier'
  | 'leftDelim' | 'leftParen' | 'number' | 'pipe' | 'rawString' | 'rightDelim' | 'rightParen' | 'space'
  | 'string' | 'text' | 'variable' | 'complex'
  // Keywords (item.String prints them as <word>).
  | 'block' | 'break' | 'continue' | 'dot' | 'define' | 'else' | 'end' | 'if' | 'nil' | 'range' | 'template' | 'with';

export interface Item {
  type: ItemType;
  pos: number;
  val: string;
  line: number;
}

const KEYWORDS: Record<string, ItemType> = {
  '.': 'dot', block: 'block', break: 'break', continue: 'continue', define: 'define', else: 'else', end: 'end',
  if: 'if', range: 'range', nil: 'nil', template: 'template', with: 'with',
};
const KEYWORD_TYPES = new Set(Object.values(KEYWORDS));

/** item.String(): how a token appears in "unexpected …" messages. */
export function itemString(i: Item): string {
  if (i.type === 'eof') return 'EOF';
  if (i.type === 'error') return i.val;
  if (KEYWORD_TYPES.has(i.type)) return `<${i.val}>`;
  if ([...i.val].length > 10) return `${goQuote([...i.val].slice(0, 10).join(''))}...`;
  return goQuote(i.val);
}

const LEFT = '{{';
const RIGHT = '}}';
const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isAlphaNumeric = (c: string | undefined) => c !== undefined && (c === '_' || /^[\p{L}\p{Nd}]$/u.test(c));
const hasLeftTrimMarker = (s: string) => s.length >= 2 && s[0] === '-' && isSpace(s[1]);
const hasRightTrimMarker = (s: string) => s.length >= 2 && isSpace(s[0]) && s[1] === '-';
const leftTrimLength = (s: string) => s.length - s.replace(/^[ \t\r\n]+/, '').length;
const rightTrimLength = (s: string) => s.length - s.replace(/[ \t\r\n]+$/, '').length;

/** `%#U`: U+0023 '#'. */
function formatU(c: string): string {
  const cp = c.codePointAt(0)!;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${c}'`;
}

/** The lexer: a state machine producing all items up front (the Go one runs as a goroutine). */
export function lex(input: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let start = 0;
  let line = 1;
  let startLine = 1;
  let parenDepth = 0;
  let done = false;

  const next = (): string | undefined => {
    if (pos >= input.length) return undefined;
    const c = String.fromCodePoint(input.codePointAt(pos)!);
    pos += c.length;
    if (c === '\n') line++;
    return c;
  };
  const backup = (c: string | undefined) => {
    if (c === undefined) return;
    pos -= c.length;
    if (c === '\n') line--;
  };
  const peek = () => {
    const c = next();
    backup(c);
    return c;
  };
  const emit = (type: ItemType) => {
    items.push({ type, pos: start, val: input.slice(start, pos), line: startLine });
    start = pos;
    startLine = line;
  };
  const ignore = () => {
    line += countNewlines(input.slice(start, pos));
    start = pos;
    startLine = line;
  };
  const errorf = (message: string): null => {
    items.push({ type: 'error', pos: start, val: message, line: startLine });
    done = true;
    return null;
  };
  const accept = (valid: string) => {
    const c = next();
    if (c !== undefined && valid.includes(c)) return true;
    backup(c);
    return false;
  };
  const acceptRun = (valid: string) => {
    for (;;) {
      const c = next();
      if (c === undefined || !valid.includes(c)) return backup(c);
    }
  };
  const atRightDelim = (): [boolean, boolean] => {
    const rest = input.slice(pos);
    if (hasRightTrimMarker(rest) && rest.startsWith(RIGHT, 2)) return [true, true];
    return [rest.startsWith(RIGHT), false];
  };
  const atTerminator = () => {
    const c = peek();
    return c === undefined || isSpace(c) || '.,|:)('.includes(c) || input.startsWith(RIGHT, pos);
  };

  type State = () => State | null;
  const lexText: State = () => {
    const x = input.indexOf(LEFT, pos);
    if (x >= 0) {
      let trim = 0;
      if (hasLeftTrimMarker(input.slice(x + LEFT.length))) trim = rightTrimLength(input.slice(pos, x));
      const textEnd = x - trim;
      if (textEnd > start) {
        items.push({ type: 'text', pos: start, val: input.slice(start, textEnd), line: startLine });
      }
      line += countNewlines(input.slice(pos, x));
      pos = x;
      start = x;
      startLine = line;
      return lexLeftDelim;
    }
    pos = input.length;
    if (pos > start) {
      items.push({ type: 'text', pos: start, val: input.slice(start), line: startLine });
      line += countNewlines(input.slice(start));
      start = pos;
      startLine = line;
    }
    emit('eof');
    return null;
  };
  const lexLeftDelim: State = () => {
    pos += LEFT.length;
    const trim = hasLeftTrimMarker(input.slice(pos));
    const after = trim ? 2 : 0;
    if (input.startsWith('/*', pos + after)) {
      pos += after;
      ignore();
      return lexComment;
    }
    emit('leftDelim');
    pos += after;
    ignore();
    parenDepth = 0;
    return lexInsideAction;
  };
  const lexComment: State = () => {
    pos += 2;
    const x = input.indexOf('*/', pos);
    if (x < 0) return errorf('unclosed comment');
    pos = x + 2;
    const [delim, trim] = atRightDelim();
    if (!delim) return errorf('comment ends before closing delimiter');
    if (trim) pos += 2;
    pos += RIGHT.length;
    if (trim) pos += leftTrimLength(input.slice(pos));
    ignore();
    return lexText;
  };
  const lexRightDelim: State = () => {
    const [, trim] = atRightDelim();
    if (trim) {
      pos += 2;
      ignore();
    }
    pos += RIGHT.length;
    emit('rightDelim');
    if (trim) {
      pos += leftTrimLength(input.slice(pos));
      ignore();
    }
    return lexText;
  };
  const lexInsideAction: State = () => {
    const [delim] = atRightDelim();
    if (delim) {
      if (parenDepth === 0) return lexRightDelim;
      return errorf('unclosed left paren');
    }
    const c = next();
    if (c === undefined) return errorf('unclosed action');
    if (isSpace(c)) {
      backup(c);
      return lexSpace;
    }
    switch (c) {
      case '=': emit('assign'); return lexInsideAction;
      case ':':
        if (next() !== '=') return errorf('expected :=');
        emit('declare');
        return lexInsideAction;
      case '|': emit('pipe'); return lexInsideAction;
      case '"': return lexQuote;
      case '`': return lexRawQuote;
      case '$': return lexVariable;
      case "'": return lexChar;
      case '(':
        emit('leftParen');
        parenDepth++;
        return lexInsideAction;
      case ')':
        parenDepth--;
        if (parenDepth < 0) return errorf('unexpected right paren');
        emit('rightParen');
        return lexInsideAction;
    }
    if (c === '.') {
      const n = input[pos];
      if (n === undefined || n < '0' || n > '9') return lexField;
    }
    if (c === '.' || c === '+' || c === '-' || (c >= '0' && c <= '9')) {
      backup(c);
      return lexNumber;
    }
    if (isAlphaNumeric(c)) {
      backup(c);
      return lexIdentifier;
    }
    if (c.codePointAt(0)! <= 0x7f && c >= ' ' && c !== '\x7f') {
      emit('char');
      return lexInsideAction;
    }
    return errorf(`unrecognized character in action: ${formatU(c)}`);
  };
  const lexSpace: State = () => {
    let spaces = 0;
    while (isSpace(peek())) {
      next();
      spaces++;
    }
    // A space then "-}}" is a trim marker, not an argument separator.
    if (hasRightTrimMarker(input.slice(pos - 1)) && input.startsWith(RIGHT, pos + 1)) {
      backup(input[pos - 1]);
      if (spaces === 1) return lexRightDelim;
    }
    emit('space');
    return lexInsideAction;
  };
  const lexIdentifier: State = () => {
    let c: string | undefined;
    for (;;) {
      c = next();
      if (!isAlphaNumeric(c)) break;
    }
    backup(c);
    const word = input.slice(start, pos);
    if (!atTerminator()) return errorf(`bad character ${formatU(c!)}`);
    const kw = KEYWORDS[word];
    if (kw && kw !== 'dot') emit(kw);
    else if (word[0] === '.') emit('field');
    else if (word === 'true' || word === 'false') emit('bool');
    else emit('identifier');
    return lexInsideAction;
  };
  const lexFieldOrVariable = (type: 'field' | 'variable'): State | null => {
    if (atTerminator()) {
      emit(type === 'variable' ? 'variable' : 'dot');
      return lexInsideAction;
    }
    let c: string | undefined;
    for (;;) {
      c = next();
      if (!isAlphaNumeric(c)) break;
    }
    backup(c);
    if (!atTerminator()) return errorf(`bad character ${formatU(c!)}`);
    emit(type);
    return lexInsideAction;
  };
  const lexField: State = () => lexFieldOrVariable('field');
  const lexVariable: State = () => {
    if (atTerminator()) {
      emit('variable');
      return lexInsideAction;
    }
    return lexFieldOrVariable('variable');
  };
  const lexQuoted = (quote: string, type: ItemType, message: string, escapes: boolean): State => () => {
    for (;;) {
      let c = next();
      if (escapes && c === '\\') {
        c = next();
        if (c !== undefined && c !== '\n') continue;
        return errorf(message);
      }
      if (c === undefined || (escapes && c === '\n')) return errorf(message);
      if (c === quote) break;
    }
    emit(type);
    return lexInsideAction;
  };
  const lexQuote = lexQuoted('"', 'string', 'unterminated quoted string', true);
  const lexRawQuote = lexQuoted('`', 'rawString', 'unterminated raw quoted string', false);
  const lexChar = lexQuoted("'", 'charConstant', 'unterminated character constant', true);
  const scanNumber = (): boolean => {
    accept('+-');
    let digits = '0123456789_';
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (accept('oO')) digits = '01234567_';
      else if (accept('bB')) digits = '01_';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (digits.length === 11 && accept('eE')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    if (digits.length === 23 && accept('pP')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    accept('i');
    if (isAlphaNumeric(peek())) {
      next();
      return false;
    }
    return true;
  };
  const lexNumber: State = () => {
    if (!scanNumber()) return errorf(`bad number syntax: ${goQuote(input.slice(start, pos))}`);
    const sign = peek();
    if (sign === '+' || sign === '-') {
      if (!scanNumber() || input[pos - 1] !== 'i') return errorf(`bad number syntax: ${goQuote(input.slice(start, pos))}`);
      emit('complex');
    } else {
      emit('number');
    }
    return lexInsideAction;
  };

  let state: State | null = lexText;
  while (state && !done) state = state();
  return items;
}

function countNewlines(s: string): number {
  let n = 0;
  for (const c of s) if (c === '\n') n++;
  return n;
}
