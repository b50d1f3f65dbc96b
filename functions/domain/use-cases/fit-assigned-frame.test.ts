/**
 * `conversation.assigned` must fit one WebSocket frame (API Gateway refuses over 128 KB): a long
 * conversation sends its newest messages and notes and says where the transcript starts.
 */
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '#events/chat-message.ts';
import type { InternalNote } from '#events/desk-frames.ts';
import type { ConversationAssignedFrame } from '#events/operator-frames.ts';
import { ASSIGNED_FRAME_BUDGET_BYTES, fitAssignedFrame } from './assigned-frame.ts';

const message = (seq: number, length = 4000): ChatMessage => ({
  conversationId: 'c1',
  messageId: `m${seq}`,
  seq,
  from: seq % 2 ? 'citizen' : 'bot',
  text: 'ж'.repeat(length),
  ts: '2026-11-26T00:00:00.000Z',
});

const note = (n: number, length = 2000): InternalNote => ({
  conversationId: 'c1',
  noteId: `n${n}`,
  kind: 'note',
  text: 'п'.repeat(length),
  ts: '2026-11-26T00:00:00.000Z',
  operator: { operatorId: 'op', displayName: 'Анна' },
});

const frameWith = (transcript: ChatMessage[], notes?: InternalNote[]): ConversationAssignedFrame => ({
  type: 'conversation.assigned',
  conversation: {
    conversationId: 'c1',
    state: 'operator',
    lang: 'ru',
    queue: 'general',
    createdAt: '2026-11-26T00:00:00.000Z',
    assignedAt: '2026-11-26T00:10:00.000Z',
  },
  ticket: null,
  intake: { problem: 'не могу войти' },
  transcript,
  ...(notes === undefined ? {} : { notes }),
  citizen: { verified: false },
});

const bytes = (frame: unknown) => Buffer.byteLength(JSON.stringify(frame), 'utf8');

describe('conversation.assigned within one WebSocket frame', () => {
  it('sends a conversation that fits whole, with no marker', () => {
    const frame = frameWith([message(1, 100), message(2, 100)], [note(1, 100)]);

    const fitted = fitAssignedFrame(frame);

    expect(fitted).toEqual(frame);
    expect(fitted).not.toHaveProperty('transcriptFromSeq');
  });

  it('keeps the newest messages of a long conversation and says from which seq', () => {
    // 40 messages of 4000 Cyrillic characters: about 320 KB.
    const frame = frameWith(
      Array.from({ length: 40 }, (_, i) => message(i + 1)),
      [note(1)],
    );

    const fitted = fitAssignedFrame(frame);

    expect(bytes(fitted)).toBeLessThanOrEqual(ASSIGNED_FRAME_BUDGET_BYTES);
    expect(fitted.transcript.at(-1)?.seq).toBe(40);
    expect(fitted.transcriptFromSeq).toBe(fitted.transcript[0]?.seq);
    expect(fitted.transcript.map((m) => m.seq)).toEqual(
      Array.from({ length: fitted.transcript.length }, (_, i) => 41 - fitted.transcript.length + i),
    );
    expect(fitted.transcript.length).toBeGreaterThan(5);
    expect(fitted.notes).toEqual([note(1)]);
    expect(fitted).not.toHaveProperty('notesOmitted');
  });

  it('leaves out the oldest notes too when the notes alone are too many, keeping the last message', () => {
    const frame = frameWith(
      [message(1), message(2)],
      Array.from({ length: 60 }, (_, i) => note(i + 1)),
    );

    const fitted = fitAssignedFrame(frame);

    expect(bytes(fitted)).toBeLessThanOrEqual(ASSIGNED_FRAME_BUDGET_BYTES);
    expect(fitted.transcript.map((m) => m.seq)).toEqual([1, 2]);
    expect(fitted).not.toHaveProperty('transcriptFromSeq');
    expect(fitted.notes?.at(-1)?.noteId).toBe('n60');
    expect(fitted.notesOmitted).toBe(60 - (fitted.notes?.length ?? 0));
    expect(fitted.notesOmitted).toBeGreaterThan(0);
  });
});
