/**
 * The audit export and the access journal, end to end on the local stack (docs/requirements.md#audit-and-personal-data):
 * a verified citizen's complaint is escalated, taken by an operator, answered, noted, moved through
 * its statuses and completed; the operator reads its history and ticket. Then `npm run
 * audit:export -- --ticket …` (as the platform team runs it) exports the whole conversation: every
 * stored message and every ticket transition is there, in order, with the assignment and its
 * operator; the HTML transcript shows a message that looks like markup as text; the files in the
 * audit bucket match the SHA-256 manifest. `--journal` exports the access journal of the period:
 * the operator's reads and the export itself, each with who and when.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, inject, it } from 'vitest';
import type { AuditDocument } from '#domain/audit/document.ts';
import { parseManifest, sha256Hex } from '#domain/audit/files.ts';
import { verifyByEmail } from '../support/citizens.ts';
import { useClients } from '../support/clients.ts';
import { runCommand } from '../support/commands.ts';
import { frameWith } from '../support/frames.ts';
import { createAndSignIn } from '../support/operator-sign-in.ts';
import { storedMessages } from '../support/tables.ts';

const httpUrl = inject('localHttpUrl');
const { connect } = useClients();

/** The command as a platform engineer runs it: nothing of the test's environment but the stack's port. */
const platformEnv = (): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  HTTP_PORT: new URL(httpUrl).port,
});

const exportCommand = (args: string[]) =>
  runCommand('npm', ['run', '--silent', 'audit:export', '--', ...args], {
    env: platformEnv(),
    timeoutMs: 60_000,
  });

