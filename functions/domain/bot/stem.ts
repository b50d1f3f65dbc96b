/**
 * Morphology: Snowball stemmers for Russian and English (from @orama/stemmers, which ships each
 * language as its own small module, so the bot's bundle carries only these two). «пароль»,
 * «пароля», «паролем» all become «парол»; "passwords" becomes "password".
 */
import { stemmer as stemEnglish } from '@orama/stemmers/english';
import { stemmer as stemRussian } from '@orama/stemmers/russian';
import { scriptOf } from './normalize.ts';

/**
 * Function words carry little meaning for the intent; they are kept (so "не" can still form the
 * bigram «не пришел») but weigh less. Negations are deliberately absent from this list.
 */
const STOP_WORDS = new Set(
  [
    'и в во на с со к ко по о об от до из у за для а но же ли бы то это я мне меня мой моя мое мои моего',
    'моей моим мы вы вас вам ты он она они их его ее так как что где уже еще вот там тут ну да при или если',
    'чтобы был была было есть который которая которое пожалуйста пж плиз вообще просто очень все себя свой',
    'свои своего своей сейчас такое такой такая какой какая какие каком кто чем нам нас ваш ваша',
    'i me my mine we you your the a an to of in on at for and or but is are was were be been am it its',
    'this that do does did with from by as so please pls just there here what how can could would should',
    'will have has had some any about',
  ]
    .join(' ')
    .split(' '),
);

export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}

/**
 * Stemming is the costliest step of building the model, and citizens reuse the same few thousand
 * words, so stems are memoised; the bound keeps a long-lived worker's memory flat.
 */
const stemCache = new Map<string, string>();
const STEM_CACHE_LIMIT = 50_000;

/** Stem of one normalised word, by its script; numbers and mixed tokens stay as they are. */
export function stemWord(word: string): string {
  const cached = stemCache.get(word);
  if (cached !== undefined) return cached;
  const script = scriptOf(word);
  const stem = script === 'cyrillic' ? stemRussian(word) : script === 'latin' ? stemEnglish(word) : word;
  if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
  stemCache.set(word, stem);
  return stem;
}

/** Seeds the memo with stems computed ahead of time (the compiled vocabulary), saving init time. */
export function primeStems(words: readonly string[], stems: readonly string[]): void {
  words.forEach((word, i) => {
    const stem = stems[i];
    if (stem !== undefined && stemCache.size < STEM_CACHE_LIMIT) stemCache.set(word, stem);
  });
}
