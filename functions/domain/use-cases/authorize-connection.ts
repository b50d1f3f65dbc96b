/**
 * Use case: decide whether a WebSocket upgrade may connect, and as whom (the `$connect` authorizer).
 *
 * Primary course (no `token`):
 *  1. Admit a new guest: a fresh random session id is both the principal and the session.
 *  2. The session language is the `lang` query parameter when it is supported, else Russian.
 *
 * With a `token`: refuse. Citizen resume tokens and operator Cognito tokens are verified by later
 * issues; until then no token can be trusted, and PROTOCOL.md says a bad token is refused, never
 * downgraded to a guest.
 */
import type { AuthorizerContext } from '#events/authorizer-context.ts';
import { langOrDefault } from '#events/lang.ts';
import type { IdGenerator } from '../ports.ts';

export interface ConnectionRequest {
  token?: string;
  lang?: string;
}

export type AuthorizationDecision =
  | { admitted: true; principalId: string; context: AuthorizerContext }
  | { admitted: false };

export function authorizeConnection(
  deps: { ids: IdGenerator },
  request: ConnectionRequest,
): AuthorizationDecision {
  if (request.token !== undefined) return { admitted: false };
  const sessionId = deps.ids.newId();
  return {
    admitted: true,
    principalId: sessionId,
    context: { sessionId, role: 'guest', lang: langOrDefault(request.lang) },
  };
}
