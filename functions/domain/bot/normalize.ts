/**
 * Normalisation of what citizens type: case, ё/е, punctuation, letters held down («пароооль»),
 * and splitting into word tokens. Pure string functions, shared by the model and by suggest.
 */

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
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // А–я and Ё/ё; A–Z and a–z. Char codes, not regexes: this runs for every word of every message.
    if ((code >= 0x410 && code <= 0x44f) || code === 0x401 || code === 0x451) cyrillic++;
    else if ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) latin++;
  }
  return { cyrillic, latin };
}

export function scriptOf(word: string): Script {
  const { cyrillic, latin } = letterCounts(word);
  if (cyrillic === 0 && latin === 0) return 'none';
  return cyrillic >= latin ? 'cyrillic' : 'latin';
}
