/**
 * Use case: a client has connected (`$connect`, after the authorizer admitted it).
 *
 * Primary course:
 *  1. Create the caller's session unless it exists (a resumed session keeps its state). Operators
 *     and seniors have none: their principal is their Cognito `sub`, and a chat session under it
 *     would let `hello` mint a resume token that reconnects without Cognito.
 *  2. Store the connection, so that frames for the session can reach it, with an expiry past
 *     API Gateway's 2-hour maximum in case `$disconnect` never arrives.
 */
import type { Caller } from '#events/authorizer-context.ts';
import type { ConnectionRepository, SessionRepository } from '../ports/sessions.ts';
import type { Clock } from '../ports/system.ts';
import { expiresAfterDays, expiresAfterSeconds } from '../retention.ts';
import { CONNECTION_LIFETIME_SECONDS, startSession } from '../sessions.ts';

export interface OpenConnectionDeps {
  sessions: SessionRepository;
  connections: ConnectionRepository;
  clock: Clock;
  retentionDays: number;
}

export interface OpenConnectionInput {
  connectionId: string;
  caller: Caller;
  connectedAt: Date;
}

export async function openConnection(deps: OpenConnectionDeps, input: OpenConnectionInput): Promise<void> {
  const { caller, connectedAt } = input;
  const now = deps.clock.now();
  const staff = caller.role === 'operator' || caller.role === 'senior';
  if (!staff) {
    await deps.sessions.createIfAbsent(
      startSession({
        sessionId: caller.sessionId,
        lang: caller.lang,
        now,
        expiresAt: expiresAfterDays(now, deps.retentionDays),
      }),
    );
  }
  await deps.connections.save({
    connectionId: input.connectionId,
    principalId: caller.principalId,
    sessionId: caller.sessionId,
    role: caller.role,
    lang: caller.lang,
    connectedAt: connectedAt.toISOString(),
    expiresAt: expiresAfterSeconds(connectedAt, CONNECTION_LIFETIME_SECONDS),
  });
}
