/**
 * Use case: a connection closed (`$disconnect`). When it was an operator's last one, their
 * conversations must not wait for someone who is gone, nor be taken away at once from someone who
 * only lost the network for a moment.
 *
 * Primary course:
 *  1. Forget the connection (as for every client).
 *  2. An operator or senior with no other open connection: record the disconnect on the operator
 *     (`disconnectedAt`) and start the grace timer (OPERATOR_GRACE_SECONDS, a delayed message).
 *     When it fires (`fireTimer`), an operator who has not come back goes offline and what
 *     they held goes back to the front of its queue.
 */

import type { OperatorRepository } from '../ports/operator-roster.ts';
import type { ConnectionRepository } from '../ports/sessions.ts';
import type { Clock } from '../ports/system.ts';
import type { TimerQueue } from '../ports/timers.ts';
import type { Connection } from '../sessions.ts';

export interface NoteOperatorDisconnectDeps {
  connections: ConnectionRepository;
  operators: Pick<OperatorRepository, 'markDisconnected'>;
  timers: TimerQueue;
  clock: Clock;
  graceSeconds: number;
}

export async function noteOperatorDisconnect(
  deps: NoteOperatorDisconnectDeps,
  connection: Pick<Connection, 'connectionId' | 'principalId' | 'role'>,
): Promise<'grace_started' | 'not_last' | 'not_operator'> {
  if (connection.role !== 'operator' && connection.role !== 'senior') return 'not_operator';
  const remaining = await deps.connections.listByPrincipal(connection.principalId);
  if (remaining.some((c) => c.connectionId !== connection.connectionId)) return 'not_last';
  const now = deps.clock.now();
  const disconnectedAt = now.toISOString();
  if (!(await deps.operators.markDisconnected(connection.principalId, disconnectedAt))) return 'not_operator';
  await deps.timers.schedule(
    {
      kind: 'operator.grace',
      operatorId: connection.principalId,
      disconnectedAt,
      dueAt: new Date(now.getTime() + deps.graceSeconds * 1000).toISOString(),
    },
    deps.graceSeconds,
  );
  return 'grace_started';
}
