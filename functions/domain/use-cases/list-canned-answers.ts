/**
 * Use case: an operator looks for a canned answer (`canned.list`).
 *
 * Primary course:
 *  1. Search the canned answers (loaded and indexed once per instance) for the query, in the
 *     language asked for (the conversation's: the text goes to its citizen), else the operator's
 *     connection language; without a query, list them all.
 *  2. Answer `canned` with up to 20 items {id, title, text}, the operator's name put into the text.
 */
import type { Caller } from '#events/authorizer-context.ts';
import type { CannedFrame } from '#events/desk-frames.ts';
import type { Lang } from '#events/lang.ts';
import { type CannedIndex, searchCannedAnswers } from '../canned-answers.ts';
import { displayNameOf } from '../ownership.ts';

export function listCannedAnswers(
  index: CannedIndex,
  input: { caller: Caller; query?: string; lang?: Lang },
): CannedFrame {
  return {
    type: 'canned',
    items: searchCannedAnswers(index, {
      lang: input.lang ?? input.caller.lang,
      operatorName: displayNameOf(input.caller),
      ...(input.query === undefined ? {} : { query: input.query }),
    }),
  };
}
