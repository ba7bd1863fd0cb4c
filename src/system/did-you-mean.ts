// The closest of a few known words to a misspelt one: option names, commands, config keys.

/** "; did you mean --json?" when one candidate is within two edits (or a prefix), else "". */
export function didYouMean(word: string, candidates: readonly string[], prefix = ''): string {
  const best = closestWord(word, candidates);
  return best === null ? '' : `; did you mean ${prefix}${best}?`;
}

/** The candidate within two edits of `word` (or that it begins), the closest; null when none is. */
export function closestWord(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = candidate.startsWith(word) && word.length >= 2 ? 1 : editDistance(word, candidate, 3);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.min(2, Math.max(1, Math.floor(word.length / 3)));
  return best !== null && bestDistance <= limit ? best : null;
}

/** Damerau (adjacent transposition) edit distance, stopped at `ceiling`; words are short option names. */
function editDistance(a: string, b: string, ceiling: number): number {
  if (Math.abs(a.length - b.length) >= ceiling || a.length > 64 || b.length > 64) return ceiling;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i += 1) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j += 1) {
      if (i === 0) {
        (rows[0] as number[])[j] = j;
        continue;
      }
      const row = rows[i] as number[];
      const above = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, ((rows[i - 2] as number[])[j - 2] ?? 0) + 1);
      }
      row[j] = value;
    }
  }
  return Math.min(ceiling, (rows[a.length] as number[])[b.length] ?? ceiling);
}
