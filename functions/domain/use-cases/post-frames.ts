/**
 * Pushing one frame to a list of connections: each post under its own deadline, a connection that
 * answers 410 Gone deleted. Apart from the bot's turn (`bot-turns.ts`) so that what only posts frames
 * (dispatch, the desk, an erasure) does not bundle the bot.
 */
import type { ConnectionNotifier, PushedFrame } from '../ports/delivery.ts';
import type { ConnectionRepository } from '../ports/sessions.ts';
import type { Connection } from '../sessions.ts';

/** How many posts of a frame were delivered, found their connection gone, or failed. */
export interface Delivery {
  delivered: number;
  gone: number;
  failed: number;
}

/**
 * Posts one frame to every listed connection at once; each post has its own deadline. A connection
 * that answers 410 Gone is deleted; the second value names those.
 *
 * A `message` whose post failed (a timeout, a 5xx: neither delivered nor gone) is posted once more:
 * a message frame is the only one a live client does not get again by itself — it would show the
 * message only at its next `history.get` — and delivery is at least once (docs/protocol.md: a
 * client drops a seq it already shows), so a first post that did arrive late costs nothing.
 */
export async function postToAll(
  deps: { connections: Pick<ConnectionRepository, 'delete'>; notifier: ConnectionNotifier },
  connections: Connection[],
  frame: PushedFrame,
): Promise<[Delivery, Set<string>]> {
  const outcomes = await Promise.all(
    connections.map(async ({ connectionId }) => {
      let outcome = await deps.notifier.post(connectionId, frame);
      if (outcome === 'failed' && frame.type === 'message')
        outcome = await deps.notifier.post(connectionId, frame);
      if (outcome === 'gone') await deps.connections.delete(connectionId);
      return [connectionId, outcome] as const;
    }),
  );
  const count = (kind: string) => outcomes.filter(([, o]) => o === kind).length;
  const gone = new Set(outcomes.filter(([, o]) => o === 'gone').map(([id]) => id));
  return [{ delivered: count('delivered'), gone: count('gone'), failed: count('failed') }, gone];
}
