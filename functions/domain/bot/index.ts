/**
 * The support bot: understands a citizen's message against the knowledge base and decides what to
 * say — an answer, an honest "I don't know" with an operator on offer, or a handover to a person.
 * Pure domain: no AWS, no file system, no network; the knowledge base is passed in (see
 * functions/adapters/knowledge-base.ts). Deterministic: the same input gives the same reply.
 *
 * Primary course of `reply`:
 *   1. read the message: keyboard layout, language, normalisation, stems, typo correction;
 *   2. rank the intents over the example phrasings and calibrate a confidence;
 *   3. decide (decisions.ts): answer, fall back, or escalate — and why;
 *   4. compose the text in the citizen's language, with up to 3 suggestions.
 */
import { asksSomething, createClassifier } from './classifier.ts';
import {
  type BotContext,
  decide,
  didNotHelpPhrase,
  type EscalationReason,
  FALLBACK,
  OPERATOR,
} from './decisions.ts';
import type { IntentEntry, KnowledgeBase } from './knowledge-base-schema.ts';
import type { Lang } from './language.ts';
import { createSuggester } from './suggest.ts';

export type { BotContext, EscalationReason } from './decisions.ts';
export {
  answerIntake,
  INTAKE_FIELDS,
  type Intake,
  type IntakeField,
  type IntakeState,
  nextIntakeQuestion,
  startIntake,
} from './intake.ts';
export type { Dialogue, EscalationCategory, IntentEntry, KnowledgeBase } from './knowledge-base-schema.ts';
export { knowledgeBaseSchema } from './knowledge-base-schema.ts';
export type { Lang } from './language.ts';

export interface Suggestion {
  intent: string;
  title: string;
}

export interface BotReply {
  intent: string;
  confidence: number;
  text: string;
  suggestions: Suggestion[];
  escalate: boolean;
  /** Escalation category (queue) of the intent. */
  category: string;
  /** The answer needs the citizen to identify first (they are a guest). */
  needsIdentification: boolean;
  /** Language of `text`: the language the citizen wrote in, else the session's. */
  lang: Lang;
  /** Why the bot hands over, when `escalate` is true. */
  escalationReason?: EscalationReason;
  /** The message was typed in the wrong keyboard layout and read through the other one. */
  layoutFixed?: boolean;
  /** When escalating about a known problem: its title, the `service` to pre-fill the intake with. */
  intakeService?: string;
}

export interface Bot {
  reply(input: { text: string; lang: Lang; context?: BotContext }): BotReply;
  /** Up to 3 intents for a prefix the citizen is typing. */
  suggest(prefix: string, lang: Lang): Suggestion[];
  /**
   * What the bot says when the citizen asks for a person with the `operator.request` action.
   * `about`: the conversation's last recognised intent; when it names a problem (not a greeting,
   * thanks, a fallback or the handover itself), the escalation goes to that problem's category, as
   * when the bot hands over on its own.
   */
  handOver(lang: Lang, about?: string): BotReply;
}

/** Intents that name no service or problem, so they cannot pre-fill the intake's `service`. */
const NO_SERVICE = new Set([FALLBACK, OPERATOR, 'greeting', 'thanks']);

/** Confidence needed for the words around "не помогло" to count as a different, new question. */
const NEW_QUESTION_CONFIDENCE = 0.9;

export function createBot(kb: KnowledgeBase): Bot {
  const classifier = createClassifier(kb);
  const entries = new Map(kb.intents.map((entry) => [entry.intent, entry]));
  const entryOf = (intent: string): IntentEntry => {
    const entry = entries.get(intent) ?? entries.get(FALLBACK);
    if (!entry) throw new Error('the knowledge base has no fallback entry');
    return entry;
  };
  const suggestionsOf = (entry: IntentEntry, lang: Lang): Suggestion[] =>
    entry.suggestions.slice(0, 3).map((intent) => ({ intent, title: entryOf(intent).title[lang] }));
  const suggester = createSuggester(kb, classifier);

  return {
    reply({ text, lang: sessionLang, context = {} }) {
      const understood = classifier.classify(text, sessionLang);
      const lang = understood.lang;
      const phrase = didNotHelpPhrase(understood.normalized);
      // "не помогло, код так и не пришел": what is left after the complaint says which problem.
      const rest = phrase
        ? classifier.classifyNormalized(understood.normalized.replace(phrase, ' ').trim())
        : understood;
      // In a first message «переустанавливал — не помогло» tells what was tried: no answer of ours
      // failed, the problem (when it is understood) is what is answered.
      const problem = rest.intent === FALLBACK ? understood : rest;
      const triedAlready =
        phrase !== undefined && context.lastBotIntent === undefined && asksSomething(problem.intent);
      // After "не помогло" only a clearly different question counts as new; else the old problem is back.
      const restIntent =
        phrase && !triedAlready && rest.confidence < NEW_QUESTION_CONFIDENCE ? FALLBACK : problem.intent;
      const decision = decide(
        { intent: restIntent, saysItDidNotHelp: phrase !== undefined && !triedAlready },
        context,
        (intent) => entryOf(intent).operatorOnly,
        (intent) => entryOf(intent).needsIdentification,
      );
      const entry = entryOf(decision.intent);
      const guest = entry.needsIdentification && context.verified !== true;
      const base = guest && entry.guestAnswer ? entry.guestAnswer[lang] : entry.answer[lang];
      const answer = composeText(base, decision.reason, kb, lang);
      return {
        intent: decision.intent,
        confidence: decision.reason === 'repeat_problem' ? 1 : round(understood.confidence),
        text: answer,
        suggestions: decision.escalate ? [] : suggestionsOf(entry, lang),
        escalate: decision.escalate,
        category: entry.category,
        needsIdentification: guest,
        lang,
        ...(decision.reason ? { escalationReason: decision.reason } : {}),
        ...(understood.layoutFixed ? { layoutFixed: true } : {}),
        ...(decision.escalate && !NO_SERVICE.has(decision.intent)
          ? { intakeService: entry.title[lang] }
          : {}),
      };
    },
    suggest: (prefix, lang) => suggester.suggest(prefix, lang),
    handOver(lang, about) {
      const entry = entryOf(OPERATOR);
      const topic = about !== undefined && !NO_SERVICE.has(about) ? entries.get(about) : undefined;
      return {
        intent: OPERATOR,
        confidence: 1,
        text: composeText(entry.answer[lang], 'asked_for_person', kb, lang),
        suggestions: [],
        escalate: true,
        category: (topic ?? entry).category,
        needsIdentification: false,
        lang,
        escalationReason: 'asked_for_person',
      };
    },
  };
}

function composeText(
  answer: string,
  reason: EscalationReason | undefined,
  kb: KnowledgeBase,
  lang: Lang,
): string {
  switch (reason) {
    case undefined:
      return answer;
    case 'repeat_problem':
      return `${kb.dialogue.repeatProblem[lang]}\n\n${kb.dialogue.handover[lang]}`;
    case 'repeated_fallback':
      return `${kb.dialogue.repeatedFallback[lang]}\n\n${kb.dialogue.handover[lang]}`;
    default:
      return `${answer}\n\n${kb.dialogue.handover[lang]}`;
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export { FALLBACK, OPERATOR };
