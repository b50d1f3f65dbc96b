/**
 * Route `canned.list`: canned answers for the query in the conversation's language (`lang`), else the
 * operator's. The answers ship in
 * the knowledge-base layer (`canned/`) and are indexed once per instance; no table, no queue.
 */

import { loadCannedAnswers } from '#adapters/canned-answers.ts';
import { sharedFrameLimits } from '#adapters/frame-limits.ts';
import { operatorPresence } from '#adapters/operator-presence.ts';
import { staffConfirmation } from '#adapters/staff-confirmation.ts';
import { indexCannedAnswers } from '#domain/canned-answers.ts';
import { listCannedAnswers } from '#domain/use-cases/list-canned-answers.ts';
import { cannedListFrameSchema } from '#events/desk-frames.ts';
import { config } from '#shared/config.ts';
import { routeHandler } from '#shared/websocket/route-handler.ts';

const index = indexCannedAnswers(loadCannedAnswers(config.cannedAnswersDir));

export const handler = routeHandler(
  cannedListFrameSchema,
  async ({ frame, caller }) =>
    listCannedAnswers(index, {
      caller,
      ...(frame.query === undefined ? {} : { query: frame.query }),
      ...(frame.lang === undefined ? {} : { lang: frame.lang }),
    }),
  { presence: operatorPresence(), staff: staffConfirmation(), limits: sharedFrameLimits() },
);
