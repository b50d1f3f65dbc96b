/**
 * The bot's decisions, as pure functions of what it understood and of the conversation so far:
 * answer, fall back honestly, or hand over to a person (and why).
 */

export interface BotContext {
  /** Intent of the bot's previous answer in this conversation. */
  lastBotIntent?: string;
  /** How many `fallback` answers in a row came just before this message. */
  consecutiveFallbacks?: number;
  /** The citizen has identified in this session (docs/protocol.md auth.verifyCode). */
  verified?: boolean;
}

export type EscalationReason = 'asked_for_person' | 'operator_only' | 'repeat_problem' | 'repeated_fallback';

export interface Decision {
  intent: string;
  escalate: boolean;
  reason?: EscalationReason;
}

export const FALLBACK = 'fallback';
export const OPERATOR = 'support.operator';

/** Answers after which "it did not help" means nothing: there was no solution to fail. */
const NOT_A_SOLUTION = new Set([FALLBACK, 'greeting', 'thanks', OPERATOR]);

/**
 * Phrases by which a citizen says the answer did not solve the problem, on normalised text
 * (lower case, ё→е, no punctuation, so "doesn't" reads "doesn t").
 */
const DID_NOT_HELP = new RegExp(
  [
    'не помог\\p{L}*',
    'не помогает',
    'не сработал\\p{L}*',
    'это не то',
    'не то что',
    'не тот ответ',
    'не о том',
    'не подходит',
    'бесполез\\p{L}*',
    'вс[её] равно не',
    'по прежнему не',
    'опять не',
    'снова не',
    'ничего не изменилось',
    'вы не поняли',
    'не поняли меня',
    'doesn t help',
    'didn t help',
    'does not help',
    'did not help',
    'not helpful',
    'no help',
    'didn t work',
    'did not work',
    'that s not it',
    'not what i',
    'still not',
    'still doesn t',
    'still don t',
    'still can t',
    'still cannot',
    'useless',
    'you didn t understand',
  ]
    .map((phrase) => `(?:^| )${phrase}(?= |$)`)
    .join('|'),
  'u',
);

/** The "did not help" phrase found in a normalised text, if any. */
export function didNotHelpPhrase(normalized: string): string | undefined {
  return DID_NOT_HELP.exec(normalized)?.[0]?.trim();
}

export interface Understanding {
  /** Best intent of the classifier, already `fallback` when it was not confident. */
  intent: string;
  /** The citizen said the previous answer did not help. */
  saysItDidNotHelp: boolean;
}

export function decide(
  understood: Understanding,
  context: BotContext,
  isOperatorOnly: (intent: string) => boolean,
  /** Intents answered from the citizen's own data (their applications): asking again is a fair question (a guest is invited again). */
  isPersonal: (intent: string) => boolean = () => false,
): Decision {
  const last = context.lastBotIntent;
  const answeredBefore = last !== undefined && !NOT_A_SOLUTION.has(last);
  const isNewQuestion = !NOT_A_SOLUTION.has(understood.intent) && understood.intent !== last;

  if (understood.saysItDidNotHelp && !isNewQuestion) {
    // The problem is back; with no earlier answer to hand over, the citizen still needs a person.
    return answeredBefore
      ? { intent: last, escalate: true, reason: 'repeat_problem' }
      : { intent: OPERATOR, escalate: true, reason: 'asked_for_person' };
  }
  // The status of one's applications asked again is asked anew, not a failed answer: a verified
  // citizen gets their data again (after identifying, or later); a guest, whose answer was the
  // invitation to identify, is invited again (they have not taken it up yet). Saying that it did not
  // help, or asking for a person, still hands over.
  const asksAgainForData = isPersonal(understood.intent);
  if (answeredBefore && understood.intent === last && !asksAgainForData) {
    return { intent: last, escalate: true, reason: 'repeat_problem' };
  }
  if (understood.intent === OPERATOR) return { intent: OPERATOR, escalate: true, reason: 'asked_for_person' };
  if (isOperatorOnly(understood.intent)) {
    return { intent: understood.intent, escalate: true, reason: 'operator_only' };
  }
  if (understood.intent === FALLBACK && (context.consecutiveFallbacks ?? 0) >= 1) {
    return { intent: FALLBACK, escalate: true, reason: 'repeated_fallback' };
  }
  return { intent: understood.intent, escalate: false };
}
