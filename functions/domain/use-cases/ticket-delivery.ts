/**
 * Pushing ticket frames to the citizen a ticket belongs to: every open connection of the session
 * that opened it and, once the citizen is verified, of every session of that citizen (another tab,
 * the mobile app). Each frame is rendered per connection, in that connection's language, so a
 * status label reads in the language the citizen is using there.
 */
import type { Lang } from '#events/lang.ts';
import type { ConnectionNotifier, PushedFrame } from '../ports/delivery.ts';
import type { CitizenSessionLookup, ConnectionRepository } from '../ports/sessions.ts';
import type { Connection } from '../sessions.ts';
import type { Ticket } from '../tickets.ts';
import { postToAll } from './post-frames.ts';

export interface TicketDeliveryDeps {
  connections: ConnectionRepository;
  notifier: ConnectionNotifier;
  citizenSessions: CitizenSessionLookup;
}

/** The open connections of the ticket's citizen (their session's, and all their sessions' if verified). */
export async function citizenConnections(
  deps: Pick<TicketDeliveryDeps, 'connections' | 'citizenSessions'>,
  ticket: Pick<Ticket, 'sessionId' | 'citizenId'>,
): Promise<Connection[]> {
  const sessionIds = new Set<string>();
  if (ticket.sessionId !== undefined) sessionIds.add(ticket.sessionId);
  if (ticket.citizenId !== undefined) {
    for (const sessionId of await deps.citizenSessions.sessionIdsOf(ticket.citizenId))
      sessionIds.add(sessionId);
  }
  const lists = await Promise.all([...sessionIds].map((id) => deps.connections.listByPrincipal(id)));
  const byId = new Map<string, Connection>();
  // Citizens' connections only: a principal is a session id, never an operator's sub, but be sure.
  for (const connection of lists.flat()) {
    if (connection.role === 'guest' || connection.role === 'citizen')
      byId.set(connection.connectionId, connection);
  }
  return [...byId.values()];
}

/**
 * Posts the frames `render` makes for each connection's language, in order, to every connection;
 * a connection that is gone is deleted and skipped. Answers how many connections got the first frame.
 */
export async function deliverToCitizen(
  deps: TicketDeliveryDeps,
  connections: Connection[],
  render: (lang: Lang) => PushedFrame[],
): Promise<number> {
  const byLang = new Map<Lang, Connection[]>();
  for (const connection of connections) {
    byLang.set(connection.lang, [...(byLang.get(connection.lang) ?? []), connection]);
  }
  let delivered = 0;
  await Promise.all(
    [...byLang].map(async ([lang, group]) => {
      let live = group;
      for (const [index, frame] of render(lang).entries()) {
        const [outcome, gone] = await postToAll(deps, live, frame);
        if (index === 0) delivered += outcome.delivered;
        live = live.filter((connection) => !gone.has(connection.connectionId));
      }
    }),
  );
  return delivered;
}
