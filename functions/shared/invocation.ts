/**
 * Functions invoked directly by the platform team (AuditExport, PrivacyErase): the payload parsed
 * by its zod schema, the work run, and a refusal answered as a value with the protocol's error code
 * (docs/protocol.md, "Errors") instead of a Lambda error, so `aws lambda invoke` prints why.
 * Anything unexpected is thrown: Lambda reports it as a function error, and it is logged.
 */
import { ChatError } from '#domain/errors.ts';
import type { ErrorCode, ErrorDetail } from '#events/server-frames.ts';
import type * as z from '#events/zod.ts';
import { toDetails } from './error-details.ts';

export interface InvocationRefusal {
  status: 'error';
  code: ErrorCode;
  details?: ErrorDetail[];
}

export async function invocationResult<Request, Result>(
  schema: z.ZodMiniType<Request, unknown>,
  event: unknown,
  run: (request: Request) => Promise<Result>,
): Promise<Result | InvocationRefusal> {
  const parsed = schema.safeParse(event);
  if (!parsed.success) return { status: 'error', code: 'BAD_REQUEST', details: toDetails(parsed.error) };
  try {
    return await run(parsed.data);
  } catch (error) {
    if (error instanceof ChatError) {
      return { status: 'error', code: error.code, ...(error.details ? { details: error.details } : {}) };
    }
    throw error;
  }
}
