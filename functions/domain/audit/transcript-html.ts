/**
 * The human-readable transcript of an audit document: one self-contained HTML page (no script, no
 * external resource; a Content-Security-Policy that forbids both), a section per conversation and
 * ticket with its timeline as a table. Every value from the data goes through {@link escapeHtml}:
 * a citizen's message that looks like markup is shown as the text it is. Labels in one place per
 * language; the citizen's own download uses the same page in their language.
 */
import type { Lang } from '#events/lang.ts';
import type { JournalEntry } from '../access-journal.ts';
import { escapeHtml } from '../html-text.ts';
import type { AuditDocument } from './document.ts';
import type { AttachmentReference, ConversationRecord, TicketRecord, TimelineEvent } from './record.ts';

const LABELS = {
  ru: {
    title: 'Журнал обращений',
    export: 'Выгрузка',
    generatedAt: 'Сформирована',
    requestedBy: 'Запросил',
    reason: 'Основание',
    scope: 'Охват',
    conversation: 'Диалог',
    ticket: 'Обращение',
    created: 'Создан',
    state: 'Состояние',
    time: 'Время',
    actor: 'Кто',
    event: 'Событие',
    message: 'Сообщение',
    transition: 'Статус обращения',
    assignment: 'Назначен оператору',
    transfer: 'Передан в очередь',
    note: 'Внутренняя заметка',
    attachment: 'Вложение',
    journal: 'Журнал доступа',
    action: 'Действие',
    subject: 'Что',
    none: 'Нет записей',
    from: { citizen: 'Гражданин', bot: 'Бот', operator: 'Оператор', system: 'Система' },
  },
  en: {
    title: 'Conversation record',
    export: 'Export',
    generatedAt: 'Generated',
    requestedBy: 'Requested by',
    reason: 'Reason',
    scope: 'Scope',
    conversation: 'Conversation',
    ticket: 'Ticket',
    created: 'Created',
    state: 'State',
    time: 'Time',
    actor: 'Who',
    event: 'Event',
    message: 'Message',
    transition: 'Ticket status',
    assignment: 'Assigned to an operator',
    transfer: 'Transferred to queue',
    note: 'Internal note',
    attachment: 'Attachment',
    journal: 'Access journal',
    action: 'Action',
    subject: 'What',
    none: 'No entries',
    from: { citizen: 'Citizen', bot: 'Bot', operator: 'Operator', system: 'System' },
  },
} as const;

type Labels = (typeof LABELS)[Lang];

export interface TranscriptOptions {
  lang: Lang;
  /**
   * Whether staff-only events (internal notes, transfer reasons, operator ids) are shown: yes for
   * the regulator, no in a citizen's own download (they never saw them).
   * @default true
   */
  staffView?: boolean;
}

