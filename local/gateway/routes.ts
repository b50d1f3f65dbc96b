/**
 * Routes as API Gateway's WebSocket APIs pick and answer them: selection on
 * `$request.body.<field>` with `$default` as the fallback (also for a body that is not JSON), and
 * what a route's integration returned — its status for `$connect`, its body as the route response.
 */
import type { WebSocketApiSpec } from '../template.ts';

export function selectRoute(api: WebSocketApiSpec, body: string): string {
  const field = /^\$request\.body\.(.+)$/.exec(api.routeSelectionExpression)?.[1] ?? 'action';
  try {
    const parsed: unknown = JSON.parse(body);
    const value =
      typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)[field] : undefined;
    if (typeof value === 'string' && api.routes.has(value) && !value.startsWith('$')) return value;
  } catch {
    // Not JSON: route selection cannot evaluate, so API Gateway takes $default.
  }
  return '$default';
}

export function statusOf(result: unknown): number {
  const status = (result as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' ? status : 200;
}

export function bodyOf(result: unknown): string | undefined {
  if (typeof result === 'string') return result;
  const body = (result as { body?: unknown } | undefined)?.body;
  return typeof body === 'string' ? body : undefined;
}
