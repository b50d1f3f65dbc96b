/**
 * Route `transcript.get` (extension): a verified citizen's own conversations and tickets as one
 * HTML transcript, answered as a presigned GET (`transcript.download`, ≤ 5 minutes). A guest is
 * UNAUTHORIZED, staff FORBIDDEN (the authorization policy).
 */
import { DynamoAuditSource } from '#adapters/dynamodb/audit-source.ts';
import { DynamoCitizenSessionLookup } from '#adapters/dynamodb/citizen-session-lookup.ts';
import { DynamoSessionRepository } from '#adapters/dynamodb/session-repository.ts';
import { DynamoTicketRepository } from '#adapters/dynamodb/ticket-repository.ts';
import { sharedFrameLimits } from '#adapters/frame-limits.ts';
import { operatorPresence } from '#adapters/operator-presence.ts';
import { staffConfirmation } from '#adapters/staff-confirmation.ts';
import { randomIds, systemClock } from '#adapters/system.ts';
import { S3TranscriptStore } from '#adapters/transcript-bucket.ts';
import { downloadTranscript } from '#domain/use-cases/download-transcript.ts';
import { transcriptGetFrameSchema } from '#events/transcripts.ts';
import { config } from '#shared/config.ts';
import { routeHandler } from '#shared/websocket/route-handler.ts';

const sessions = new DynamoSessionRepository(config.sessionsTable);
const deps = {
  source: new DynamoAuditSource({
    conversationsTable: config.conversationsTable,
    messagesTable: config.messagesTable,
    ticketsTable: config.ticketsTable,
    attachmentsTable: config.attachmentsTable,
  }),
  tickets: new DynamoTicketRepository({ ticketsTable: config.ticketsTable }),
  sessions,
  citizenSessions: new DynamoCitizenSessionLookup(config.sessionsTable),
  // Path-style against the emulator, which the local upload endpoint's presence says this is.
  store: new S3TranscriptStore(config.attachmentsBucket, config.attachmentUploadEndpoint !== undefined),
  clock: systemClock,
  ids: randomIds,
  downloadExpirySeconds: config.attachmentDownloadSeconds,
};

export const handler = routeHandler(
  transcriptGetFrameSchema,
  async ({ caller }) => downloadTranscript(deps, caller),
  // A guest verified on this connection is resolved to the citizen from its session.
  { sessions, presence: operatorPresence(), staff: staffConfirmation(), limits: sharedFrameLimits() },
);
