// Cron schedules as the CronJob controller reads them: robfig/cron's standard parser
// (five fields, names, ranges, steps, `?`, and the @yearly…@hourly and @every
// descriptors), evaluated in a time zone. K:vendor/github.com/robfig/cron/v3/parser.go,
// spec.go (Next).

interface Bounds { min: number; max: number; names?: Record<string, number> }

const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DAYS: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const FIELDS: Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS },
  { min: 0, max: 6, names: DAYS },
];

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

export class CronError extends Error {}

export interface Schedule {
  /** The first activation strictly after `ms`. */
  next(ms: number): number;
}

/** cron.ParseStandard. Throws CronError with robfig's message. */
export function parseSchedule(spec: string, timeZone = 'UTC'): Schedule {
  let s = spec.trim();
  if (s === '') throw new CronError('empty spec string');
  const tz = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(s);
  if (tz !== null) {
    timeZone = tz[1]!;
    s = tz[2]!.trim();
  }
  const every = /^@every\s+(.+)$/.exec(s);
  if (every !== null) {
    const ms = parseGoDuration(every[1]!);
    if (ms === undefined) throw new CronError(`failed to parse duration ${s}: time: invalid duration "${every[1]}"`);
    // ConstantDelaySchedule: at least a second, rounded down to whole seconds.
    const delay = Math.max(1000, Math.floor(ms / 1000) * 1000);
    return { next: (t) => Math.floor(t / 1000) * 1000 + delay };
  }
  if (s.startsWith('@')) {
    const d = DESCRIPTORS[s];
    if (d === undefined) throw new CronError(`unrecognized descriptor: ${s}`);
    s = d;
  }
  const parts = s.split(/\s+/);
  if (parts.length !== 5) throw new CronError(`expected exactly 5 fields, found ${parts.length}: ${parts.join(' ')}`);
  const sets = parts.map((p, i) => parseField(p, FIELDS[i]!));
  const [minutes, hours, dom, months, dow] = sets as [Field, Field, Field, Field, Field];
  const offset = zoneOffset(timeZone);
  return {
    next(ms) {
      // Work in wall-clock time of the zone, as a UTC date carrying the local fields.
      let t = new Date(Math.floor((ms + offset(ms)) / 60_000) * 60_000 + 60_000);
      const limit = t.getUTCFullYear() + 5;
      while (t.getUTCFullYear() <= limit) {
        if (!months.has(t.getUTCMonth() + 1)) {
          t = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 1));
          continue;
        }
        if (!dayMatches(t, dom, dow)) {
          t = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate() + 1));
          continue;
        }
        if (!hours.has(t.getUTCHours())) {
          t = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate(), t.getUTCHours() + 1));
          continue;
        }
        if (!minutes.has(t.getUTCMinutes())) {
          t = new Date(t.getTime() + 60_000);
          continue;
        }
        const wall = t.getTime();
        return wall - offset(wall - offset(wall));
      }
      return Infinity;
    },
  };
}

interface Field { has(v: number): boolean; star: boolean }

function parseField(field: string, b: Bounds): Field {
  const values = new Set<number>();
  let star = false;
  for (const expr of field.split(',')) {
    const [range, stepRaw, extra] = expr.split('/');
    if (extra !== undefined) throw new CronError(`too many slashes: ${expr}`);
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') {
      lo = b.min;
      hi = b.max;
      if (stepRaw === undefined) star = true;
    } else {
      const [a, c, more] = (range ?? '').split('-');
      if (more !== undefined) throw new CronError(`too many hyphens: ${expr}`);
      lo = value(a ?? '', b);
      hi = c === undefined ? lo : value(c, b);
    }
    let step = 1;
    if (stepRaw !== undefined) {
      step = value(stepRaw, { min: 0, max: Number.MAX_SAFE_INTEGER });
      // `N/step` means N through the maximum.
      if (!range?.includes('-') && range !== '*' && range !== '?') hi = b.max;
    }
    if (lo < b.min) throw new CronError(`beginning of range (${lo}) below minimum (${b.min}): ${expr}`);
    if (hi > b.max) throw new CronError(`end of range (${hi}) above maximum (${b.max}): ${expr}`);
    if (lo > hi) throw new CronError(`beginning of range (${lo}) beyond end of range (${hi}): ${expr}`);
    if (step === 0) throw new CronError(`step of range should be a positive number: ${expr}`);
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  // Sunday may be written 7 in some crons; robfig rejects it (max 6), like upstream.
  return { has: (v) => values.has(v), star };
}

function value(s: string, b: Bounds): number {
  const named = b.names?.[s.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^\d+$/.test(s)) throw new CronError(`failed to parse int from ${s}: strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  return Number(s);
}

/** dayMatches: when either day field is `*`, both must match; otherwise either may. */
function dayMatches(t: Date, dom: Field, dow: Field): boolean {
  const d = dom.has(t.getUTCDate());
  const w = dow.has(t.getUTCDay());
  return dom.star || dow.star ? d && w : d || w;
}

/** A zone's offset from UTC (ms) at an instant; throws CronError for an unknown zone. */
export function zoneOffset(timeZone: string): (ms: number) => number {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC' || timeZone === '') return () => 0;
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  } catch {
    throw new CronError(`unknown time zone ${timeZone}`);
  }
  return (ms) => {
    const p: Record<string, number> = {};
    for (const part of fmt.formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
    const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
    return wall - Math.floor(ms / 1000) * 1000;
  };
}

function parseGoDuration(s: string): number | undefined {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let rest = s;
  if (rest === '') return undefined;
  while (rest !== '') {
    const m = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/.exec(rest);
    if (m === null) return undefined;
    total += Number(m[1]) * units[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return total;
}
