/**
 * Command-line flags as spf13/pflag parses them for kubectl's cobra commands:
 * flags anywhere among the arguments, `--name=value` and `--name value`,
 * short flags bundled (`-oname`, `-o=name`, `-Aw`), booleans that take no
 * argument unless written `--flag=false`, `--` ending the flags, and the same
 * error texts (`unknown flag: --foo`, `unknown shorthand flag: 'z' in -z`,
 * `flag needs an argument: 'n' in -n`, `invalid argument "x" for "-w, --watch" flag: …`).
 * Upstream: github.com/spf13/pflag flag.go (parseLongArg, parseSingleShortArg).
 */

export type FlagType = 'bool' | 'string' | 'stringSlice' | 'stringArray' | 'int' | 'duration';

export interface FlagSpec {
  name: string;
  short?: string;
  type: FlagType;
  /** Value when given without an argument (bools: "true"; `--dry-run`: "unchanged"). */
  noOptDefault?: string;
}

export type FlagValue = string | boolean | number | string[];
export type FlagValues = Record<string, FlagValue | undefined>;

export class FlagError extends Error {}

export interface Parsed {
  flags: FlagValues;
  /** Flags the user actually set, by name (cobra's `Changed`). */
  changed: Set<string>;
  args: string[];
  /** Index in `args` of the first argument after `--`, or -1 (cobra's ArgsLenAtDash). */
  dashAt: number;
}

/** kubectl's global (persistent) flags, accepted by every command. */
export const GLOBAL_FLAGS: FlagSpec[] = [
  { name: 'as', type: 'string' }, { name: 'as-group', type: 'stringArray' }, { name: 'as-uid', type: 'string' },
  { name: 'cache-dir', type: 'string' }, { name: 'certificate-authority', type: 'string' },
  { name: 'client-certificate', type: 'string' }, { name: 'client-key', type: 'string' },
  { name: 'cluster', type: 'string' }, { name: 'context', type: 'string' },
  { name: 'disable-compression', type: 'bool' }, { name: 'insecure-skip-tls-verify', type: 'bool' },
  { name: 'kubeconfig', type: 'string' }, { name: 'log-flush-frequency', type: 'duration' },
  { name: 'match-server-version', type: 'bool' }, { name: 'namespace', short: 'n', type: 'string' },
  { name: 'password', type: 'string' }, { name: 'profile', type: 'string' }, { name: 'profile-output', type: 'string' },
  { name: 'request-timeout', type: 'string' }, { name: 'server', short: 's', type: 'string' },
  { name: 'tls-server-name', type: 'string' }, { name: 'token', type: 'string' }, { name: 'user', type: 'string' },
  { name: 'username', type: 'string' }, { name: 'v', short: 'v', type: 'string' }, { name: 'vmodule', type: 'string' },
  { name: 'warnings-as-errors', type: 'bool' }, { name: 'help', short: 'h', type: 'bool' },
];

function withDefaults(spec: FlagSpec): FlagSpec {
  return spec.type === 'bool' && spec.noOptDefault === undefined ? { ...spec, noOptDefault: 'true' } : spec;
}

export class FlagSet {
  private readonly byName = new Map<string, FlagSpec>();
  private readonly byShort = new Map<string, FlagSpec>();

  constructor(specs: readonly FlagSpec[]) {
    for (const s of [...specs, ...GLOBAL_FLAGS]) {
      if (this.byName.has(s.name)) continue;
      const spec = withDefaults(s);
      this.byName.set(s.name, spec);
      if (s.short) this.byShort.set(s.short, spec);
    }
  }

  lookup(name: string): FlagSpec | undefined {
    return this.byName.get(name);
  }

  lookupShort(c: string): FlagSpec | undefined {
    return this.byShort.get(c);
  }

