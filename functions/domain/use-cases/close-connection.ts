/**
 * Use case: a client has gone (`$disconnect`, or a post answered 410 Gone).
 *
 * Primary course:
 *  1. Forget the connection. Doing it twice is harmless: API Gateway may deliver `$disconnect`
 *     after a 410 already removed it.
 */
import type { ConnectionRepository } from '../ports/sessions.ts';

export async function closeConnection(
  deps: { connections: ConnectionRepository },
  connectionId: string,
): Promise<void> {
  await deps.connections.delete(connectionId);
}
