/** Go's fmt.Sprint of decoded JSON values (`map[a:b]`, `[x y]`, `<nil>`), as kubectl prints cells. */
import { formatNumber } from './yaml.ts';

export function goSprint(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return `[${v.map(goSprint).join(' ')}]`;
  const map = v as Record<string, unknown>;
  return `map[${Object.keys(map).sort().map((k) => `${k}:${goSprint(map[k])}`).join(' ')}]`;
}
