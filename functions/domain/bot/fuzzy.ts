/**
 * Typo tolerance for whole words: a symmetric-delete index (the SymSpell idea) over the word forms
 * the knowledge base knows, so «пороль» finds «пароль» and "pasword" finds "password" in a few
 * map look-ups instead of comparing against every word.
 */

function deletesOf(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (d[(i - 1) * cols + j] ?? 0) + 1,
        (d[i * cols + j - 1] ?? 0) + 1,
        (d[(i - 1) * cols + j - 1] ?? 0) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (d[(i - 2) * cols + j - 2] ?? 0) + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1] ?? 0;
}

export interface FuzzyIndex {
  /** The closest known word within the allowed distance, or undefined. */
  correct(word: string): string | undefined;
}

/** Words shorter than this are too ambiguous to correct. */
const MIN_LENGTH = 5;

export function createFuzzyIndex(wordFrequencies: ReadonlyMap<string, number>): FuzzyIndex {
  const byDelete = new Map<string, string[]>();
  const add = (key: string, word: string) => {
    const list = byDelete.get(key);
    if (list) list.push(word);
    else byDelete.set(key, [word]);
  };
  for (const word of wordFrequencies.keys()) {
    if (word.length < MIN_LENGTH) continue;
    add(word, word);
    for (const variant of deletesOf(word)) add(variant, word);
  }

  return {
    correct(word) {
      if (word.length < MIN_LENGTH) return undefined;
      const maxDistance = word.length >= 8 ? 2 : 1;
      let best: string | undefined;
      let bestDistance = Number.POSITIVE_INFINITY;
      let bestFrequency = 0;
      for (const key of [word, ...deletesOf(word)]) {
        for (const candidate of byDelete.get(key) ?? []) {
          const distance = editDistance(word, candidate);
          const frequency = wordFrequencies.get(candidate) ?? 0;
          if (distance > maxDistance) continue;
          if (distance < bestDistance || (distance === bestDistance && frequency > bestFrequency)) {
            best = candidate;
            bestDistance = distance;
            bestFrequency = frequency;
          }
        }
      }
      return best;
    },
  };
}
