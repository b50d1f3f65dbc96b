import { describe, expect, it } from 'vitest';
import type { Conversation } from '../conversations.ts';
import { escapeHtml } from '../html-text.ts';
import type { StoredMessage } from '../messages.ts';
import type { Ticket } from '../tickets.ts';
import { AUDIT_FORMAT, type AuditDocument, countsOf } from './document.ts';
import { exportFiles, parseManifest, sha256Hex } from './files.ts';
import { conversationRecord } from './record.ts';
import { renderTranscript } from './transcript-html.ts';

const conversation: Conversation = {
  conversationId: 'c-1',
  sessionId: 's-1',
  state: 'operator',
  lastSeq: 3,
  createdAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-01T10:05:00.000Z',
  expiresAt: 0,
};
const message = (seq: number, from: StoredMessage['from'], ts: string, text: string): StoredMessage => ({
  conversationId: 'c-1',
  seq,
  messageId: `m-${seq}`,
  from,
  senderId: from === 'operator' ? 'op-1' : from === 'bot' ? 'bot' : 's-1',
  text,
  ts,
  expiresAt: 0,
});
const ticket: Ticket = {
  ticketId: 't-1',
  number: 'GU-20261201-ABCDEF',
  status: 'in_progress',
  category: 'legal',
  source: 'chat',
  conversationId: 'c-1',
  lang: 'ru',
  createdAt: '2026-12-01T10:01:00.000Z',
  updatedAt: '2026-12-01T10:02:00.000Z',
  history: [
    { status: 'received', at: '2026-12-01T10:01:00.000Z', actor: 'system' },
    { status: 'in_progress', at: '2026-12-01T10:02:00.000Z', actor: 'operator', actorId: 'op-1' },
  ],
  version: 1,
  expiresAt: 0,
};

describe('an audit record of a conversation', () => {
  it('puts messages, transitions, the assignment, a transfer and a note in the order they happened; at the same instant the transition first, then messages by seq', () => {
    // Prepare
    const record = conversationRecord({
      conversation,
      messages: [
        message(1, 'citizen', '2026-12-01T10:00:00.000Z', 'жалоба'),
        message(2, 'bot', '2026-12-01T10:01:00.000Z', 'передаю'),
        message(3, 'operator', '2026-12-01T10:03:00.000Z', 'здравствуйте'),
      ],
      notes: [
        {
          conversationId: 'c-1',
          noteId: 'n-1',
          kind: 'transfer',
          text: 'не мой вопрос',
          ts: '2026-12-01T10:04:00.000Z',
          operator: { operatorId: 'op-1', displayName: 'Анна' },
          to: 'mfc',
        },
      ],
      tickets: [ticket],
      attachments: [],
      assignments: [
        {
          queue: 'legal',
          queuedAt: '2026-12-01T10:01:00.000Z',
          assignedAt: '2026-12-01T10:02:00.000Z',
          operatorId: 'op-1',
          breached: false,
        },
      ],
    });

    // Assess
    expect(record.timeline.map((e) => `${e.kind}@${e.at.slice(14, 16)}`)).toEqual([
      'message@00',
      'ticket_transition@01',
      'message@01',
      'ticket_transition@02',
      'assignment@02',
      'message@03',
      'transfer@04',
    ]);
    expect(record.timeline.find((e) => e.kind === 'assignment')).toMatchObject({ actorId: 'op-1' });
  });

  it('names an attachment its message refers to, or says it expired when its item is gone', () => {
    // Prepare
    const record = conversationRecord({
      conversation,
      messages: [
        { ...message(1, 'citizen', '2026-12-01T10:00:00.000Z', 'скан'), attachments: ['a-1', 'a-2'] },
      ],
      notes: [],
      tickets: [],
      attachments: [
        {
          attachmentId: 'a-1',
          conversationId: 'c-1',
          uploaderId: 's-1',
          key: 'attachments/c-1/a-1',
          fileName: 'паспорт.png',
          contentType: 'image/png',
          size: 10,
          status: 'ready',
          createdAt: '2026-12-01T10:00:00.000Z',
          expiresAt: 0,
        },
      ],
      assignments: [],
    });

    // Assess
    expect(record.timeline[0]).toMatchObject({
      attachments: [
        { attachmentId: 'a-1', fileName: 'паспорт.png', status: 'ready', key: 'attachments/c-1/a-1' },
        { attachmentId: 'a-2', status: 'expired' },
      ],
    });
  });
});

describe('the files of an export', () => {
  const document: AuditDocument = {
    format: AUDIT_FORMAT,
    exportId: 'e-1',
    generatedAt: '2026-12-01T11:00:00.000Z',
    requestedBy: '<admin>',
    reason: 'запрос & проверка',
    scope: { kind: 'conversation', conversationId: 'c-1' },
    content: 'conversations',
    conversations: [
      conversationRecord({
        conversation,
        messages: [message(1, 'citizen', '2026-12-01T10:00:00.000Z', '<img src=x onerror=alert(1)>')],
        notes: [],
        tickets: [],
        attachments: [],
        assignments: [],
      }),
    ],
    tickets: [],
  };

  it('escapes every value in the transcript: markup a citizen typed is shown as text', () => {
    // Act
    const html = renderTranscript(document, { lang: 'ru' });

    // Assess
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;admin&gt;');
    expect(html).toContain('запрос &amp; проверка');
    expect(html).not.toContain('<img');
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('leaves staff-only events and ids out of a citizen’s own transcript', () => {
    // Act
    const html = renderTranscript(document, { lang: 'en', staffView: false });

    // Assess
    expect(html).not.toContain('&lt;admin&gt;');
    expect(html).toContain('Citizen');
  });

  it('shows a staff note of the ticket’s history (an SLA breach) to the regulator, never in the citizen’s own transcript', () => {
    // Prepare
    const breached: Ticket = {
      ...ticket,
      history: [
        ticket.history[0] as Ticket['history'][number],
        { ...(ticket.history[1] as Ticket['history'][number]), staffNote: 'SLA breach: taken after 125 s' },
      ],
    };
    const withTicket: AuditDocument = {
      ...document,
      conversations: [
        conversationRecord({
          conversation,
          messages: [],
          notes: [],
          tickets: [breached],
          attachments: [],
          assignments: [],
        }),
      ],
    };

    // Act
    const citizens = renderTranscript(withTicket, { lang: 'ru', staffView: false });
    const regulators = renderTranscript(withTicket, { lang: 'ru' });

    // Assess
    expect(citizens).toContain(breached.number);
    expect(citizens).not.toContain('SLA breach');
    expect(regulators).toContain('SLA breach: taken after 125 s');
  });

  it('lists each file with its SHA-256 in a manifest `sha256sum -c` reads, and counts what it holds', () => {
    // Act
    const files = exportFiles(document);
    const manifest = files.find((f) => f.name === 'SHA256SUMS');

    // Assess
    expect(files.map((f) => f.name)).toEqual(['export.json', 'transcript.html', 'SHA256SUMS']);
    const listed = parseManifest(new TextDecoder().decode(manifest?.body));
    for (const file of files.slice(0, 2)) expect(listed.get(file.name)).toBe(sha256Hex(file.body));
    expect(countsOf(document)).toMatchObject({ conversations: 1, messages: 1, transitions: 0 });
  });
});
