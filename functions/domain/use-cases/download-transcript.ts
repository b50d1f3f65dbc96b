/**
 * Use case: a verified citizen downloads their own conversations and tickets (`transcript.get`,
 * 152-FZ: the right to see what is kept about them).
 *
 * Primary course:
 *  1. The caller is a verified citizen (the authorization policy: a guest is UNAUTHORIZED, staff
 *     FORBIDDEN). Their sessions: this one and every session they verified in (on any device).
 *     Their tickets: by citizen id, and those opened in any of these sessions (also before they
 *     identified there), as `ticket.list` has them. Their conversations: those the tickets name and
 *     each session's open one (a conversation only the bot has answered has no ticket: it is found
 *     through its session), keeping only conversations of the citizen or of one of these sessions —
 *     what an erasure of the citizen would remove (functions/domain/erasure.ts).
 *  2. Build each conversation's record (messages with their attachments, ticket transitions) and
 *     each ticket without a conversation; render the transcript in the caller's language without
 *     what only staff see (internal notes, transfers, staff ids).
 *  3. Store it for a day under `transcripts/{citizenId}/` and answer a presigned GET of it, valid
 *     at most 5 minutes. Nothing is journaled: it is the citizen's own read.
 */
import type { Caller } from '#events/authorizer-context.ts';
import type { TranscriptDownloadFrame } from '#events/transcripts.ts';
import { AUDIT_FORMAT, type AuditDocument } from '../audit/document.ts';
import { conversationRecord, inOrder, ticketRecord, ticketTransitions } from '../audit/record.ts';
import { renderTranscript } from '../audit/transcript-html.ts';
import type { Conversation } from '../conversations.ts';
import { ChatError } from '../errors.ts';
import type { AuditSource } from '../ports/audit.ts';
import type { CitizenSessionLookup, SessionRepository } from '../ports/sessions.ts';
import type { Clock, IdGenerator } from '../ports/system.ts';
import type { TicketPage, TicketPageQuery, TicketPosition, TicketRepository } from '../ports/tickets.ts';
import { isVisibleTo, type Ticket } from '../tickets.ts';

/** The longest a download link lives (the same as an attachment's). */
export const MAX_TRANSCRIPT_LINK_SECONDS = 5 * 60;
/** Tickets read per index page. */
const TICKET_PAGE = 100;

/** Where a citizen's transcript is kept for a day and handed out by a short-lived link. */
export interface TranscriptStore {
  /** Stores the page under `transcripts/{citizenId}/{transcriptId}.html`; answers its key. */
  save(citizenId: string, transcriptId: string, html: string): Promise<string>;
  presignDownload(key: string, fileName: string, expiresInSeconds: number): Promise<string>;
}

export interface DownloadTranscriptDeps {
  source: Pick<AuditSource, 'conversation' | 'messages' | 'ticketsOf' | 'attachments'>;
  tickets: Pick<TicketRepository, 'pageByCitizen' | 'pageBySession'>;
  sessions: Pick<SessionRepository, 'get'>;
  citizenSessions: CitizenSessionLookup;
  store: TranscriptStore;
  clock: Clock;
  ids: IdGenerator;
  downloadExpirySeconds: number;
}

