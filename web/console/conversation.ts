/**
 * One conversation on the operator's desk: the transcript in `seq` order (no gap, no duplicate),
 * the internal notes (unmistakably internal), the intake, the citizen card and the ticket. It
 * renders the detail pane; the console owns the socket and hands frames in.
 */

import type { ChatMessage } from '#events/chat-message.ts';
import type { InternalNote } from '#events/desk-frames.ts';
import type { ConversationAssignedFrame } from '#events/operator-frames.ts';
import type { TicketView } from '#events/tickets.ts';
import { formatTime, h } from '../shared/dom.ts';
import { type ConsoleLang, type ConsoleStrings, staffNoteText, statusLabelOf } from './strings.ts';

/** The backend's default time from accepting to the first reply (`FIRST_REPLY_SECONDS`). */
const FIRST_REPLY_SECONDS = 60;
/** The longest accept window the console shows, whatever `acceptBy` says against this page's clock. */
const MAX_ACCEPT_WINDOW_MS = 120_000;

export class DeskConversation {
  readonly id: string;
  readonly messages = new Map<number, ChatMessage>();
  notes: InternalNote[] = [];
  ticket: TicketView | null;
  unread = 0;
  accepted = false;
  /** Accepted here, the server's answer still on its way (`conversation.accept`). */
  accepting = false;
  /** When the operator accepted it here (ms), for the first-reply countdown. */
  acceptedAt: number | undefined;
  /**
   * Until when (this page's clock, ms) the offer stands, from the frame's `acceptBy` (the server's
   * clock) as it arrived, kept within {@link MAX_ACCEPT_WINDOW_MS}: a page whose clock runs late
   * never shows more than a window. Only shown: the server's answer to the accept decides.
   */
  acceptDeadline: number | undefined;
  /** Whether the operator has replied since the assignment. */
  replied = false;
  closed = false;
  /** A final status (completed, rejected) asked by this operator and not answered yet. */
  closing = false;
  /** A repeated accept refused while `closing`: decided by the status's answer (dropped if it fails). */
  acceptRefusedWhileClosing = false;
  lastContiguousSeq = 0;

  constructor(public assigned: ConversationAssignedFrame) {
    this.id = assigned.conversation.conversationId;
    this.ticket = assigned.ticket;
    // An offer says until when it stands; one announced again after it was accepted says nothing
    // (docs/protocol.md, "Accepting an assignment"): a console reloaded meanwhile learns it here.
    this.accepted = assigned.conversation.acceptBy === undefined;
    this.reassigned(assigned);
  }

  /**
   * The same conversation assigned again (after a reconnect): everything it carries is current.
   * Answers the citizen's messages that were new here (caught up by the frame, not pushed).
   */
  reassigned(assigned: ConversationAssignedFrame): number {
    this.assigned = assigned;
    const acceptBy = assigned.conversation.acceptBy;
    this.acceptDeadline =
      acceptBy === undefined
        ? undefined
        : Date.now() + Math.min(MAX_ACCEPT_WINDOW_MS, Math.max(0, Date.parse(acceptBy) - Date.now()));
    this.ticket = assigned.ticket ?? this.ticket;
    this.notes = assigned.notes ?? [];
    if (assigned.transcriptFromSeq)
      this.lastContiguousSeq = Math.max(this.lastContiguousSeq, assigned.transcriptFromSeq - 1);
    let fromCitizen = 0;
    for (const message of assigned.transcript)
      if (this.add(message) && message.from === 'citizen') fromCitizen++;
    return fromCitizen;
  }

  /** True when the message is new here. */
  add(message: ChatMessage): boolean {
    if (this.messages.has(message.seq)) return false;
    this.messages.set(message.seq, message);
    if (message.from === 'operator' && message.ts >= this.assigned.conversation.assignedAt)
      this.replied = true;
    while (this.messages.has(this.lastContiguousSeq + 1)) this.lastContiguousSeq++;
    return true;
  }

  hasGap(): boolean {
    for (const seq of this.messages.keys()) if (seq > this.lastContiguousSeq) return true;
    return false;
  }

  /** Seconds the citizen has waited since the handover (or since the assignment when not known). */
  waitedSeconds(now = Date.now()): number {
    const since = this.assigned.conversation.queuedAt ?? this.assigned.conversation.assignedAt;
    return Math.max(0, Math.floor((now - Date.parse(since)) / 1000));
  }

  /**
   * Seconds left to accept the offer (docs/protocol.md, "Accepting an assignment"), while it is not
   * accepted and its deadline is known and not past; undefined otherwise (the server decides then).
   */
  acceptDueSeconds(now = Date.now()): number | undefined {
    if (this.accepted || this.closed || this.acceptDeadline === undefined) return undefined;
    const left = Math.ceil((this.acceptDeadline - now) / 1000);
    return left > 0 ? left : undefined;
  }

