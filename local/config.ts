/** The local stack's settings, read once from the environment, with defaults that just run. */
import * as z from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const seconds = z.coerce.number().positive();
/** An origin as browsers send it in `Origin`: scheme, host and port, no path. */
const origin = z.url().regex(/^https?:\/\/[^/]+$/, 'an origin: scheme and host, no path');

/** The address every listener of the stack binds to (docs/local-stack.md, "On a shared network"). */
export const DEFAULT_LOCAL_HOST = '127.0.0.1';

const schema = z.object({
  HTTP_PORT: port.default(3000),
  WS_PORT: port.default(3001),
  DYNAMODB_PORT: port.default(8000),
  AWS_EMULATOR_PORT: port.default(4566),
  /** The local Cognito (cognito-local) where operators sign in. */
  COGNITO_PORT: port.default(9229),
  /**
   * Where every listener binds (HTTP, WebSocket, DynamoDB Local, fauxqs, the local Cognito):
   * loopback unless told otherwise. The emulators have no authentication and the seeded accounts'
   * keys are public: another address exposes them to the whole network.
   */
  LOCAL_HOST: z.union([z.ipv4(), z.ipv6()]).default(DEFAULT_LOCAL_HOST),
  /**
   * Pages on other origins that may open the gateway from a browser, besides the stack's own
   * pages on HTTP_PORT: comma-separated origins, e.g. `http://localhost:5173`.
   */
  LOCAL_ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((list) =>
      list
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(z.array(origin)),
  AWS_REGION: z.string().min(1).default('eu-central-1'),
  WS_IDLE_TIMEOUT_SECONDS: seconds.default(600),
  WS_MAX_CONNECTION_SECONDS: seconds.default(7200),
  SQS_POLLERS_PER_QUEUE: z.coerce.number().int().min(1).max(50).default(5),
  /**
   * Count every AWS call of the functions (by function, service and operation, with DynamoDB's
   * capacity units) and serve the counts at `GET /local/aws-calls` (`DELETE` starts afresh):
   * local/aws-calls.ts, what `npm run bench`, `npm run cost` and the request budgets read.
   */
  LOCAL_COUNT_AWS_CALLS: z.stringbool().default(false),
  /**
   * At most this many DynamoDB requests of the stack's process (its functions) in flight to DynamoDB Local at once, the
   * others waiting in order (local/dynamodb-gate.ts: it locks whole tables, and convoys past a dozen);
   * 0 lets every request through.
   */
  LOCAL_DYNAMODB_CONCURRENCY: z.coerce.number().int().min(0).max(1000).default(12),
  /**
   * A template this checkout synthesized moments before (`writeSynthesizedTemplate`), used instead
   * of synthesizing again: a test run synthesizes once for the shared stack and the stacks of the
   * `own-stack` files (test/template-setup.ts). Unset, the stack synthesizes its own, from the code
   * as it is now.
   */
  LOCAL_TEMPLATE_FILE: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']).default('INFO'),
});

export type LocalConfig = z.infer<typeof schema>;

export function readLocalConfig(env: NodeJS.ProcessEnv = process.env): LocalConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`bad local stack configuration: ${problems}`);
  }
  return parsed.data;
}

/**
 * The address the stack's own clients reach a listener on: the bound address, or loopback when
 * the listener binds every interface (`0.0.0.0`, `::`); IPv6 in brackets, as URLs want it.
 */
export function reachableHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return DEFAULT_LOCAL_HOST;
  return host.includes(':') ? `[${host}]` : host;
}