describe('an audit export of an escalated conversation', () => {
  it('holds every message and transition in order, with the assignment; its files match the manifest; the journal has the reads and the export', async () => {
    // Prepare: a complaint escalated, taken, answered, noted, waited on, completed.
    const startedAt = new Date(Date.now() - 1000).toISOString();
    const citizen = await connect({ lang: 'ru' });
    await verifyByEmail(citizen, httpUrl);
    const opened = await citizen.request({
      action: 'message.send',
      clientMessageId: 'a-1',
      text: 'хочу подать жалобу на сотрудника',
    });
    const conversationId = String(opened.conversationId);
    await frameWith(citizen, (f) => f.type === 'message' && f.from === 'bot' && f.intent === undefined);
    await citizen.request({ action: 'message.send', clientMessageId: 'a-2', text: 'пропустить всё' });
    const queued = await frameWith(
      citizen,
      (f) =>
        f.type === 'conversation.updated' && f.conversationId === conversationId && f.ticket !== undefined,
    );
    const { ticketId, number } = queued.ticket as { ticketId: string; number: string };
    const signed = await createAndSignIn(httpUrl, `audit-${randomUUID().slice(0, 8)}`, ['operator']);
    const operator = await connect({ token: signed.idToken, lang: 'ru' });
    await operator.request({ action: 'operator.status', status: 'online', skills: ['legal'], maxChats: 20 });
    await frameWith(
      operator,
      (f) =>
        f.type === 'conversation.assigned' &&
        (f.conversation as { conversationId?: string }).conversationId === conversationId,
    );
    await operator.request({ action: 'conversation.accept', conversationId });
    await operator.request({
      action: 'operator.reply',
      conversationId,
      clientMessageId: 'op-1',
      text: 'Здравствуйте! Пришлите номер обращения.',
    });
    await operator.request({ action: 'operator.note', conversationId, text: 'Проверить в МФЦ' });
    await operator.request({
      action: 'ticket.setStatus',
      ticketId,
      status: 'waiting',
      waitingFor: { what: 'номер' },
    });
    const markup = '<b>Номер</b> 12345 & "ok" <script>alert(1)</script>';
    await citizen.request({ action: 'message.send', clientMessageId: 'a-3', text: markup });
    await frameWith(operator, (f) => f.type === 'message' && f.from === 'citizen' && f.text === markup);
    await operator.request({ action: 'ticket.setStatus', ticketId, status: 'in_progress' });
    await operator.request({ action: 'ticket.setStatus', ticketId, status: 'completed', note: 'Передано' });
    // The operator reads the citizen's data: each read is journaled.
    const history = await operator.request({ action: 'history.get', conversationId, afterSeq: 0, limit: 50 });
    const ticket = await operator.request({ action: 'ticket.get', ticketId });
    const outDir = mkdtempSync(join(tmpdir(), 'audit-export-'));

    // Act
    const exported = await exportCommand([
      '--ticket',
      number,
      '--requested-by',
      'platform-test',
      '--reason',
      'regulator request 42',
      '--out',
      outDir,
    ]);
    const journal = await exportCommand([
      '--journal',
      '--from',
      startedAt,
      '--to',
      new Date(Date.now() + 60_000).toISOString(),
      '--requested-by',
      'platform-test',
    ]);
    const unknown = await exportCommand(['--ticket', 'GU-20000101-000000']);
    const usage = await exportCommand(['--ticket', number, '--conversation', conversationId]);

    // Assess: the command, the files and the manifest.
    expect([history.type, ticket.type]).toEqual(['history', 'ticket']);
    expect(exported.code, exported.stderr).toBe(0);
    const answer = JSON.parse(exported.stdout) as {
      exportId: string;
      location: string;
      files: { name: string; sha256: string }[];
    };
    const manifest = parseManifest(readFileSync(join(outDir, 'SHA256SUMS'), 'utf8'));
    expect([...manifest.keys()].sort()).toEqual(['export.json', 'transcript.html']);
    const [, bucket = '', prefix = ''] = /^s3:\/\/([^/]+)\/(.*)$/.exec(answer.location) ?? [];
    const s3 = new S3Client({ forcePathStyle: true });
    for (const [name, hash] of manifest) {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}${name}` }));
      const stored = await (object.Body?.transformToByteArray() ?? new Uint8Array());
      expect(sha256Hex(stored), name).toBe(hash);
      expect(sha256Hex(readFileSync(join(outDir, name))), name).toBe(hash);
    }

    // Assess: every stored message and transition, in order, with their actors.
    const document = JSON.parse(readFileSync(join(outDir, 'export.json'), 'utf8')) as AuditDocument;
    if (document.content !== 'conversations') throw new Error('not a conversations export');
    expect(document).toMatchObject({ requestedBy: 'platform-test', reason: 'regulator request 42' });
    const [record, ...others] = document.conversations;
    expect(others).toEqual([]);
    const timeline = record?.timeline ?? [];
    const stored = await storedMessages(conversationId);
    const exportedMessages = timeline.filter((e) => e.kind === 'message');
    expect(exportedMessages.map((m) => [m.seq, m.from, m.text])).toEqual(
      stored.map((m) => [m.seq, m.from, m.text]),
    );
    expect(timeline.filter((e) => e.kind === 'ticket_transition').map((e) => e.status)).toEqual([
      'received',
      'in_progress',
      'waiting',
      'in_progress',
      'completed',
    ]);
    expect(timeline.filter((e) => e.kind === 'assignment')).toEqual([
      expect.objectContaining({ queue: 'legal', actorId: signed.sub }),
    ]);
    expect(timeline.filter((e) => e.kind === 'note')).toEqual([
      expect.objectContaining({ text: 'Проверить в МФЦ', actorId: signed.sub }),
    ]);
    const times = timeline.map((e) => e.at);
    expect(times).toEqual([...times].sort());
    // Escalated before it was taken: the ticket's creation comes before the assignment, the reply after.
    const kinds = timeline.map((e) => e.kind);
    expect(kinds.indexOf('ticket_transition')).toBeLessThan(kinds.indexOf('assignment'));
    const replyAt = timeline.findIndex((e) => e.kind === 'message' && e.from === 'operator');
    expect(kinds.indexOf('assignment')).toBeLessThan(replyAt);

    // Assess: the transcript shows text as text.
    const html = readFileSync(join(outDir, 'transcript.html'), 'utf8');
    expect(html).toContain(
      '&lt;b&gt;Номер&lt;/b&gt; 12345 &amp; &quot;ok&quot; &lt;script&gt;alert(1)&lt;/script&gt;',
    );
    expect(html).not.toContain('<script>');
    expect(html).toContain(number);

    // Assess: the journal holds the operator's reads and the export, with who and when.
    expect(journal.code, journal.stderr).toBe(0);
    const journalAnswer = JSON.parse(journal.stdout) as { location: string };
    const [, journalBucket = '', journalPrefix = ''] =
      /^s3:\/\/([^/]+)\/(.*)$/.exec(journalAnswer.location) ?? [];
    const journalObject = await s3.send(
      new GetObjectCommand({ Bucket: journalBucket, Key: `${journalPrefix}export.json` }),
    );
    const journalDocument = JSON.parse(
      await (journalObject.Body?.transformToString() ?? ''),
    ) as AuditDocument;
    if (journalDocument.content !== 'journal') throw new Error('not a journal export');
    const mine = journalDocument.entries.filter(
      (e) =>
        e.subject.conversationId === conversationId ||
        e.subject.ticketId === ticketId ||
        e.subject.exportId === answer.exportId,
    );
    expect(mine.map((e) => [e.action, e.actor.kind, e.actor.id])).toEqual([
      ['history.get', 'operator', signed.sub],
      ['ticket.get', 'operator', signed.sub],
      ['audit.export', 'platform', 'platform-test'],
    ]);
    expect(mine.every((e) => e.at >= startedAt)).toBe(true);

    // Assess: refusals.
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ status: 'error', code: 'NOT_FOUND' });
    expect(usage.code).toBe(2);
  });
});