  /**
   * Seconds left before the first reply is due (negative: overdue), while the operator has accepted
   * and not replied yet; undefined otherwise. `FIRST_REPLY_SECONDS` of the backend: 60 by default
   * (docs/protocol.md, "Accepting an assignment").
   */
  firstReplyDueSeconds(now = Date.now()): number | undefined {
    if (this.acceptedAt === undefined || this.replied || this.closed) return undefined;
    return FIRST_REPLY_SECONDS - Math.floor((now - this.acceptedAt) / 1000);
  }

  /** The transcript with the notes, by time; `attachments` draws a message's files (thumbnails, links). */
  renderTranscript(
    s: ConsoleStrings,
    lang: ConsoleLang,
    attachments: (attachmentIds: string[]) => HTMLElement,
  ): HTMLElement[] {
    const items: { ts: string; seq: number; element: HTMLElement }[] = [];
    for (const message of this.messages.values()) {
      const who =
        message.from === 'operator'
          ? (message.operator?.displayName ?? s.from.operator)
          : (s.from[message.from] ?? message.from);
      items.push({
        ts: message.ts,
        seq: message.seq,
        element: h(
          'div',
          { class: `msg ${message.from}`, 'data-seq': message.seq },
          h('span', { class: 'who' }, who ?? ''),
          h('p', { class: 'text' }, message.text),
          message.attachments?.length ? attachments(message.attachments) : null,
          h('span', { class: 'meta' }, formatTime(message.ts, lang)),
        ),
      });
    }
    for (const note of this.notes) {
      items.push({
        ts: note.ts,
        seq: Number.POSITIVE_INFINITY,
        element: h(
          'div',
          { class: 'msg note' },
          h('span', { class: 'who' }, `${s.internal} · ${note.operator.displayName}`),
          h(
            'p',
            { class: 'text' },
            note.kind === 'transfer' ? `${s.transferred} → ${note.to ?? ''}: ${note.text}` : note.text,
          ),
          h('span', { class: 'meta' }, formatTime(note.ts, lang)),
        ),
      });
    }
    items.sort((a, b) => (a.ts === b.ts ? a.seq - b.seq : a.ts < b.ts ? -1 : 1));
    return items.map((item) => item.element);
  }

  renderCard(s: ConsoleStrings, lang: ConsoleLang): HTMLElement {
    const { intake, citizen } = this.assigned;
    const others = (citizen.tickets ?? []).filter((t) => t.ticketId !== this.ticket?.ticketId);
    const row = (label: string, value?: string) => (value ? [h('dt', {}, label), h('dd', {}, value)] : []);
    return h(
      'section',
      { class: 'card', 'aria-label': s.citizen },
      h('h3', {}, s.citizen),
      h('p', {}, citizen.verified ? s.verified : s.notVerified),
      citizen.maskedPhone ? h('p', {}, `${s.phone}: ${citizen.maskedPhone}`) : null,
      this.ticket ? h('p', {}, `${s.ticket} ${this.ticket.number} — ${statusLabelOf(s, this.ticket)}`) : null,
      // Its moves, with what the citizen was told and what only staff read (an SLA breach).
      this.ticket
        ? h(
            'details',
            { class: 'ticket-history' },
            h('summary', {}, s.ticketHistory),
            h(
              'ol',
              {},
              this.ticket.history.map((entry) =>
                h(
                  'li',
                  {},
                  h('time', { datetime: entry.at }, formatTime(entry.at, lang)),
                  ` — ${statusLabelOf(s, entry)}`,
                  entry.note ? ` — ${entry.note}` : '',
                  entry.staffNote ? ` — ${s.staffNote}: ${staffNoteText(s, entry.staffNote)}` : '',
                ),
              ),
            ),
          )
        : null,
      h('h4', {}, s.otherTickets),
      others.length === 0
        ? h('p', {}, s.noOtherTickets)
        : h(
            'ul',
            { class: 'other-tickets' },
            others.map((t) =>
              h(
                'li',
                {},
                `${t.number} — ${statusLabelOf(s, t)} — `,
                h('time', { datetime: t.createdAt }, formatTime(t.createdAt, lang)),
              ),
            ),
          ),
      intake
        ? h(
            'div',
            {},
            h('h3', {}, s.intake),
            h(
              'dl',
              {},
              row(s.service, intake.service),
              row(s.problem, intake.problem),
              row(s.occurredAt, intake.occurredAt),
              row(s.errorCode, intake.errorCode),
              row(s.desiredResult, intake.desiredResult),
            ),
          )
        : null,
    );
  }
}
