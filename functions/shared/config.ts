/**
 * The functions' configuration: every environment variable a Lambda reads, parsed by zod once,
 * typed. Each setting is read lazily on first use, so a function only needs the variables it uses,
 * and a function that uses a missing or malformed one fails loudly at init, naming the variable
 * (never echoing its value). Defaults are the ones that run on the local stack.
 */
import * as z from 'zod';

interface Setting<T> {
  variable: string;
  schema: z.ZodType<T, unknown>;
}

function setting<T>(variable: string, schema: z.ZodType<T, unknown>): Setting<T> {
  return { variable, schema };
}

const name = z.string().min(1);
const positiveInt = z.coerce.number().int().positive();

const SETTINGS = {
  connectionsTable: setting('CONNECTIONS_TABLE', name),
  sessionsTable: setting('SESSIONS_TABLE', name),
  conversationsTable: setting('CONVERSATIONS_TABLE', name),
  messagesTable: setting('MESSAGES_TABLE', name),
  idempotencyTable: setting('IDEMPOTENCY_TABLE', name),
  botQueueUrl: setting('BOT_QUEUE_URL', z.url()),
  /** The escalation FIFO queue the operators' side consumes (events/escalation.ts). */
  escalationQueueUrl: setting('ESCALATION_QUEUE_URL', z.url()),
  /** The `@connections` API: `https://{apiId}.execute-api.{region}.{urlSuffix}/{stage}`. */
  wsConnectionsEndpoint: setting('WS_CONNECTIONS_ENDPOINT', z.url()),
  knowledgeBaseDir: setting('KNOWLEDGE_BASE_DIR', name),
  messageRetentionDays: setting('MESSAGE_RETENTION_DAYS', positiveInt.default(365)),
  /** Deadline of one PostToConnection: the SDK call is known to hang past its own timeouts. */
  postTimeoutMs: setting('POST_TIMEOUT_MS', positiveInt.default(3000)),
  /** Lifetime of a resume token from its issue; every hello issues a fresh one (sliding). */
  resumeTokenTtlSeconds: setting('RESUME_TOKEN_TTL_SECONDS', positiveInt.default(24 * 60 * 60)),
  /** How long the token a connection resumed with stays valid after that connection's hello. */
  resumeTokenGraceSeconds: setting('RESUME_TOKEN_GRACE_SECONDS', positiveInt.default(5 * 60)),
};

type Settings = typeof SETTINGS;
export type Config = { readonly [K in keyof Settings]: Settings[K] extends Setting<infer T> ? T : never };

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Environment variable ${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

/** Builds a config over `env` whose properties parse their variable on first read, then remember it. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = new Map<string, unknown>();
  const config = {};
  for (const [key, { variable, schema }] of Object.entries(SETTINGS) as [string, Setting<unknown>][]) {
    Object.defineProperty(config, key, {
      enumerable: true,
      get() {
        if (!parsed.has(key)) parsed.set(key, parseVariable(variable, schema, env[variable]));
        return parsed.get(key);
      },
    });
  }
  return config as Config;
}

function parseVariable(
  variable: string,
  schema: z.ZodType<unknown, unknown>,
  raw: string | undefined,
): unknown {
  // An empty variable is an unset one: the default applies, or it is reported missing.
  const result = schema.safeParse(raw === '' ? undefined : raw);
  if (result.success) return result.data;
  throw new ConfigError(variable, raw === undefined || raw === '' ? 'missing' : 'malformed');
}

export const config: Config = readConfig();