export function renderTranscript(document: AuditDocument, options: TranscriptOptions): string {
  const t = LABELS[options.lang];
  const staffView = options.staffView ?? true;
  const header = [
    row(t.export, document.exportId),
    row(t.generatedAt, document.generatedAt),
    ...(staffView ? [row(t.requestedBy, document.requestedBy), row(t.reason, document.reason)] : []),
  ].join('');
  const body =
    document.content === 'journal'
      ? journalSection(document.entries, t)
      : [
          ...document.conversations.map((c) => conversationSection(c, t, staffView)),
          ...document.tickets.map((ticket) => ticketSection(ticket, ticket.timeline, t, staffView)),
        ].join('\n') || `<p>${t.none}</p>`;
  return [
    '<!doctype html>',
    `<html lang="${options.lang}">`,
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${escapeHtml(t.title)} ${escapeHtml(document.exportId)}</title>`,
    '<style>body{font:14px/1.4 sans-serif;margin:2em}table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}td.text{white-space:pre-wrap}</style>',
    '</head>',
    '<body>',
    `<h1>${escapeHtml(t.title)}</h1>`,
    `<table>${header}</table>`,
    body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function row(label: string, value: string): string {
  return `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`;
}

function conversationSection(record: ConversationRecord, t: Labels, staffView: boolean): string {
  const tickets = record.tickets.map((ticket) => `${ticket.number} (${ticket.status})`).join(', ');
  return [
    `<section>`,
    `<h2>${escapeHtml(t.conversation)} ${escapeHtml(record.conversationId)}</h2>`,
    `<p>${escapeHtml(t.created)}: ${escapeHtml(record.createdAt)}; ${escapeHtml(t.state)}: ${escapeHtml(record.state)}${tickets ? `; ${escapeHtml(t.ticket)}: ${escapeHtml(tickets)}` : ''}</p>`,
    timelineTable(record.timeline, t, staffView),
    `</section>`,
  ].join('\n');
}

function ticketSection(
  ticket: TicketRecord,
  timeline: TimelineEvent[],
  t: Labels,
  staffView: boolean,
): string {
  return [
    `<section>`,
    `<h2>${escapeHtml(t.ticket)} ${escapeHtml(ticket.number)}</h2>`,
    `<p>${escapeHtml(t.created)}: ${escapeHtml(ticket.createdAt)}; ${escapeHtml(t.state)}: ${escapeHtml(ticket.status)}</p>`,
    ...(ticket.intake === undefined
      ? []
      : [`<p class="text">${escapeHtml(JSON.stringify(ticket.intake, null, 1))}</p>`]),
    timelineTable(timeline, t, staffView),
    `</section>`,
  ].join('\n');
}

function timelineTable(timeline: readonly TimelineEvent[], t: Labels, staffView: boolean): string {
  const rows = timeline
    .filter((event) => staffView || (event.kind !== 'note' && event.kind !== 'transfer'))
    .map((event) => {
      const [actor, what] = describe(event, t, staffView);
      return `<tr><td>${escapeHtml(event.at)}</td><td>${escapeHtml(actor)}</td><td class="text">${what}</td></tr>`;
    });
  return [
    '<table>',
    `<thead><tr><th scope="col">${escapeHtml(t.time)}</th><th scope="col">${escapeHtml(t.actor)}</th><th scope="col">${escapeHtml(t.event)}</th></tr></thead>`,
    `<tbody>${rows.join('')}</tbody>`,
    '</table>',
  ].join('\n');
}

/** The actor (plain text) and the event (HTML, every value escaped) of one row. */
function describe(event: TimelineEvent, t: Labels, staffView: boolean): [string, string] {
  const withId = (name: string, id: string | undefined) => (staffView && id ? `${name} (${id})` : name);
  switch (event.kind) {
    case 'message': {
      const who = withId(
        event.actorName ?? t.from[event.from],
        event.from === 'bot' ? undefined : event.actorId,
      );
      const files = event.attachments.map((a) => `<br>${escapeHtml(t.attachment)}: ${attachmentText(a)}`);
      return [who, `#${event.seq} ${escapeHtml(event.text)}${files.join('')}`];
    }
    case 'ticket_transition':
      return [
        withId(event.actor, event.actorId),
        escapeHtml(
          [
            `${t.transition} ${event.ticketNumber}: ${event.status}`,
            event.note,
            staffView ? event.staffNote : undefined,
          ]
            .filter(Boolean)
            .join(' — '),
        ),
      ];
    case 'assignment':
      return [withId(t.from.operator, event.actorId), escapeHtml(`${t.assignment} (${event.queue})`)];
    case 'transfer':
      return [
        withId(event.actorName, event.actorId),
        escapeHtml(`${t.transfer} ${event.to}: ${event.reason}`),
      ];
    case 'note':
      return [withId(event.actorName, event.actorId), escapeHtml(`${t.note}: ${event.text}`)];
  }
}

function attachmentText(a: AttachmentReference): string {
  const parts = [
    a.fileName ?? a.attachmentId,
    a.contentType,
    a.size === undefined ? undefined : `${a.size} B`,
    a.status,
  ];
  return escapeHtml(parts.filter((p) => p !== undefined).join(', '));
}

function journalSection(entries: readonly JournalEntry[], t: Labels): string {
  const rows = entries.map((e) => {
    const subject = Object.entries(e.subject)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    return `<tr><td>${escapeHtml(e.at)}</td><td>${escapeHtml(`${e.actor.kind} ${e.actor.id}`)}</td><td>${escapeHtml(e.action)}</td><td class="text">${escapeHtml(subject)}${e.reason ? `<br>${escapeHtml(e.reason)}` : ''}</td></tr>`;
  });
  return [
    `<section><h2>${escapeHtml(t.journal)}</h2>`,
    '<table>',
    `<thead><tr><th scope="col">${escapeHtml(t.time)}</th><th scope="col">${escapeHtml(t.actor)}</th><th scope="col">${escapeHtml(t.action)}</th><th scope="col">${escapeHtml(t.subject)}</th></tr></thead>`,
    `<tbody>${rows.join('') || `<tr><td colspan="4">${escapeHtml(t.none)}</td></tr>`}</tbody>`,
    '</table></section>',
  ].join('\n');
}
