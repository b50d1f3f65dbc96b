/**
 * Normalisation of what citizens type: case, ё/е, punctuation, letters held down («пароооль»),
 * and splitting into word tokens. Pure string functions, shared by the model and by suggest.
 */

const CYRILLIC = /[а-яё]/i;
const LATIN = /[a-z]/i;
/** A run of three or more of the same letter is emphasis, never spelling, in both languages. */
const HELD_LETTER = /(\p{L})\1{2,}/gu;
const NOT_WORD = /[^\p{L}\p{N}]+/gu;

export type Script = 'cyrillic' | 'latin' | 'none';

/** Lower case, ё→е, held letters collapsed, punctuation to single spaces. */
export function normalizeText(text: string): string {
  return text.toLowerCase().replace(/ё/g, 'е').replace(HELD_LETTER, '$1').replace(NOT_WORD, ' ').trim();
}

/** Word tokens of a normalised text. */
export function tokenize(normalized: string): string[] {
  return normalized.length === 0 ? [] : normalized.split(' ');
}

/** Counts letters of each script; digits and punctuation count for neither. */
export function letterCounts(text: string): { cyrillic: number; latin: number } {
  let cyrillic = 0;
  let latin = 0;
  for (const ch of text) {
    if (CYRILLIC.test(ch)) cyrillic++;
    else if (LATIN.test(ch)) latin++;
  }
  return { cyrillic, latin };
}

export function scriptOf(word: string): Script {
  const { cyrillic, latin } = letterCounts(word);
  if (cyrillic === 0 && latin === 0) return 'none';
  return cyrillic >= latin ? 'cyrillic' : 'latin';
}
