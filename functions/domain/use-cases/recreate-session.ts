/**
 * A caller's session, created again when it is missing. `$connect` creates every session; one is
 * only missing later if it expired while its connection stayed open, and then the citizen's next
 * action (a message, a request for a person) starts a fresh one rather than failing.
 */
import type { Caller } from '#events/authorizer-context.ts';
import type { SessionRepository } from '../ports/sessions.ts';
import type { Clock } from '../ports/system.ts';
import { expiresAfterDays } from '../retention.ts';
import { type Session, startSession } from '../sessions.ts';

export async function recreateSession(
  deps: { sessions: SessionRepository; clock: Clock; retentionDays: number },
  caller: Caller,
): Promise<Session> {
  const now = deps.clock.now();
  const fresh = startSession({
    sessionId: caller.sessionId,
    lang: caller.lang,
    now,
    expiresAt: expiresAfterDays(now, deps.retentionDays),
  });
  await deps.sessions.createIfAbsent(fresh);
  // Another invocation may have created it first: read what won.
  return (await deps.sessions.get(caller.sessionId)) ?? fresh;
}
