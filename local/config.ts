/** The local stack's settings, read once from the environment, with defaults that just run. */
import * as z from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const seconds = z.coerce.number().positive();

const schema = z.object({
  HTTP_PORT: port.default(3000),
  WS_PORT: port.default(3001),
  DYNAMODB_PORT: port.default(8000),
  AWS_EMULATOR_PORT: port.default(4566),
  /** The local Cognito (cognito-local) where operators sign in. */
  COGNITO_PORT: port.default(9229),
  AWS_REGION: z.string().min(1).default('eu-central-1'),
  WS_IDLE_TIMEOUT_SECONDS: seconds.default(600),
  WS_MAX_CONNECTION_SECONDS: seconds.default(7200),
  SQS_POLLERS_PER_QUEUE: z.coerce.number().int().min(1).max(50).default(5),
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
