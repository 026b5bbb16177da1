/**
 * "Did you mean this?" as cobra computes it (spf13/cobra command.go
 * SuggestionsFor): names within Levenshtein distance 2, or that start with
 * what was typed.
 */
export function suggestionsFor(typed: string, names: readonly string[], minDistance = 2): string[] {
  const lower = typed.toLowerCase();
  return names.filter((name) => levenshtein(lower, name.toLowerCase()) <= minDistance || name.toLowerCase().startsWith(lower));
}

export function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}
