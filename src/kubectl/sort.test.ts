import { describe, expect, it } from 'vitest';
import { goSort } from './go-sort.ts';
import { naturalLess, sortBy } from './sort.ts';

describe('goSort (Go\'s sort.Sort, pdqsort)', () => {
  // 74 events (reason/object) as the server listed them, and the order the real
  // kubectl 1.32 printed for `get events -o custom-columns=… --sort-by=.reason`:
  // ties land where Go's unstable sort leaves them.
  const listed = "Scheduled/c Pulling/c Pulled/c Created/c Started/c Pulling/c Pulled/c Created/c Started/c Killing/c Killing/c Scheduled/d Pulling/d Pulled/d Created/d Started/d Pulling/d Pulled/d Created/d Started/d Killing/d Killing/d Scheduled/e Pulled/e Created/e Started/e Pulling/e Pulled/e Created/e Started/e Killing/e Killing/e SuccessfulCreate/b SuccessfulCreate/b SuccessfulCreate/b SuccessfulDelete/b SuccessfulDelete/b SuccessfulDelete/b Scheduled/g Pulling/g Pulled/g Created/g Started/g Scheduled/h Pulling/h Pulled/h Created/h Started/h Scheduled/i Pulled/i Created/i Started/i Scheduled/j Pulled/j Created/j Started/j Scheduled/k Pulled/k Created/k Started/k SuccessfulCreate/f SuccessfulCreate/f SuccessfulCreate/f SuccessfulCreate/f SuccessfulCreate/f ScalingReplicaSet/a ScalingReplicaSet/a ScalingReplicaSet/a ScalingReplicaSet/a ScalingReplicaSet/a ScalingReplicaSet/a ScalingReplicaSet/a ScalingReplicaSet/a ScalingReplicaSet/a".split(' ');
  const printed = "Created/e Created/i Created/d Created/c Created/e Created/h Created/g Created/d Created/j Created/k Created/c Killing/e Killing/c Killing/c Killing/e Killing/d Killing/d Pulled/j Pulled/d Pulled/c Pulled/i Pulled/h Pulled/k Pulled/e Pulled/d Pulled/c Pulled/g Pulled/e Pulling/e Pulling/h Pulling/d Pulling/c Pulling/d Pulling/c Pulling/g ScalingReplicaSet/a ScalingReplicaSet/a ScalingReplicaSet/a ScalingReplicaSet/a ScalingReplicaSet/a ScalingReplicaSet/a ScalingReplicaSet/a ScalingReplicaSet/a ScalingReplicaSet/a Scheduled/h Scheduled/e Scheduled/j Scheduled/k Scheduled/i Scheduled/d Scheduled/g Scheduled/c Started/e Started/i Started/c Started/j Started/h Started/g Started/c Started/k Started/e Started/d Started/d SuccessfulCreate/b SuccessfulCreate/f SuccessfulCreate/f SuccessfulCreate/f SuccessfulCreate/f SuccessfulCreate/f SuccessfulCreate/b SuccessfulCreate/b SuccessfulDelete/b SuccessfulDelete/b SuccessfulDelete/b".split(' ');

  it('leaves ties exactly where Go leaves them', () => {
    const reason = (s: string) => s.split('/')[0]!;
    expect(goSort(listed, (a, b) => naturalLess(reason(a), reason(b)))).toEqual(printed);
  });

  it('is an insertion sort (stable) up to twelve items', () => {
    const items = ['b1', 'a1', 'b2', 'a2', 'c1', 'a3'];
    expect(goSort(items, (x, y) => x[0]! < y[0]!)).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'c1']);
  });
});

describe('sortBy (--sort-by)', () => {
  it('compares strings naturally and numbers numerically, missing values first', () => {
    expect(naturalLess('web-2', 'web-10')).toBe(true);
    expect(naturalLess('a01', 'a1')).toBe(false);
    const pods = [{ n: 'web-10', r: 3 }, { n: 'web-2', r: 12 }, { n: 'x' }];
    expect(sortBy(pods, '.n', (p) => p).map((p) => p.n)).toEqual(['web-2', 'web-10', 'x']);
    expect(sortBy(pods, '{.r}', (p) => p).map((p) => p.n)).toEqual(['x', 'web-10', 'web-2']);
    expect(() => sortBy(pods, '.nope', (p) => p)).toThrow('couldn\'t find any field with path "{.nope}" in the list of objects');
  });
});
