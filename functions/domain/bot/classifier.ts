/**
 * From a citizen's raw text to an intent with a calibrated confidence: read the message (layout,
 * language), normalise, stem and correct typos, rank the intents with the model, and turn the top
 * scores into a probability-like confidence. Below the threshold the intent is `fallback`.
 */
import { compileBot, fingerprintOf } from './compile-bot.ts';
import { FALLBACK } from './decisions.ts';
import type { KnowledgeBase } from './knowledge-base-schema.ts';
import { type Lang, readMessage } from './language.ts';
import { createIntentModel, type IntentModel, type RankedIntent } from './model.ts';
import { normalizeText } from './normalize.ts';
import { analyze, createVocabulary, type Token, type Vocabulary } from './vocabulary.ts';

/**
 * Logistic mapping of (best score, margin over the runner-up) to a confidence, set by hand and
 * checked on the evaluation set: of the answers given there, those at 0.9+ are right 300 times in
 * 301 and those at 0.5–0.9 about 97 % of the time, so it errs on the cautious side (docs/bot.md).
 */
const CALIBRATION = { best: 10, margin: 8, bias: -4 };
/** Below this confidence the bot says it does not know rather than guess. */
const CONFIDENCE_THRESHOLD = 0.4;

export interface Classification {
  /** Best intent, or `fallback` below the threshold. */
  intent: string;
  /** The model's best guess even when it was not confident enough to answer it. */
  bestGuess: string;
  confidence: number;
  lang: Lang;
  layoutFixed: boolean;
  /** The message, normalised, in the layout the citizen meant. */
  normalized: string;
}

function confidenceOf(ranked: readonly RankedIntent[]): number {
  const best = ranked[0]?.score ?? 0;
  const second = ranked[1]?.score ?? 0;
  const z = CALIBRATION.best * best + CALIBRATION.margin * (best - second) + CALIBRATION.bias;
  return 1 / (1 + Math.exp(-z));
}

export interface Classifier {
  readonly vocabulary: Vocabulary;
  readonly model: IntentModel;
  classify(text: string, sessionLang: Lang): Classification;
  /** Classifies an already normalised text (e.g. a message with a phrase removed). */
  classifyNormalized(normalized: string): { intent: string; bestGuess: string; confidence: number };
}

type Understood = { intent: string; bestGuess: string; confidence: number };

/** Courtesies: a message that is one of them is answered as such, never when it says more. */
const COURTESIES: ReadonlySet<string> = new Set(['greeting', 'thanks']);

/** An intent that asks something: neither `fallback` nor a courtesy. */
export const asksSomething = (intent: string) => intent !== FALLBACK && !COURTESIES.has(intent);

const isQuestion = (understood: Understood) => asksSomething(understood.intent);

/**
 * How sure the question after a courtesy must be to be answered instead of it: a fragment of a word
 * or two («спасибо, всё работает», "many thanks") only when it is plainly a question; a message
 * that says more («Здравствуйте, подскажите как записаться в МФЦ») as surely as any message.
 */
const SURE = 0.9;
const SAYS_MORE_WORDS = 3;

/** Where a message breaks into sentences (not at the dot of an address or a number): the question is often one of them. */
const CLAUSE_END = /[.!?;]+(?=\s|$)|\n/;

/**
 * A message of several sentences the whole of which is not understood («где моё заявление на
 * паспорт? уже месяц жду»: the complaint about the wait drowns the question) is read sentence by
 * sentence, each as a message is (its courtesies taken off): a question understood answers — the
 * one the whole message leaned to (`hint`, its best guess) when a sentence says it, else the surest
 * («Как это сделать?» after the complaint it asks about is not the question); a courtesy only when
 * the message holds nothing else; else undefined.
 */
function bestClause(
  text: string,
  hint: string,
  understand: (normalized: string, raw: string) => Understood,
): Understood | undefined {
  const clauses = text.split(CLAUSE_END).filter((clause) => normalizeText(clause).length > 0);
  if (clauses.length < 2) return undefined;
  const understood = clauses.map((clause) => understand(normalizeText(clause), clause));
  const surest = (of: Understood[]) =>
    of.reduce<Understood | undefined>(
      (a, b) => (a === undefined || b.confidence > a.confidence ? b : a),
      undefined,
    );
  const questions = understood.filter(isQuestion);
  return (
    surest(questions.filter((clause) => clause.intent === hint)) ??
    surest(questions) ??
    (understood.every((clause) => COURTESIES.has(clause.intent)) ? surest(understood) : undefined)
  );
}

