/**
 * The access journal (docs/requirements.md#audit-and-personal-data): who read which citizen's data,
 * when, and what. Staff reads (`history.get`, `ticket.get`, a page of `ticket.list` with the
 * tickets it showed, `attachment.url`/`attachment.get`), the platform team's exports and erasures
 * are each one entry. An entry names ids only (a conversation, tickets, an attachment, an export),
 * never a phone, an e-mail or a text, so the
 * journal survives a citizen's erasure without keeping anything of them.
 */
import type { Caller } from '#events/authorizer-context.ts';
import type { Clock, IdGenerator } from './ports/system.ts';

export const JOURNAL_ACTIONS = [
  'history.get',
  'ticket.get',
  'ticket.list',
  'attachment.url',
  'audit.export',
  'privacy.erase',
] as const;
export type JournalAction = (typeof JOURNAL_ACTIONS)[number];

/** Who read: an operator or senior (Cognito `sub`), or the platform team (the name it gave). */
export interface JournalActor {
  kind: 'operator' | 'senior' | 'platform';
  id: string;
}

/** What was read: ids only. */
export interface JournalSubject {
  conversationId?: string;
  ticketId?: string;
  ticketNumber?: string;
  /** The tickets a page of a list showed (`ticket.list`), in its order. */
  ticketIds?: string[];
  ticketNumbers?: string[];
  attachmentId?: string;
  exportId?: string;
  erasureId?: string;
  /** An export's, erasure's or list's scope in words without personal data (`ticket GU-…`, `status received`). */
  scope?: string;
}

export interface JournalEntry {
  entryId: string;
  /** ISO time of the read. */
  at: string;
  actor: JournalActor;
  action: JournalAction;
  subject: JournalSubject;
  /** Why, as the platform team stated it (a case reference); staff reads have none. */
  reason?: string;
}

/** The journal's port: entries are written once and read back by time. */
export interface AccessJournal {
  /** Stores the entry; its TTL is the journal retention (JOURNAL_RETENTION_DAYS). */
  record(entry: JournalEntry): Promise<void>;
  /** Every entry with `from <= at < to`, oldest first. */
  between(from: Date, to: Date): Promise<JournalEntry[]>;
}

/** What a staff read needs to journal itself. */
export interface StaffReadJournal {
  journal: Pick<AccessJournal, 'record'>;
  clock: Clock;
  ids: IdGenerator;
}

/**
 * Records a read of a citizen's data when the caller is staff; a citizen reading their own data is
 * not journaled. Called after the read was allowed and before its answer leaves: a read whose entry
 * could not be written fails (INTERNAL) rather than go unrecorded.
 */
export async function journalStaffRead(
  deps: StaffReadJournal,
  caller: Pick<Caller, 'role' | 'principalId'>,
  action: Extract<JournalAction, 'history.get' | 'ticket.get' | 'ticket.list' | 'attachment.url'>,
  subject: JournalSubject,
): Promise<void> {
  if (caller.role !== 'operator' && caller.role !== 'senior') return;
  await deps.journal.record({
    entryId: deps.ids.newId(),
    at: deps.clock.now().toISOString(),
    actor: { kind: caller.role, id: caller.principalId },
    action,
    subject,
  });
}
