/**
 * Use case: while the citizen types, offer up to 3 questions the unfinished text points to, so one
 * tap asks it. Stateless: nothing is read or stored, and the prefix (personal data as much as any
 * message) is never logged. Runs on every debounced keystroke, so it stays pure CPU work on the
 * bot's in-memory model.
 *
 * Primary course:
 *  1. Trim the prefix; nothing left → an empty list (an empty field says nothing yet).
 *  2. Over 200 characters → PAYLOAD_TOO_LARGE, as an over-long `message.send` text: the frame is
 *     well-formed, the text is too big for what it is for.
 *  3. Answer `suggestions` with the bot's up to 3 intents, titled in the language being typed
 *     (the session's when the prefix has no letters).
 */
import type { Lang } from '#events/lang.ts';
import type { SuggestionsFrame } from '#events/server-frames.ts';
import type { Bot } from '../bot/index.ts';
import { exceedsCharacters } from '../characters.ts';
import { ChatError } from '../errors.ts';

/** A prefix worth suggesting for is a question being typed, not a pasted document. */
export const MAX_SUGGEST_PREFIX_LENGTH = 200;

export interface SuggestIntentsDeps {
  bot: Pick<Bot, 'suggest'>;
}

export interface SuggestIntentsInput {
  prefix: string;
  /** The session language. */
  lang: Lang;
}

export function suggestIntents(deps: SuggestIntentsDeps, input: SuggestIntentsInput): SuggestionsFrame {
  const prefix = input.prefix.trim();
  if (prefix.length === 0) return { type: 'suggestions', items: [] };
  if (exceedsCharacters(prefix, MAX_SUGGEST_PREFIX_LENGTH)) {
    throw new ChatError('PAYLOAD_TOO_LARGE', {
      details: [{ field: 'text', problem: `longer than ${MAX_SUGGEST_PREFIX_LENGTH} characters` }],
    });
  }
  return { type: 'suggestions', items: deps.bot.suggest(prefix, input.lang) };
}