/**
 * What turns a thank-you into a new question: a contrast first («спасибо, но код так и не пришёл»,
 * "thanks, but where is my application"). Without one, what comes with the thanks says why
 * («спасибо, код пришёл»: solved), and the thanks stand.
 */
const CONTRAST = /^(но|а|однако|только|правда|but|however|though|still|yet)(?=\s|$)/;

/**
 * The message with a courtesy it starts or ends with taken off («добрый день подскажите как
 * записаться в мфц» → «как записаться в мфц»), the longest that fits; undefined when there is none,
 * when the message is itself a courtesy («i need help»), or when a thank-you comes with no contrast
 * and no question (`CONTRAST`).
 */
function courtesyRemover(kb: KnowledgeBase): (normalized: string, raw: string) => string | undefined {
  const phrases = kb.intents
    .filter((entry) => COURTESIES.has(entry.intent))
    .flatMap((entry) =>
      [...entry.examples.ru, ...entry.examples.en].map((text) => ({
        text: normalizeText(text),
        intent: entry.intent,
      })),
    )
    .filter((phrase) => phrase.text.length > 0)
    .sort((a, b) => b.text.length - a.text.length);
  const whole = new Set(phrases.map((phrase) => phrase.text));
  return (normalized, raw) => {
    if (whole.has(normalized)) return undefined;
    for (const { text, intent } of phrases) {
      const rest = normalized.startsWith(`${text} `)
        ? normalized.slice(text.length + 1)
        : normalized.endsWith(` ${text}`)
          ? normalized.slice(0, -text.length - 1)
          : undefined;
      if (rest === undefined) continue;
      return intent !== 'thanks' || CONTRAST.test(rest) || raw.includes('?') ? rest : undefined;
    }
    return undefined;
  };
}

export function createClassifier(kb: KnowledgeBase): Classifier {
  const compiled = kb.compiled?.fingerprint === fingerprintOf(kb) ? kb.compiled : compileBot(kb);
  const vocabulary = createVocabulary(compiled.vocabulary);
  const model = createIntentModel(compiled.model);
  const withoutCourtesy = courtesyRemover(kb);

  const classifyTokens = (tokens: Token[]): Understood => {
    const ranked = model.rank(tokens);
    const bestGuess = ranked[0]?.intent ?? FALLBACK;
    const confidence = confidenceOf(ranked);
    return { intent: confidence >= CONFIDENCE_THRESHOLD ? bestGuess : FALLBACK, bestGuess, confidence };
  };
  const classifyNormalized = (normalized: string) => classifyTokens(analyze(normalized, vocabulary));

  /**
   * A message, or a sentence of one: as a whole, or, when it reads as a courtesy, the question the
   * courtesy comes with («Здравствуйте, …», «…, спасибо»; both ends). A question of three content
   * words or more answers as surely as any message; a word or two only at `SURE`; a longer rest
   * not understood is not understood (a problem told after a greeting is no greeting).
   */
  const understand = (normalized: string, raw: string): Understood => {
    const whole = classifyNormalized(normalized);
    if (!COURTESIES.has(whole.intent)) return whole;
    const once = withoutCourtesy(normalized, raw);
    if (once === undefined) return whole;
    const rest = withoutCourtesy(once, raw) ?? once;
    // Read once: the same tokens rank the rest and count its content words.
    const tokens = analyze(rest, vocabulary);
    const question = classifyTokens(tokens);
    const saysMore = tokens.filter((token) => !token.stop).length >= SAYS_MORE_WORDS;
    if (isQuestion(question) && question.confidence >= (saysMore ? CONFIDENCE_THRESHOLD : SURE))
      return question;
    return saysMore ? { ...question, intent: FALLBACK } : whole;
  };

  return {
    vocabulary,
    model,
    classifyNormalized,
    classify(text, sessionLang) {
      const read = readMessage(text, vocabulary, sessionLang);
      const first = understand(read.normalized, text);
      // Typed in the other layout, «.» and «,» are letters: such a text is never cut into sentences.
      const understood =
        first.intent === FALLBACK && !read.layoutFixed
          ? (bestClause(text, first.bestGuess, understand) ?? first)
          : first;
      return { ...understood, lang: read.lang, layoutFixed: read.layoutFixed, normalized: read.normalized };
    },
  };
}
