/**
 * Routes `mfc.offices`, `mfc.slots`, `mfc.book`, `mfc.cancel`, `mfc.reschedule`, `mfc.visits`
 * (docs/protocol.md, "MFC offices and visits"): one function for the six, each frame to its use
 * case (functions/domain/use-cases/mfc-visits.ts). Who may send which is the authorization policy's:
 * offices and slots for anyone on the citizens' side, the rest for a verified citizen.
 */

import { DynamoSessionRepository } from '#adapters/dynamodb/session-repository.ts';
import { DynamoVisitRepository } from '#adapters/dynamodb/visit-repository.ts';
import { sharedFrameLimits } from '#adapters/frame-limits.ts';
import { loadMfcDirectory } from '#adapters/mfc-directory.ts';
import { systemClock } from '#adapters/system.ts';
import { ChatError } from '#domain/errors.ts';
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
const deps = {
  directory,
  visits: new DynamoVisitRepository(config.visitsTable),
  clock: systemClock,
  reminderLeadMs: config.visitReminderLeadSeconds * 1000,
};

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
        offices: listOffices(directory, { city: frame.city, serviceId: frame.serviceId }, lang),
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
      const { action: _a, requestId: _r, ...slot } = frame;
      const visit = await bookVisit(deps, citizenOf(caller), slot, lang);
      return { type: 'mfc.visit', visit: visitView(directory, visit, lang) };
    }
    case 'mfc.cancel': {
      const visit = await cancelVisit(deps, citizenOf(caller), frame.number);
      return { type: 'mfc.visit', visit: visitView(directory, visit, lang) };
    }
    case 'mfc.reschedule': {
      const visit = await rescheduleVisit(deps, citizenOf(caller), frame.number, frame);
      return { type: 'mfc.visit', visit: visitView(directory, visit, lang) };
    }
    case 'mfc.visits': {
      const visits = await listVisits(deps, citizenOf(caller));
      return { type: 'mfc.visits', visits: visits.map((visit) => visitView(directory, visit, lang)) };
    }
  }
}

export const handler = routeHandler(mfcFrameSchema, ({ caller, frame }) => answer(caller, frame), {
  // A guest verified on this connection is resolved to the citizen from its session.
  sessions: new DynamoSessionRepository(config.sessionsTable),
  limits: sharedFrameLimits(),
});
