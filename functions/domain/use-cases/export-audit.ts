/**
 * Use case: the platform team exports what the service holds of a ticket, a conversation, a period
 * or the access journal, for a supervisory body (`npm run audit:export`, the AuditExport function).
 *
 * Primary course:
 *  1. Resolve the scope: the ticket by number (and its conversation), the conversation, or every
 *     conversation and ticket created in the period; the journal's entries of the period. Nothing
 *     found for a ticket or a conversation → NOT_FOUND.
 *  2. For each conversation read its messages, notes and transfers, tickets (with their
 *     transitions), the attachments its messages and intakes name, and its assignments; build one
 *     timeline in the order things happened.
 *  3. Render `export.json`, `transcript.html` and the SHA-256 manifest.
 *  4. Record the export in the access journal (who, when, what: the scope, the export id, the
 *     manifest's hash) — first, since the archive keeps what it is given undeletable — then store
 *     the files in the archive and answer where they are and what they hold.
 */
import type { AccessJournal, JournalEntry } from '../access-journal.ts';
import { AUDIT_FORMAT, type AuditCounts, type AuditDocument, countsOf } from '../audit/document.ts';
import { exportFiles, MANIFEST_FILE } from '../audit/files.ts';
import {
  type AuditScope,
  type ConversationRecord,
  conversationRecord,
  describeScope,
  inOrder,
  ticketRecord,
  ticketTransitions,
} from '../audit/record.ts';
import type { Conversation } from '../conversations.ts';
import { ChatError } from '../errors.ts';
import type { AuditArchive, AuditSource } from '../ports/audit.ts';
import type { Clock, IdGenerator } from '../ports/system.ts';
import type { Ticket } from '../tickets.ts';

export interface ExportAuditDeps {
  source: AuditSource;
  archive: AuditArchive;
  journal: AccessJournal;
  clock: Clock;
  ids: IdGenerator;
}

/** What the platform team may export (a citizen's own download is `transcript.get`'s). */
export type ExportScope = Exclude<AuditScope, { kind: 'citizen' }>;

export interface ExportAuditRequest {
  scope: ExportScope;
  requestedBy: string;
  reason: string;
}

export interface ExportAuditResult {
  exportId: string;
  location: string;
  files: { name: string; sha256: string; bytes: number }[];
  counts: AuditCounts;
}

export async function exportAudit(
  deps: ExportAuditDeps,
  request: ExportAuditRequest,
): Promise<ExportAuditResult> {
  const now = deps.clock.now();
  const exportId = `${now.toISOString().replace(/[-:.]/g, '')}-${deps.ids.newId()}`;
  const header = {
    format: AUDIT_FORMAT,
    exportId,
    generatedAt: now.toISOString(),
    requestedBy: request.requestedBy,
    reason: request.reason,
    scope: request.scope,
  } as const;
  const document: AuditDocument =
    request.scope.kind === 'journal'
      ? {
          ...header,
          content: 'journal',
          entries: await deps.journal.between(new Date(request.scope.from), new Date(request.scope.to)),
        }
      : { ...header, content: 'conversations', ...(await recordsOf(deps.source, request.scope)) };

  const files = exportFiles(document);
  const manifest = files.find((f) => f.name === MANIFEST_FILE);
  const entry: JournalEntry = {
    entryId: deps.ids.newId(),
    at: now.toISOString(),
    actor: { kind: 'platform', id: request.requestedBy },
    action: 'audit.export',
    subject: {
      exportId,
      scope: `${describeScope(request.scope)}; ${MANIFEST_FILE} sha256 ${manifest?.sha256 ?? ''}`,
      ...(request.scope.kind === 'conversation' ? { conversationId: request.scope.conversationId } : {}),
      ...(request.scope.kind === 'ticket' ? { ticketNumber: request.scope.number } : {}),
    },
    reason: request.reason,
  };
  // Journaled before it is written: files under Object Lock cannot be deleted by anyone, so an
  // export must never exist without its entry. An entry whose files failed to be written names an
  // export that is not there; the retry writes another, with its own id and entry.
  await deps.journal.record(entry);
  const archived = await deps.archive.store(exportId, files);
  return {
    exportId,
    location: archived.location,
    files: files.map((f) => ({ name: f.name, sha256: f.sha256, bytes: f.body.byteLength })),
    counts: countsOf(document),
  };
}

type ConversationContent = Pick<
  Extract<AuditDocument, { content: 'conversations' }>,
  'conversations' | 'tickets'
>;

/** The conversations and the tickets without one that the scope covers. */
export async function recordsOf(
  source: AuditSource,
  scope: Exclude<AuditScope, { kind: 'journal' } | { kind: 'citizen' }>,
): Promise<ConversationContent> {
  const conversations: Conversation[] = [];
  const loneTickets: Ticket[] = [];
  if (scope.kind === 'ticket') {
    const ticket = await source.ticketByNumber(scope.number);
    if (!ticket) throw new ChatError('NOT_FOUND');
    const conversation = ticket.conversationId ? await source.conversation(ticket.conversationId) : undefined;
    if (conversation) conversations.push(conversation);
    else loneTickets.push(ticket);
  } else if (scope.kind === 'conversation') {
    const conversation = await source.conversation(scope.conversationId);
    if (!conversation) throw new ChatError('NOT_FOUND');
    conversations.push(conversation);
  } else {
    const [from, to] = [new Date(scope.from), new Date(scope.to)];
    const [inPeriod, tickets] = await Promise.all([
      source.conversationsCreatedBetween(from, to),
      source.ticketsCreatedBetween(from, to),
    ]);
    conversations.push(...inPeriod);
    const covered = new Set(inPeriod.map((c) => c.conversationId));
    loneTickets.push(...tickets.filter((t) => !t.conversationId || !covered.has(t.conversationId)));
  }
  const records: ConversationRecord[] = [];
  for (const conversation of [...conversations].sort(byCreation)) {
    records.push(await conversationRecordOf(source, conversation));
  }
  return {
    conversations: records,
    tickets: [...loneTickets].sort(byCreation).map((ticket) => ({
      ...ticketRecord(ticket),
      timeline: inOrder(ticketTransitions(ticket)),
    })),
  };
}

const byCreation = (a: { createdAt: string }, b: { createdAt: string }) =>
  a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0;

export async function conversationRecordOf(
  source: AuditSource,
  conversation: Conversation,
): Promise<ConversationRecord> {
  const [messages, notes, tickets, assignments] = await Promise.all([
    source.messages(conversation.conversationId),
    source.notes(conversation.conversationId),
    source.ticketsOf(conversation),
    source.assignmentsOf(conversation),
  ]);
  const attachmentIds = new Set([
    ...messages.flatMap((m) => m.attachments ?? []),
    ...tickets.flatMap((t) => t.intake?.attachmentIds ?? []),
  ]);
  const attachments = await source.attachments([...attachmentIds]);
  return conversationRecord({ conversation, messages, notes, tickets, attachments, assignments });
}
