/**
 * Reading a message: which language it is in and whether it was typed in the wrong keyboard
 * layout. A Latin text that makes more sense read through the Russian layout was meant in Russian
 * («pf,sk gfhjkm» → «забыл пароль»), and the reverse for English typed on the Russian layout.
 */
import { cyrillicLayoutToLatin, latinLayoutToCyrillic } from './keyboard-layout.ts';
import { letterCounts, normalizeText } from './normalize.ts';
import { knownWordCount, type Vocabulary } from './vocabulary.ts';

export type Lang = 'ru' | 'en';

export interface ReadMessage {
  /** Normalised text, in the layout the citizen meant. */
  normalized: string;
  /** The language the citizen wrote in; the session language when the text has no letters. */
  lang: Lang;
  layoutFixed: boolean;
}

export function readMessage(raw: string, vocabulary: Vocabulary, sessionLang: Lang): ReadMessage {
  const { cyrillic, latin } = letterCounts(raw);
  if (cyrillic === 0 && latin === 0) {
    return { normalized: normalizeText(raw), lang: sessionLang, layoutFixed: false };
  }
  const typedLang: Lang = cyrillic >= latin ? 'ru' : 'en';
  const normalized = normalizeText(raw);
  const switched = typedLang === 'en' ? latinLayoutToCyrillic(raw) : cyrillicLayoutToLatin(raw);
  const switchedNormalized = normalizeText(switched);
  // The other layout wins only when strictly more of its words are known: ties keep what was typed.
  if (knownWordCount(switchedNormalized, vocabulary) > knownWordCount(normalized, vocabulary)) {
    return { normalized: switchedNormalized, lang: typedLang === 'en' ? 'ru' : 'en', layoutFixed: true };
  }
  return { normalized, lang: typedLang, layoutFixed: false };
}
