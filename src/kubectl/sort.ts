/**
 * `get --sort-by=<jsonpath>` (K:…/kubectl/pkg/cmd/get/sorter.go): rows of a
 * server Table (fetched with `includeObject=Object`) or whole objects, ordered
 * by the first value the path finds — numbers numerically, strings in natural
 * order (fvbommel/sortorder), missing values first.
 * Ties come out as Go's (unstable) sort.Sort leaves them, as kubectl's do.
 */
import { goSort } from './go-sort.ts';
import { JsonPath } from './printers/jsonpath.ts';
import { relaxedJsonPath } from './printers/index.ts';

/** sortorder.NaturalLess: digit runs compare as numbers; digits sort before other bytes. */
export function naturalLess(a: string, b: string): boolean {
  const digit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [c1, c2] = [a[i]!, b[j]!];
    const [d1, d2] = [digit(c1), digit(c2)];
    if (d1 !== d2) return d1;
    if (!d1) {
      if (c1 !== c2) return c1 < c2;
      i++;
      j++;
      continue;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    const [s1, s2] = [i, j];
    while (digit(a[i])) i++;
    while (digit(b[j])) j++;
    if (i - s1 !== j - s2) return i - s1 < j - s2;
    const [n1, n2] = [a.slice(s1, i), b.slice(s2, j)];
    if (n1 !== n2) return n1 < n2;
    if (s1 !== s2) return s1 < s2;
  }
  return a.length < b.length;
}

function less(x: unknown, y: unknown): boolean {
  if (typeof x === 'number' && typeof y === 'number') return x < y;
  if (typeof x === 'string' && typeof y === 'string') return naturalLess(x, y);
  if (typeof x === 'boolean' && typeof y === 'boolean') return !x && y;
  return false;
}

/** Sorts `items` by the value `field` finds in `objectOf(item)`; throws kubectl's errors. */
export function sortBy<T>(items: T[], field: string, objectOf: (item: T) => unknown): T[] {
  let path: JsonPath;
  const expr = (() => {
    try {
      return relaxedJsonPath(field);
    } catch {
      return field;
    }
  })();
  try {
    path = new JsonPath(expr);
  } catch (error) {
    throw new Error(`sorting error: ${(error as Error).message}`);
  }
  const keyed = items.map((item, index) => {
    const results = path.results(objectOf(item));
    return { item, index, value: results[0]?.[0], found: results.length > 0 && results[0]!.length > 0 };
  });
  if (items.length > 0 && !keyed.some((k) => k.found)) throw new Error(`couldn't find any field with path ${JSON.stringify(expr)} in the list of objects`);
  // TableSorter.Less: rows without the field sort first.
  const sorted = goSort(keyed, (p, q) => {
    if (!p.found) return true;
    if (!q.found) return false;
    return less(p.value, q.value);
  });
  return sorted.map((k) => k.item);
}
