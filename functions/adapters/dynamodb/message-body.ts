/**
 * How a message's long fields — its text and the bot's suggestions — are kept in MessagesTable, for
 * every writer and reader of a message item. DynamoDB bills storage (and PITR) by the byte for the
 * whole retention, and a write unit per started kilobyte; a bot's answer with its suggestions is
 * up to 1.6 KB of plain text. So, as DynamoDB's best practices advise for large attribute values,
 * those fields are stored compressed when they are long: one Binary attribute `body` holding a
 * format byte and the fields' JSON compressed with Brotli (node:zlib). A short body (a citizen's
 * question, a short notice) stays plain, as every item was before: compressing it saves a few bytes
 * or loses some, and a plain item reads as text in the console.
 *
 * Reading accepts both forms, and the stream's: a Lambda event's image carries Binary as base64.
 * What is decoded is parsed with the item's schema; an item whose body cannot be read throws a
 * `MessageBodyError` naming the item's keys, never its content (docs/benchmarks.md, "Message bodies
 * compressed", has the measurements behind the codec and the threshold).
 */
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import type { StoredMessage } from '#domain/messages.ts';
import * as z from '#events/zod.ts';
import { type MessageBody, messageBodyItem, messageItem } from './item-schemas.ts';

/**
 * Bodies whose plain JSON is at most this long are stored plain. Above it, Brotli saves a third or
 * more on the knowledge base's texts; below it the saving is a few dozen bytes at best.
 */
export const COMPRESS_ABOVE_BYTES = 256;

/** The first byte of `body`: how the rest is encoded, so a later format can be told from this one. */
const BROTLI_JSON = 1;

/**
 * Brotli's quality 6 with a 64 KiB window: within 0.06 of quality 11's ratio on the knowledge
 * base's answers at a fortieth of its CPU (about 40 µs a body instead of 1.6 ms).
 */
const brotliOptions = (bytes: number) => ({
  params: {
    [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
    [constants.BROTLI_PARAM_QUALITY]: 6,
    [constants.BROTLI_PARAM_LGWIN]: 16,
    [constants.BROTLI_PARAM_SIZE_HINT]: bytes,
  },
});

/** No message body comes near this (an item is at most 400 KB): a larger output is not ours. */
const MAX_BODY_BYTES = 1024 * 1024;

/** A decompressed body holds the body's fields and nothing else. */
const strictMessageBody = z.strictObject(messageBodyItem.shape);

/** An item of MessagesTable whose `body` cannot be read. The message names the keys only. */
export class MessageBodyError extends Error {
  override readonly name = 'MessageBodyError';

  constructor(item: Record<string, unknown>, problem: string) {
    super(`message ${keyOf(item)}: body unreadable (${problem})`);
  }
}

/**
 * The item that stores `message`: its body compressed in `body` when long (and `compress`), else as
 * it is.
 */
export function toMessageItem(message: StoredMessage, compress = true): Record<string, unknown> {
  if (!compress) return { ...message };
  const { text, suggestions, ...rest } = message;
  const body: MessageBody = suggestions === undefined ? { text } : { text, suggestions };
  const json = Buffer.from(JSON.stringify(body), 'utf8');
  if (json.byteLength <= COMPRESS_ABOVE_BYTES) return { ...message };
  const compressed = brotliCompressSync(json, brotliOptions(json.byteLength));
  return { ...rest, body: Buffer.concat([Buffer.of(BROTLI_JSON), compressed]) };
}

/**
 * The message an item of MessagesTable holds, body plain or compressed. `item`: as the SDK's
 * document client reads it (`body` a Uint8Array), or unmarshalled from a stream record's image
 * (`body` base64, as Lambda's JSON event carries Binary).
 */
export function fromMessageItem(item: Record<string, unknown>): StoredMessage {
  return messageItem.parse(withPlainBody(item));
}

/** `item` with a compressed body replaced by its plain fields, every other attribute as it is. */
export function withPlainBody(item: Record<string, unknown>): Record<string, unknown> {
  const { body, ...rest } = item;
  if (body === undefined) return item;
  if ('text' in rest || 'suggestions' in rest)
    throw new MessageBodyError(item, 'plain text or suggestions beside body');
  return { ...rest, ...decodeBody(item, body) };
}

function decodeBody(item: Record<string, unknown>, body: unknown): MessageBody {
  const bytes = bodyBytes(body);
  if (bytes === undefined) throw new MessageBodyError(item, 'not binary');
  if (bytes[0] !== BROTLI_JSON) throw new MessageBodyError(item, `unknown format ${bytes[0] ?? 'none'}`);
  let json: string;
  try {
    json = brotliDecompressSync(bytes.subarray(1), { maxOutputLength: MAX_BODY_BYTES }).toString('utf8');
  } catch {
    throw new MessageBodyError(item, 'not a Brotli stream');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new MessageBodyError(item, 'not JSON');
  }
  const decoded = strictMessageBody.safeParse(parsed);
  if (!decoded.success) {
    // The paths and codes only: a message (zod's included) could quote what it read.
    const where = decoded.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.code}`);
    throw new MessageBodyError(item, `not a message body: ${where.join(', ')}`);
  }
  return decoded.data;
}

function bodyBytes(body: unknown): Uint8Array | undefined {
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return Buffer.from(body, 'base64');
  return undefined;
}

function keyOf(item: Record<string, unknown>): string {
  const { conversationId, seq } = item;
  const id = typeof conversationId === 'string' ? conversationId : '?';
  const at = typeof seq === 'number' ? seq : '?';
  return `conversationId=${id} seq=${at}`;
}