export async function downloadTranscript(
  deps: DownloadTranscriptDeps,
  caller: Caller,
): Promise<Omit<TranscriptDownloadFrame, 'requestId'>> {
  const citizenId = caller.citizenId;
  if (caller.role !== 'citizen' || citizenId === undefined) throw new ChatError('UNAUTHORIZED');
  const sessionIds = new Set([caller.sessionId, ...(await deps.citizenSessions.sessionIdsOf(citizenId))]);
  const tickets = await ticketsOfCitizen(deps, caller, sessionIds);
  const sessions = await Promise.all([...sessionIds].map((id) => deps.sessions.get(id)));
  const conversationIds = new Set([
    ...tickets.flatMap((t) => (t.conversationId ? [t.conversationId] : [])),
    ...sessions.flatMap((session) => (session?.openConversationId ? [session.openConversationId] : [])),
  ]);
  const isTheirs = (conversation: Conversation) =>
    conversation.citizenId === citizenId || sessionIds.has(conversation.sessionId);
  const conversations: Conversation[] = [];
  for (const id of conversationIds) {
    const conversation = await deps.source.conversation(id);
    if (conversation !== undefined && isTheirs(conversation)) conversations.push(conversation);
  }
  conversations.sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));

  const records = [];
  for (const conversation of conversations) {
    const [messages, ofConversation] = await Promise.all([
      deps.source.messages(conversation.conversationId),
      deps.source.ticketsOf(conversation),
    ]);
    const mine = ofConversation.filter((t) => isVisibleTo(t, caller, sessionIds));
    const attachments = await deps.source.attachments([
      ...new Set(messages.flatMap((m) => m.attachments ?? [])),
    ]);
    records.push(
      conversationRecord({ conversation, messages, notes: [], tickets: mine, attachments, assignments: [] }),
    );
  }
  const covered = new Set(conversations.map((c) => c.conversationId));
  const lone = tickets.filter((t) => !t.conversationId || !covered.has(t.conversationId));

  const now = deps.clock.now();
  const transcriptId = deps.ids.newId();
  const document: AuditDocument = {
    format: AUDIT_FORMAT,
    exportId: transcriptId,
    generatedAt: now.toISOString(),
    requestedBy: 'citizen',
    reason: 'own data',
    scope: { kind: 'citizen' },
    content: 'conversations',
    conversations: records,
    tickets: lone.map((ticket) => ({
      ...ticketRecord(ticket),
      timeline: inOrder(ticketTransitions(ticket)),
    })),
  };
  const html = renderTranscript(document, { lang: caller.lang, staffView: false });
  const key = await deps.store.save(citizenId, transcriptId, html);
  const fileName = `transcript-${now.toISOString().slice(0, 10)}.html`;
  const expiresIn = Math.min(deps.downloadExpirySeconds, MAX_TRANSCRIPT_LINK_SECONDS);
  return {
    type: 'transcript.download',
    url: await deps.store.presignDownload(key, fileName, expiresIn),
    expiresIn,
    fileName,
    conversations: records.length,
    tickets: tickets.length,
  };
}

/** The citizen's tickets: by citizen id and by each of their sessions, each once, oldest first. */
async function ticketsOfCitizen(
  deps: Pick<DownloadTranscriptDeps, 'tickets'>,
  caller: Caller,
  sessionIds: ReadonlySet<string>,
): Promise<Ticket[]> {
  const citizenId = caller.citizenId ?? '';
  const lists = await Promise.all([
    allPages((query) => deps.tickets.pageByCitizen(citizenId, query)),
    ...[...sessionIds].map((sessionId) => allPages((query) => deps.tickets.pageBySession(sessionId, query))),
  ]);
  const found = new Map<string, Ticket>();
  // The indexes are eventually consistent: every ticket is checked again against the caller.
  for (const ticket of lists.flat())
    if (isVisibleTo(ticket, caller, sessionIds)) found.set(ticket.ticketId, ticket);
  return [...found.values()].sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
}

/** Every page of one index, newest first. */
async function allPages(read: (query: TicketPageQuery) => Promise<TicketPage>): Promise<Ticket[]> {
  const found: Ticket[] = [];
  let before: TicketPosition | undefined;
  for (let exhausted = false; !exhausted; ) {
    const page = await read({ limit: TICKET_PAGE, ...(before ? { before } : {}) });
    found.push(...page.tickets);
    const last = page.tickets.at(-1);
    before = last ? { createdAt: last.createdAt, ticketId: last.ticketId } : undefined;
    exhausted = page.exhausted || last === undefined;
  }
  return found;
}
