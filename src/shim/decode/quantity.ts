// resource.Quantity: parsing, the values it stands for, and the canonical text the API
// server stores (so `cpu: 1000m` reads back as `cpu: "1"` and `memory: 1024Mi` as `1Gi`).
// K:staging/src/k8s.io/apimachinery/pkg/api/resource/quantity.go (ParseQuantity,
// parseQuantityString, CanonicalizeBytes), amount.go, suffix.go.

export const QUANTITY_FORMAT_ERROR =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const QUANTITY_NUMERIC_ERROR = 'unable to parse numeric part of quantity';
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** The amount in base units (cores, bytes), as a float: fine for comparisons and sums. */
  value: number;
  /** The exact amount in nano-units; upstream rounds every quantity up to this precision. */
  nanos: bigint;
  format: QuantityFormat;
  /** What the API server stores and prints: `500m`, `1Gi`, `10e3`. */
  canonical: string;
}

export class QuantityError extends Error {
  override readonly name = 'QuantityError';
}

const NANO = 1_000_000_000n;
// Upstream caps every quantity at MaxInt64 (in base units).
const MAX_ALLOWED_NANOS = 9_223_372_036_854_775_807n * NANO;

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const SUFFIX_CHARS = 'eEinumkKMGTP';

function interpretSuffix(suffix: string): { base: 2 | 10; exponent: number; format: QuantityFormat } | undefined {
  const dec = DECIMAL_SUFFIXES[suffix];
  if (dec !== undefined) return { base: 10, exponent: dec, format: 'DecimalSI' };
  const bin = BINARY_SUFFIXES[suffix];
  if (bin !== undefined) return { base: 2, exponent: bin, format: 'BinarySI' };
  if (/^[eE][-+]?[0-9]+$/.test(suffix)) {
    const exponent = Number(suffix.slice(1));
    if (Number.isSafeInteger(exponent)) return { base: 10, exponent, format: 'DecimalExponent' };
  }
  return undefined;
}

/** parseQuantityString: sign, integer part, fraction, suffix — or the format error. */
function split(str: string): { negative: boolean; num: string; denom: string; suffix: string } {
  if (str.length === 0) throw new QuantityError(QUANTITY_FORMAT_ERROR);
  let pos = 0;
  let negative = false;
  if (str[0] === '+' || str[0] === '-') {
    negative = str[0] === '-';
    pos++;
  }
  const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  const numStart = pos;
  while (isDigit(str[pos])) pos++;
  let num = str.slice(numStart, pos).replace(/^0+/, '');
  if (num === '') num = '0';
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    const start = pos;
    while (isDigit(str[pos])) pos++;
    denom = str.slice(start, pos);
  }
  const suffixStart = pos;
  while (pos < str.length && SUFFIX_CHARS.includes(str[pos]!)) pos++;
  if (str[pos] === '+' || str[pos] === '-') pos++;
  while (isDigit(str[pos])) pos++;
  if (pos < str.length) throw new QuantityError(QUANTITY_FORMAT_ERROR);
  if (numStart === suffixStart) throw new QuantityError(QUANTITY_FORMAT_ERROR);
  return { negative, num, denom, suffix: str.slice(suffixStart) };
}

const pow = (base: bigint, exp: number): bigint => base ** BigInt(exp);

/** `ParseQuantity`: throws a QuantityError carrying upstream's message. */
export function parseQuantity(input: string): Quantity {
  const { negative, num, denom, suffix } = split(input.trim());
  const s = interpretSuffix(suffix);
  if (s === undefined) throw new QuantityError(QUANTITY_SUFFIX_ERROR);
  // value = (num.denom) * base^exponent, as numerator / denominator.
  let numerator = BigInt(num + denom);
  let denominator = pow(10n, denom.length);
  if (s.base === 10) {
    if (s.exponent >= 0) numerator *= pow(10n, s.exponent);
    else denominator *= pow(10n, -s.exponent);
  } else numerator *= pow(2n, s.exponent);
  // Round up (away from zero) to nano precision: "if you want some resources, you get some".
  const scaled = numerator * NANO;
  let nanos = scaled / denominator + (scaled % denominator === 0n ? 0n : 1n);
  if (nanos > MAX_ALLOWED_NANOS) nanos = MAX_ALLOWED_NANOS;
  if (negative) nanos = -nanos;
  let format = s.format;
  if (format === 'BinarySI') {
    // Small or fractional binary amounts are shown in decimal, to avoid rounding.
    if ((nanos > -1024n * NANO && nanos < 1024n * NANO) || nanos % NANO !== 0n) format = 'DecimalSI';
  }
  return { value: Number(nanos) / 1e9, nanos, format: s.format, canonical: canonical(nanos, format) };
}

function canonical(nanos: bigint, format: QuantityFormat): string {
  if (nanos === 0n) return '0';
  const sign = nanos < 0n ? '-' : '';
  let amount = nanos < 0n ? -nanos : nanos;
  if (format === 'BinarySI') {
    amount /= NANO;
    let exp = 0;
    while (amount % 1024n === 0n && exp < 6) {
      amount /= 1024n;
      exp++;
    }
    return `${sign}${amount}${['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'][exp]}`;
  }
  let exponent = -9;
  while (amount % 10n === 0n) {
    amount /= 10n;
    exponent++;
  }
  // Go's % keeps the sign: the exponent must come down to a multiple of 3.
  const r = exponent % 3;
  if (r === 1 || r === -2) {
    amount *= 10n;
    exponent -= 1;
  } else if (r === 2 || r === -1) {
    amount *= 100n;
    exponent -= 2;
  }
  let suffix: string;
  if (format === 'DecimalExponent') suffix = exponent === 0 ? '' : `e${exponent}`;
  else suffix = Object.entries(DECIMAL_SUFFIXES).find(([, e]) => e === exponent)?.[0] ?? `e${exponent}`;
  return `${sign}${amount}${suffix}`;
}

/** The canonical text of an amount in nano-units (a sum of quantities), in a format. */
export function formatNanos(nanos: bigint, format: QuantityFormat): string {
  const small = nanos > -1024n * NANO && nanos < 1024n * NANO;
  return canonical(nanos, format === 'BinarySI' && (small || nanos % NANO !== 0n) ? 'DecimalSI' : format);
}

/** The canonical text of a quantity given as a string or a JSON number. */
export function canonicalQuantity(q: string | number): string {
  return parseQuantity(String(q)).canonical;
}

/** Compares two quantities by value: negative, zero or positive. */
export function compareQuantities(a: string | number, b: string | number): number {
  const x = parseQuantity(String(a)).nanos;
  const y = parseQuantity(String(b)).nanos;
  return x < y ? -1 : x > y ? 1 : 0;
}
