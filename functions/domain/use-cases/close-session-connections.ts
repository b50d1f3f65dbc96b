/**
 * Use case: the server closes the open connections of a session — when the session was identified
 * on one of them (the others must reconnect with the token that one got), and when it is signed out.
 *
 * Primary course, for every connection of the session but `except`:
 *  1. Forget it in the registry first, so nothing pushed to the session from now on reaches it,
 *     even if closing it fails.
 *  2. Push `connection.closed` {sessionId, reason} (the client learns why), then close it
 *     (`DeleteConnection`: close code 1000; API Gateway then sends its `$disconnect`).
 *  Answer how many were closed; a connection already gone counts as closed, a failure does not.
 *
 * The registry's index is eventually consistent: a connection opened in the same instant may be
 * missed. The authorization of every frame that reads the citizen's data checks the session again
 * (functions/domain/authorization.ts), so such a connection reads nothing as the citizen.
 */
import type { ConnectionCloseReason } from '#events/session-frames.ts';
import type { ConnectionCloser, ConnectionNotifier } from '../ports/delivery.ts';
import type { ConnectionRepository } from '../ports/sessions.ts';

export interface CloseSessionConnectionsDeps {
  connections: ConnectionRepository;
  notifier: ConnectionNotifier;
  closer: ConnectionCloser;
}

export interface ClosedConnections {
  closed: number;
  failed: number;
}

export async function closeSessionConnections(
  deps: CloseSessionConnectionsDeps,
  input: { sessionId: string; reason: ConnectionCloseReason; except?: string },
): Promise<ClosedConnections> {
  const open = (await deps.connections.listByPrincipal(input.sessionId)).filter(
    (connection) => connection.connectionId !== input.except,
  );
  const outcomes = await Promise.all(
    open.map(async ({ connectionId }) => {
      await deps.connections.delete(connectionId);
      await deps.notifier.post(connectionId, {
        type: 'connection.closed',
        sessionId: input.sessionId,
        reason: input.reason,
      });
      return deps.closer.close(connectionId);
    }),
  );
  const failed = outcomes.filter((outcome) => outcome === 'failed').length;
  return { closed: outcomes.length - failed, failed };
}
