/**
 * Use case: a sign of life from an operator's console (`operator.heartbeat`, and every other frame
 * an operator sends). An operator is offered conversations only while their presence lease runs
 * (PRESENCE_LEASE_SECONDS from their last frame); the lease timer (`fire-timer.ts`) hands back what
 * a console that went quiet holds.
 *
 * Primary course:
 *  1. Renew the lease: it runs PRESENCE_LEASE_SECONDS from now; a pending disconnect is cleared
 *     (a frame comes from a live connection); the role is stored as the user pool gives it now (a
 *     demoted senior no longer serves the senior queue: `serves`).
 *  2. Answer the operator's status as stored and the lease's end (`offline` for an operator who
 *     never said `operator.status`, or whose lease lapsed before: the console then says
 *     `operator.status` again); on line or away, also their skills and chat limit as stored, so that
 *     a console opened in another tab joins them as they are.
 */
import { leaseUntil, type Operator } from '../operator-roster.ts';
import type { OperatorRepository } from '../ports/operator-roster.ts';
import type { Clock } from '../ports/system.ts';

export interface RenewPresenceDeps {
  operators: Pick<OperatorRepository, 'renewLease'>;
  clock: Clock;
  settings: { presenceLeaseSeconds: number };
}

export interface Presence {
  status: 'online' | 'away' | 'offline';
  leaseUntil: string;
  /** Present unless `offline`. */
  skills?: Operator['skills'];
  maxChats?: number;
}

export async function renewPresence(
  deps: RenewPresenceDeps,
  operatorId: string,
  role: Operator['role'],
): Promise<Presence> {
  const until = leaseUntil(deps.clock.now(), deps.settings.presenceLeaseSeconds);
  const operator = await deps.operators.renewLease(operatorId, until, role);
  if (!operator || operator.status === 'offline') return { status: 'offline', leaseUntil: until };
  return { status: operator.status, leaseUntil: until, skills: operator.skills, maxChats: operator.maxChats };
}

/** What a route renews the lease with, for a staff caller (`routeHandler`'s `presence`). */
export interface PresenceRenewer {
  /** `role`: as the user pool says now — a demoted senior stops serving the senior queue with it. */
  renew(operatorId: string, role: Operator['role']): Promise<Presence>;
}
