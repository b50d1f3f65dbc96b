/**
 * The message body codec on the knowledge base's real answers: what is stored compressed and what
 * plain, that both forms (and the stream's base64) read back as the message written, and that a
 * corrupt body is an error naming the item's keys and none of its content.
 */
import { brotliCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '#adapters/knowledge-base.ts';
import { createBot, type Lang } from '#domain/bot/index.ts';
import type { StoredMessage } from '#domain/messages.ts';
import { repoPath } from '../../../infra/paths.ts';
import { itemBytes } from '../../../test/support/stored-bytes.ts';
import { COMPRESS_ABOVE_BYTES, fromMessageItem, MessageBodyError, toMessageItem } from './message-body.ts';

const knowledgeBase = loadKnowledgeBase(repoPath('layers/knowledge-base/kb'));
const bot = createBot(knowledgeBase);

/** The bot's reply to `question` as the worker stores it. */
function botMessage(question: string, lang: Lang, verified = false): StoredMessage {
  const reply = bot.reply({ text: question, lang, context: { verified } });
  return {
    conversationId: 'c0ffee00-0000-4000-8000-000000000001',
    seq: 4,
    messageId: '7a1b2c3d-0000-4000-8000-000000000002',
    from: 'bot',
    senderId: 'bot',
    text: reply.text,
    ts: '2026-12-03T02:00:00.000Z',
    expiresAt: 1_827_137_703,
    intent: reply.intent,
    confidence: reply.confidence,
    suggestions: reply.suggestions,
    escalate: reply.escalate,
    category: reply.category,
  };
}

function citizenMessage(text: string): StoredMessage {
  return {
    conversationId: 'c0ffee00-0000-4000-8000-000000000001',
    seq: 3,
    messageId: '5e6f7a8b-0000-4000-8000-000000000003',
    from: 'citizen',
    senderId: 'session-1',
    text,
    ts: '2026-12-03T02:00:00.000Z',
    expiresAt: 1_827_137_703,
    clientMessageId: 'c-3',
  };
}

/** The bytes the plain fields take, and the Binary that replaced them. */
const plainBytes = (message: StoredMessage) =>
  Buffer.byteLength(message.text) + Buffer.byteLength(JSON.stringify(message.suggestions ?? []));

/** An item with `body` replaced: the keys and metadata of `message`, whatever `body` is. */
function itemWithBody(message: StoredMessage, body: unknown): Record<string, unknown> {
  const { text: _text, suggestions: _suggestions, ...rest } = message;
  return { ...rest, body };
}

describe('message bodies in MessagesTable', () => {
  it.each([
    ['ru', 'как восстановить пароль от госуслуг'],
    ['en', 'how do I reset my password'],
  ] as const)(
    'stores a long %s bot answer and its suggestions as one compressed body, and reads it back',
    (lang, question) => {
      // Prepare
      const message = botMessage(question, lang);
      expect(message.suggestions?.length).toBeGreaterThan(0);

      // Act
      const item = toMessageItem(message);

      // Assess
      expect(item).not.toHaveProperty('text');
      expect(item).not.toHaveProperty('suggestions');
      expect(item.body).toBeInstanceOf(Uint8Array);
      expect((item.body as Uint8Array).byteLength).toBeLessThan(plainBytes(message) * 0.7);
      expect(item).toMatchObject({ intent: message.intent, category: message.category, seq: 4 });
      expect(fromMessageItem(item)).toEqual(message);
    },
  );

  it('stores every knowledge-base reply, RU and EN, guest or identified, in under 1 KB: one write unit (two in a transaction)', () => {
    // Prepare: each intent's example phrasings as the citizen would type them.
    const questions = knowledgeBase.intents.flatMap((intent) =>
      (['ru', 'en'] as const).flatMap((lang) => intent.examples[lang].map((text) => ({ text, lang }))),
    );
    const replies = questions.flatMap(({ text, lang }) => [
      botMessage(text, lang, false),
      botMessage(text, lang, true),
    ]);

    // Act
    const largest = Math.max(...replies.map((reply) => itemBytes(toMessageItem(reply))));
    const largestPlain = Math.max(...replies.map((reply) => itemBytes({ ...reply })));

    // Assess: the plain form of the longest ones takes two units.
    expect(largestPlain).toBeGreaterThan(1024);
    expect(largest).toBeLessThan(1024);
  });

  it('round-trips any text exactly: quotes, backslashes, line breaks, emoji and a lone surrogate', () => {
    // Prepare
    const message = citizenMessage(
      `«Заявление» "№ 12\\34"\n\tне отправляется 😡🇷🇺 \ud800 ${'ещё раз пробую, '.repeat(20)}`,
    );

    // Act
    const item = toMessageItem(message);

    // Assess
    expect(item.body).toBeInstanceOf(Uint8Array);
    expect(fromMessageItem(item)).toEqual(message);
  });

  it('keeps a short citizen message plain, as every item was before', () => {
    // Prepare
    const message = citizenMessage('Код так и не пришёл');

    // Act
    const item = toMessageItem(message);

    // Assess
    expect(item).toEqual(message);
    expect(fromMessageItem(item)).toEqual(message);
  });

  it(`compresses a body whose JSON is longer than ${COMPRESS_ABOVE_BYTES} bytes, not one of exactly that`, () => {
    // Prepare: `{"text":"…"}` is 11 bytes around the text; ж is 2 bytes.
    const atThreshold = citizenMessage(`${'ж'.repeat((COMPRESS_ABOVE_BYTES - 12) / 2)}a`);
    const overThreshold = citizenMessage(`${atThreshold.text}b`);
    expect(Buffer.byteLength(JSON.stringify({ text: atThreshold.text }))).toBe(COMPRESS_ABOVE_BYTES);

    // Act
    const plain = toMessageItem(atThreshold);
    const compressed = toMessageItem(overThreshold);

    // Assess
    expect(plain.text).toBe(atThreshold.text);
    expect(compressed).not.toHaveProperty('text');
    expect(fromMessageItem(compressed)).toEqual(overThreshold);
  });

  it('writes a long body plain when compression is off (MESSAGE_BODY_COMPRESSION=off), readable as any item', () => {
    // Prepare: a bot answer the default would compress.
    const message = botMessage('как записаться в МФЦ', 'ru');
    expect(toMessageItem(message)).not.toHaveProperty('text');

    // Act
    const item = toMessageItem(message, false);

    // Assess: the item every release before compression wrote and reads.
    expect(item).toEqual(message);
    expect(item).not.toHaveProperty('body');
    expect(fromMessageItem(item)).toEqual(message);
  });

  it('reads an item written before bodies were compressed: a long bot answer with plain text and suggestions', () => {
    // Prepare: the item exactly as the conversation log wrote it until now.
    const message = botMessage('как записаться в МФЦ', 'ru');
    const oldItem: Record<string, unknown> = { ...message };

    // Act
    const read = fromMessageItem(oldItem);

    // Assess
    expect(read).toEqual(message);
  });

  it("reads a compressed body from a stream record's image, where Lambda's JSON carries Binary as base64", () => {
    // Prepare
    const message = botMessage('how do I reset my password', 'en');
    const item = toMessageItem(message);
    const streamed = { ...item, body: Buffer.from(item.body as Uint8Array).toString('base64') };

    // Act
    const read = fromMessageItem(streamed);

    // Assess
    expect(read).toEqual(message);
  });

  describe('a corrupt body is an error naming the item, never its content', () => {
    const message = botMessage('как восстановить пароль от госуслуг', 'ru');
    const secret = 'паспорт 4509 123456';
    const cases: [string, unknown, string][] = [
      ['bytes that are not Brotli', Buffer.from([1, 0xde, 0xad, 0xbe, 0xef]), 'not a Brotli stream'],
      ['an unknown format byte', Buffer.from([9, 1, 2, 3]), 'unknown format 9'],
      ['an empty body', Buffer.alloc(0), 'unknown format none'],
      [
        'Brotli of text that is not JSON',
        Buffer.concat([Buffer.of(1), brotliCompressSync(secret)]),
        'not JSON',
      ],
      [
        'JSON of the wrong shape',
        Buffer.concat([Buffer.of(1), brotliCompressSync(JSON.stringify({ text: 42, secret }))]),
        'not a message body: text: invalid_type, (root): unrecognized_keys',
      ],
      ['a number instead of binary', 42, 'not binary'],
    ];

    it.each(cases)('%s', (_, body, problem) => {
      // Prepare
      const item = itemWithBody(message, body);

      // Act
      const read = () => fromMessageItem(item);

      // Assess
      expect(read).toThrow(MessageBodyError);
      expect(read).toThrow(
        `message conversationId=${message.conversationId} seq=4: body unreadable (${problem})`,
      );
      expect(() => read()).not.toThrow(/паспорт|4509/);
    });

    it('an item holding both a body and plain text', () => {
      // Prepare
      const item = { ...toMessageItem(message), text: secret };

      // Act
      const read = () => fromMessageItem(item);

      // Assess
      expect(read).toThrow('body unreadable (plain text or suggestions beside body)');
      expect(read).not.toThrow(/паспорт/);
    });
  });
});