  parse(argv: readonly string[]): Parsed {
    const flags: FlagValues = {};
    const changed = new Set<string>();
    const args: string[] = [];
    let dashAt = -1;
    const set = (spec: FlagSpec, value: string) => {
      flags[spec.name] = convert(spec, value, flags[spec.name], changed.has(spec.name));
      changed.add(spec.name);
    };
    const rest = [...argv];
    while (rest.length > 0) {
      const s = rest.shift()!;
      if (s.length === 0 || s[0] !== '-' || s.length === 1) {
        args.push(s);
        continue;
      }
      if (s === '--') {
        dashAt = args.length;
        args.push(...rest);
        break;
      }
      if (s.startsWith('--')) {
        const body = s.slice(2);
        if (body.length === 0 || body[0] === '-' || body[0] === '=') throw new FlagError(`bad flag syntax: ${s}`);
        const eq = body.indexOf('=');
        const name = eq >= 0 ? body.slice(0, eq) : body;
        const spec = this.byName.get(name);
        if (!spec) throw new FlagError(`unknown flag: --${name}`);
        if (eq >= 0) set(spec, body.slice(eq + 1));
        else if (spec.noOptDefault !== undefined) set(spec, spec.noOptDefault);
        else if (rest.length > 0) set(spec, rest.shift()!);
        else throw new FlagError(`flag needs an argument: ${s}`);
        continue;
      }
      // Short flags: "-abc" is a, b, c unless one of them takes a value.
      let shorts = s.slice(1);
      while (shorts.length > 0) {
        const c = [...shorts][0]!;
        const spec = this.byShort.get(c);
        if (!spec) throw new FlagError(`unknown shorthand flag: '${c}' in -${s.slice(1)}`);
        let after = shorts.slice(c.length);
        if (after.length > 0 && after[0] === '=') {
          set(spec, after.slice(1));
          after = '';
        } else if (spec.noOptDefault !== undefined) {
          set(spec, spec.noOptDefault);
        } else if (after.length > 0) {
          set(spec, after);
          after = '';
        } else if (rest.length > 0) {
          set(spec, rest.shift()!);
        } else {
          throw new FlagError(`flag needs an argument: '${c}' in -${s.slice(1)}`);
        }
        shorts = after;
      }
    }
    return { flags, changed, args, dashAt };
  }
}

function flagLabel(spec: FlagSpec): string {
  return spec.short ? `-${spec.short}, --${spec.name}` : `--${spec.name}`;
}

function convert(spec: FlagSpec, value: string, previous: FlagValue | undefined, seen: boolean): FlagValue {
  const invalid = (why: string) => new FlagError(`invalid argument ${goQuote(value)} for ${goQuote(flagLabel(spec))} flag: ${why}`);
  switch (spec.type) {
    case 'bool': {
      const b = parseBool(value);
      if (b === undefined) throw invalid(`strconv.ParseBool: parsing ${goQuote(value)}: invalid syntax`);
      return b;
    }
    case 'int': {
      if (!/^[+-]?\d+$/.test(value)) throw invalid(`strconv.ParseInt: parsing ${goQuote(value)}: invalid syntax`);
      return Number(value);
    }
    case 'duration':
      if (parseDuration(value) === undefined) throw invalid(`time: invalid duration ${goQuote(value)}`);
      return value;
    case 'stringSlice': {
      // pflag reads the value as one CSV record; a second use appends.
      const items = value === '' ? [] : splitCsv(value);
      return seen ? [...(previous as string[]), ...items] : items;
    }
    case 'stringArray':
      return seen ? [...(previous as string[]), value] : [value];
    case 'string':
      return value;
  }
}

export function parseBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

/** Go's time.ParseDuration, in milliseconds (`0`, `30s`, `1m30s`, `1.5h`, `500ms`). */
export function parseDuration(text: string): number | undefined {
  if (text === '0' || text === '+0' || text === '-0') return 0;
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const m = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/.exec(text);
  if (!m) return undefined;
  let total = 0;
  for (const part of text.replace(/^[+-]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) total += Number(part[1]) * units[part[2]!]!;
  return m[1] === '-' ? -total : total;
}

/** A CSV record as Go's encoding/csv reads one (quotes allowed around fields). */
function splitCsv(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (quoted) {
      if (ch === '"' && value[i + 1] === '"') { cur += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"' && cur === '') quoted = true;
    else if (ch === ',') { out.push(cur); cur = ''; }
    else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Go's %q for plain strings. */
export function goQuote(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * The command words of a command line, skipping flags and their values the
 * way cobra's `stripFlags` does (a `--flag` without `=` is assumed to take the
 * next word unless it is a known boolean).
 */
export function commandWords(argv: readonly string[], globals: FlagSet): string[] {
  const words: string[] = [];
  const rest = [...argv];
  while (rest.length > 0) {
    const s = rest.shift()!;
    if (s === '--') break;
    const longTakesArg = s.startsWith('--') && !s.includes('=') && globals.lookup(s.slice(2))?.noOptDefault === undefined;
    const shortTakesArg = s.startsWith('-') && !s.startsWith('--') && !s.includes('=') && s.length === 2 && globals.lookupShort(s.slice(1))?.noOptDefault === undefined;
    if (longTakesArg || shortTakesArg) {
      if (rest.length <= 1) break;
      rest.shift();
      continue;
    }
    if (s !== '' && !s.startsWith('-')) words.push(s);
  }
  return words;
}
