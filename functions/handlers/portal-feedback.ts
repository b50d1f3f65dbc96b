/**
 * `POST /feedback` (HTTP API, payload v2): the portal's feedback form creates a ticket and answers
 * `201 {ticketId, number}`. JSON body {name?, contact, category?, text, lang?}; an optional
 * `Idempotency-Key` header makes a double submit answer the first ticket again (and a different body
 * under a used key 422). A body over 32 KB is refused by its size before it is decoded or parsed;
 * posts are counted per source address before the body is read, and per contact before anything
 * is stored (429 RATE_LIMITED with `retryAfter` and `Retry-After`). Errors: `{code, message,
 * details?}` with docs/protocol.md's codes (400 BAD_REQUEST, 413 PAYLOAD_TOO_LARGE, 422 for a
 * reused key, 429 RATE_LIMITED, 500 INTERNAL). Neither the contact nor
 * the text is ever logged.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DynamoRateCounter } from '#adapters/dynamodb/rate-counter.ts';
import { DynamoTicketRepository } from '#adapters/dynamodb/ticket-repository.ts';
import { HmacCitizenIds } from '#adapters/identity-hasher.ts';
import { citizenIdKey } from '#adapters/secret-keys.ts';
import { randomIds, systemClock } from '#adapters/system.ts';
import { countShared, formPostCountingByIp, InstanceCounters, rateLimited } from '#domain/client-limits.ts';
import { errorMessage } from '#domain/error-messages.ts';
import { ChatError } from '#domain/errors.ts';
import { IdempotencyKeyReusedError, submitPortalFeedback } from '#domain/use-cases/submit-portal-feedback.ts';
import { type Lang, langOrDefault } from '#events/lang.ts';
import type { ErrorCode, ErrorDetail } from '#events/server-frames.ts';
import {
  idempotencyKeySchema,
  type PortalFeedbackCreated,
  portalFeedbackRequestSchema,
} from '#events/tickets.ts';
import { clientLimits } from '#shared/client-limits.ts';
import { config } from '#shared/config.ts';
import { toDetails } from '#shared/error-details.ts';
import { logger } from '#shared/observability.ts';

const deps = {
  tickets: new DynamoTicketRepository({ ticketsTable: config.ticketsTable }),
  identities: new HmacCitizenIds(citizenIdKey(config)),
  clock: systemClock,
  ids: randomIds,
  retentionDays: config.ticketRetentionDays,
  postLimits: {
    limits: clientLimits(config),
    counter: new DynamoRateCounter(config.limitsTable),
    instance: new InstanceCounters(),
  },
};

/** Far above a 4,000-character text with a name and a contact; refused before parsing. */
const MAX_BODY_BYTES = 32 * 1024;

type Result = APIGatewayProxyStructuredResultV2;

export const handler = middy<APIGatewayProxyEventV2, Result>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const raw = event.body ?? '';
    // The size first, before the body is decoded or parsed: an oversized body is never read, so
    // its answer is in the language of `Accept-Language` (the form's `lang` is in the body).
    const size = event.isBase64Encoded ? Math.floor((raw.length * 3) / 4) : Buffer.byteLength(raw, 'utf8');
    if (size > MAX_BODY_BYTES) {
      const tooLarge = new ChatError('PAYLOAD_TOO_LARGE', {
        details: [{ field: 'body', problem: `larger than ${MAX_BODY_BYTES} bytes` }],
      });
      return errorResult(tooLarge, acceptedLang(headerOf(event, 'accept-language')));
    }
    // Then the address's count, still before the body is read: a flood costs one write a post.
    const { limits, counter, instance } = deps.postLimits;
    const byIp = await countShared(
      counter,
      instance,
      formPostCountingByIp(limits, event.requestContext.http.sourceIp),
      new Date(),
    );
    if (!byIp.allowed)
      return errorResult(rateLimited(byIp.retryAfter), acceptedLang(headerOf(event, 'accept-language')));
    const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
    const body = parseJson(text);
    const lang = langOrDefault((body as { lang?: unknown } | undefined)?.lang);
    try {
      if (body === undefined) throw badRequestOf([{ field: 'body', problem: 'not a JSON object' }]);
      const request = portalFeedbackRequestSchema.safeParse(body);
      if (!request.success) throw badRequestOf(toDetails(request.error, 'body'));
      const key = headerOf(event, 'idempotency-key');
      if (key !== undefined && !idempotencyKeySchema.safeParse(key).success) {
        throw badRequestOf([{ field: 'Idempotency-Key', problem: '8–128 visible ASCII characters' }]);
      }
      const { ticket, created } = await submitPortalFeedback(deps, request.data, key);
      logger.info('portal feedback ticket', {
        ticketId: ticket.ticketId,
        created,
        category: ticket.category,
      });
      const answer: PortalFeedbackCreated = { ticketId: ticket.ticketId, number: ticket.number };
      return json(201, answer, created ? {} : { 'idempotent-replayed': 'true' });
    } catch (error) {
      return errorResult(error, lang);
    }
  });

function errorResult(error: unknown, lang: Lang): Result {
  if (error instanceof IdempotencyKeyReusedError) {
    logger.info('portal feedback refused', { code: 'CONFLICT', reason: 'idempotency_key_reused' });
    return json(422, { code: 'CONFLICT', message: errorMessage('CONFLICT', lang) });
  }
  if (error instanceof ChatError) {
    logger.info('portal feedback refused', { code: error.code, fields: error.details?.map((d) => d.field) });
    return json(
      STATUS[error.code] ?? 400,
      {
        code: error.code,
        message: errorMessage(error.code, lang),
        ...(error.details?.length ? { details: error.details } : {}),
        ...(error.retryAfter === undefined ? {} : { retryAfter: error.retryAfter }),
      },
      error.retryAfter === undefined ? {} : { 'retry-after': String(error.retryAfter) },
    );
  }
  logger.error('portal feedback failed', { error });
  return json(500, { code: 'INTERNAL', message: errorMessage('INTERNAL', lang) });
}

const STATUS: Partial<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400,
  PAYLOAD_TOO_LARGE: 413,
  CONFLICT: 409,
  RATE_LIMITED: 429,
};

/** English when `Accept-Language` prefers it over Russian, else Russian (the portal's default). */
function acceptedLang(header: string | undefined): Lang {
  const first = header?.split(',')[0]?.trim().toLowerCase() ?? '';
  return langOrDefault(first.startsWith('en') ? 'en' : 'ru');
}

function badRequestOf(details: ErrorDetail[]): ChatError {
  return new ChatError('BAD_REQUEST', { details });
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** HTTP API lower-cases header names in payload v2; be lenient with other callers all the same. */
function headerOf(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const headers = event.headers ?? {};
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  return found?.[1];
}

function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): Result {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}
