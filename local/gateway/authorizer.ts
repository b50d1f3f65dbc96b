/**
 * The REQUEST authorizer on `$connect`, as API Gateway calls it: the event with the method ARN,
 * and its verdict — a thrown `Unauthorized` refuses the upgrade with 401, a Deny policy with 403,
 * an Allow policy admits the connection with the authorizer's context, every value a string.
 */
import type { LocalFunction } from '../functions.ts';

export class UnauthorizedError extends Error {}
/** A Deny policy: API Gateway answers 403, where a thrown `Unauthorized` gives 401. */
export class ForbiddenError extends Error {}

/** Calls the authorizer; the context the routes will see, or UnauthorizedError / ForbiddenError. */
export async function callAuthorizer(
  authorizer: LocalFunction,
  event: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  let result: unknown;
  try {
    result = await authorizer.invoke({ type: 'REQUEST', ...event });
  } catch (error) {
    if (error instanceof Error && error.message === 'Unauthorized') throw new UnauthorizedError();
    throw error;
  }
  return allowedContext(result);
}

function allowedContext(result: unknown): Record<string, unknown> {
  const r = (result ?? {}) as {
    principalId?: unknown;
    policyDocument?: { Statement?: { Effect?: string }[] };
    context?: Record<string, unknown>;
  };
  const statements = r.policyDocument?.Statement ?? [];
  const allowed = statements.length > 0 && statements.every((s) => s.Effect === 'Allow');
  if (!allowed) throw new ForbiddenError();
  return { ...apiGatewayContext(r.context ?? {}), principalId: r.principalId };
}

/**
 * API Gateway hands the routes the authorizer's context with every value as a string, and fails
 * the connection (500) for an object or array value: do the same, so that a handler reading
 * `verified === true` fails here as it would in AWS.
 */
function apiGatewayContext(context: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(context).map(([key, value]) => {
      if (value !== null && typeof value === 'object') {
        throw new Error(`authorizer context value ${key} is not a string, number or boolean`);
      }
      return [key, String(value)];
    }),
  );
}
