/**
 * Pushing a frame to a session's connections when a post fails. The notifier is a scripted fake: a
 * post that times out or meets a 5xx from `@connections` is a fault the local stack cannot produce
 * on demand (docs/protocol.md: delivery is at least once, a client drops a seq it already shows).
 */
import { describe, expect, it } from 'vitest';
import type { MessageFrame } from '#events/server-frames.ts';
import type { ConnectionNotifier, DeliveryOutcome, PushedFrame } from '../ports/delivery.ts';
import type { Connection } from '../sessions.ts';
import { postToAll } from './post-frames.ts';

/** Answers each post of a connection with the next of its scripted outcomes (then `delivered`). */
class ScriptedNotifier implements ConnectionNotifier {
  readonly posts: { connectionId: string; frame: PushedFrame }[] = [];
  constructor(private readonly script: Record<string, DeliveryOutcome[]>) {}
  async post(connectionId: string, frame: PushedFrame): Promise<DeliveryOutcome> {
    this.posts.push({ connectionId, frame });
    return this.script[connectionId]?.shift() ?? 'delivered';
  }
}

const connection = (connectionId: string): Connection => ({
  connectionId,
  principalId: 'session-1',
  sessionId: 'session-1',
  role: 'guest',
  lang: 'ru',
  connectedAt: '2026-12-03T08:00:00.000Z',
  expiresAt: 1_900_000_000,
});

const message: MessageFrame = {
  type: 'message',
  conversationId: 'c-1',
  messageId: 'm-2',
  seq: 2,
  from: 'bot',
  text: 'Ответ',
  ts: '2026-12-03T08:00:01.000Z',
};

function deps(notifier: ConnectionNotifier) {
  const deleted: string[] = [];
  return { deleted, connections: { delete: async (id: string) => void deleted.push(id) }, notifier };
}

describe('posting a frame to the connections of a session', () => {
  it('posts a message once more to a connection whose post failed, and counts it delivered when that one arrives', async () => {
    // Prepare: the first post to tab-a times out; tab-b takes it at once.
    const notifier = new ScriptedNotifier({ 'tab-a': ['failed'] });

    // Act
    const [delivery, gone] = await postToAll(
      deps(notifier),
      [connection('tab-a'), connection('tab-b')],
      message,
    );

    // Assess
    expect(delivery).toEqual({ delivered: 2, gone: 0, failed: 0 });
    expect(gone.size).toBe(0);
    expect(notifier.posts.map((p) => p.connectionId).sort()).toEqual(['tab-a', 'tab-a', 'tab-b']);
  });

  it('gives up after the second failure, and deletes a connection that turns out gone on the second post', async () => {
    // Prepare
    const notifier = new ScriptedNotifier({ flaky: ['failed', 'failed'], leaving: ['failed', 'gone'] });
    const ports = deps(notifier);

    // Act
    const [delivery, gone] = await postToAll(ports, [connection('flaky'), connection('leaving')], message);

    // Assess
    expect(delivery).toEqual({ delivered: 0, gone: 1, failed: 1 });
    expect([...gone]).toEqual(['leaving']);
    expect(ports.deleted).toEqual(['leaving']);
    expect(notifier.posts).toHaveLength(4);
  });

  it('does not post again a frame other than a message (a client gets those again by itself), nor one that was gone', async () => {
    // Prepare
    const notifier = new ScriptedNotifier({ console: ['failed'], closed: ['gone'] });
    const stats: PushedFrame = { type: 'conversation.updated', conversationId: 'c-1', state: 'queued' };

    // Act
    const [updated] = await postToAll(deps(notifier), [connection('console')], stats);
    const [toClosed] = await postToAll(deps(notifier), [connection('closed')], message);

    // Assess
    expect(updated).toEqual({ delivered: 0, gone: 0, failed: 1 });
    expect(toClosed).toEqual({ delivered: 0, gone: 1, failed: 0 });
    expect(notifier.posts).toHaveLength(2);
  });
});
