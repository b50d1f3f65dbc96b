/**
 * Routes `mfc.offices`, `mfc.slots`, `mfc.book`, `mfc.cancel`, `mfc.reschedule`, `mfc.visits`
 * (docs/protocol.md, "MFC offices and visits"): one function for the six, each frame to its use
 * case (functions/domain/use-cases/mfc-visits.ts). Who may send which is the authorization policy's:
 * offices and slots for anyone on the citizens' side, the rest for a verified citizen. A visit booked,
 * moved or cancelled is confirmed by the bot in the session's conversation
 * (functions/domain/use-cases/confirm-visit-in-chat.ts) before the answer goes.
 */

import { ApiGatewayConnectionNotifier } from '#adapters/connection-notifier.ts';
import { DynamoConnectionRepository } from '#adapters/dynamodb/connection-repository.ts';
import { DynamoConversationLog } from '#adapters/dynamodb/conversation-log.ts';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { DynamoSessionRepository } from '#adapters/dynamodb/session-repository.ts';
import { DynamoSessionTargetReader } from '#adapters/dynamodb/session-target-reader.ts';
import { DynamoVisitRepository } from '#adapters/dynamodb/visit-repository.ts';
import { sharedFrameLimits } from '#adapters/frame-limits.ts';
import { loadMfcDirectory } from '#adapters/mfc-directory.ts';
import { HmacPagingCursors } from '#adapters/paging-cursors.ts';
import { cursorKey } from '#adapters/secret-keys.ts';
import { randomIds, systemClock, timerSleeper } from '#adapters/system.ts';
import { ChatError } from '#domain/errors.ts';
import { checklistPath } from '#domain/mfc/checklist-path.ts';
import type { VisitChange } from '#domain/mfc/visit-confirmation.ts';
import type { Visit } from '#domain/mfc/visits.ts';
import { confirmVisitInChat } from '#domain/use-cases/confirm-visit-in-chat.ts';
import {
  bookVisit,
  cancelVisit,
  listFreeSlots,
  listOffices,
  listVisits,
  rescheduleVisit,
  visitView,
} from '#domain/use-cases/mfc-visits.ts';
import type { Caller } from '#events/authorizer-context.ts';
import { type MfcAnswerFrame, type MfcFrame, mfcFrameSchema } from '#events/mfc-frames.ts';
import { config } from '#shared/config.ts';
import { routeHandler } from '#shared/websocket/route-handler.ts';

const directory = loadMfcDirectory(config.mfcDirectoryDir);
const sessions = new DynamoSessionRepository(config.sessionsTable);
const deps = {
  directory,
  visits: new DynamoVisitRepository(config.visitsTable, config.visitRetentionDays),
  clock: systemClock,
  reminderLeadMs: config.visitReminderLeadSeconds * 1000,
};
// `mfc.visits` pages with sealed cursors (docs/protocol.md "Paging").
const cursors = new HmacPagingCursors(cursorKey(config), systemClock);
const tables = {
  sessionsTable: config.sessionsTable,
  conversationsTable: config.conversationsTable,
  messagesTable: config.messagesTable,
  idempotencyTable: config.idempotencyTable,
  compressBodies: config.compressMessageBodies,
};
const pages = config.checklistPagesUrl;
const confirmDeps = {
  directory,
  sessions,
  targets: new DynamoSessionTargetReader(tables),
  conversations: new DynamoConversationRepository(config.conversationsTable),
  log: new DynamoConversationLog(tables),
  connections: new DynamoConnectionRepository(config.connectionsTable),
  notifier: new ApiGatewayConnectionNotifier({
    endpoint: config.wsConnectionsEndpoint,
    timeoutMs: config.postTimeoutMs,
  }),
  clock: systemClock,
  ids: randomIds,
  sleeper: timerSleeper,
  retentionDays: config.messageRetentionDays,
  // The link in the chat: absolute where the web pages' origin is known, else the path on it.
  checklistUrl: (serviceId: string, lang: Caller['lang']) =>
    pages ? new URL(checklistPath(serviceId, lang), pages).href : `/${checklistPath(serviceId, lang)}`,
};

/** The visit as answered, once the bot has confirmed its change in the chat (once per change). */
async function confirmed(caller: Caller, visit: Visit, change: VisitChange): Promise<MfcAnswerFrame> {
  // A repeated booking or move may find its visit cancelled since: that change was confirmed then.
  if (change === 'cancelled' || visit.status === 'booked')
    await confirmVisitInChat(confirmDeps, caller, visit, change);
  return { type: 'mfc.visit', visit: visitView(directory, visit, caller.lang) };
}

/** The verified citizen's id; the policy admits only them to the actions that need one. */
function citizenOf(caller: Caller): string {
  if (caller.role !== 'citizen' || !caller.citizenId) throw new ChatError('UNAUTHORIZED');
  return caller.citizenId;
}

async function answer(caller: Caller, frame: MfcFrame): Promise<MfcAnswerFrame> {
  const { lang } = caller;
  switch (frame.action) {
    case 'mfc.offices':
      return {
        type: 'mfc.offices',
        offices: listOffices(
          directory,
          { city: frame.city, serviceId: frame.serviceId },
          lang,
          systemClock.now(),
        ),
      };
    case 'mfc.slots': {
      const { timeZone, slots } = await listFreeSlots(deps, frame);
      return {
        type: 'mfc.slots',
        officeId: frame.officeId,
        serviceId: frame.serviceId,
        date: frame.date,
        timeZone,
        slots,
      };
    }
    case 'mfc.book': {
      const { action: _a, requestId, ...slot } = frame;
      return confirmed(caller, await bookVisit(deps, citizenOf(caller), slot, lang, requestId), 'booked');
    }
    case 'mfc.cancel':
      return confirmed(
        caller,
        await cancelVisit(deps, citizenOf(caller), frame.number, frame.requestId),
        'cancelled',
      );
    case 'mfc.reschedule':
      return confirmed(
        caller,
        await rescheduleVisit(deps, citizenOf(caller), frame.number, frame, frame.requestId),
        'moved',
      );
    case 'mfc.visits': {
      const page = await listVisits(
        { ...deps, cursors },
        { ...caller, citizenId: citizenOf(caller) },
        { limit: frame.limit, ...(frame.cursor === undefined ? {} : { cursor: frame.cursor }) },
      );
      return { type: 'mfc.visits', ...page };
    }
  }
}

export const handler = routeHandler(mfcFrameSchema, ({ caller, frame }) => answer(caller, frame), {
  // A guest verified on this connection is resolved to the citizen from its session.
  sessions,
  limits: sharedFrameLimits(),
});
