/**
 * The whole system on one machine: synthesizes the CDK stack, starts the emulators, creates the
 * template's resources on them, loads the template's functions with their environments, and serves
 * the WebSocket gateway, the SQS and DynamoDB stream event source mappings, the EventBridge
 * Scheduler schedules and the HTTP side. `stop()` undoes it all.
 */
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AwsCallCounter } from './aws-calls.ts';
import { type LocalCognito, startLocalCognito } from './cognito.ts';
import { type LocalConfig, reachableHost } from './config.ts';
import { gateDynamoDbRequests } from './dynamodb-gate.ts';
import { type Emulators, LOCAL_CREDENTIALS, startEmulators } from './emulators.ts';
import { functionEnvironment, type LocalFunction, loadFunctions } from './functions.ts';
import { type Gateway, startGateway } from './gateway/gateway.ts';
import { type LocalHttp, startHttp } from './http.ts';
import { httpApiRouteHandler } from './http-api.ts';
import type { TableSchemas } from './item-size.ts';
import { type Poller, startPoller } from './pollers.ts';
import { claimPort } from './ports.ts';
import { arnOf, type LocalAccount, physicalName } from './resolve.ts';
import { createResources, tableSchemas } from './resources.ts';
import { s3UploadEndpoint } from './s3-uploads.ts';
import { type LocalSchedules, startSchedules } from './schedules.ts';
import { startStreamPoller } from './stream-pollers.ts';
import {
  bucketEventRules,
  httpApiRoutes,
  readSynthesizedTemplate,
  scheduleSpecs,
  sqsEventSourceMappings,
  streamEventSourceMappings,
  type Template,
  webSocketApi,
} from './template.ts';
import { serveWebPages } from './web.ts';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ACCOUNT_ID = '000000000000';

export interface LocalStack {
  httpUrl: string;
  wsUrl: string;
  /** The environment the functions run with (table names, queue URLs, endpoints, credentials). */
  functionEnv: Record<string, string>;
  functions: Map<string, LocalFunction>;
  /** The EventBridge Scheduler schedules of the template, run here: their period in seconds by logical id. */
  schedulePeriods: ReadonlyMap<string, number>;
  /** The local Cognito of the operators, with its seeded accounts. */
  cognito: LocalCognito;
  startupMs: number;
  stop(): Promise<void>;
}

export async function startLocalStack(config: LocalConfig, log: (line: string) => void): Promise<LocalStack> {
  const started = performance.now();
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse())
      await cleanup().catch((e: unknown) => log(`stop: ${String(e)}`));
  };
  // Every listener binds here (loopback unless LOCAL_HOST says otherwise); clients use `host`.
  const bindHost = config.LOCAL_HOST;
  const host = reachableHost(bindHost);
  try {
    const [httpPort, wsPort, dynamoDbPort, awsPort, cognitoPort] = await Promise.all([
      claimPort(config.HTTP_PORT, bindHost, 'HTTP', 'HTTP_PORT'),
      claimPort(config.WS_PORT, bindHost, 'WebSocket', 'WS_PORT'),
      claimPort(config.DYNAMODB_PORT, bindHost, 'DynamoDB Local', 'DYNAMODB_PORT'),
      claimPort(config.AWS_EMULATOR_PORT, bindHost, 'SQS/SNS/S3 emulator', 'AWS_EMULATOR_PORT'),
      claimPort(config.COGNITO_PORT, bindHost, 'local Cognito', 'COGNITO_PORT'),
    ]);
    const http: LocalHttp = await startHttp(httpPort, bindHost);
    cleanups.push(() => http.close());

    // Java takes seconds to start: synthesize meanwhile.
    const [emulatorsStarted, synthesized] = await Promise.allSettled([
      startEmulators({ dynamoDbPort, awsPort, host: bindHost, region: config.AWS_REGION }),
      templateOf(config),
    ]);
    if (emulatorsStarted.status === 'fulfilled') cleanups.push(() => emulatorsStarted.value.stop());
    if (emulatorsStarted.status === 'rejected') throw emulatorsStarted.reason;
    if (synthesized.status === 'rejected') throw synthesized.reason;
    const emulators: Emulators = emulatorsStarted.value;
    const template: Template = synthesized.value;

    const api = webSocketApi(template);
    const account: LocalAccount = {
      region: config.AWS_REGION,
      accountId: ACCOUNT_ID,
      connectionsEndpoint: `http://${host}:${wsPort}/${api.stageName}`,
      queueUrls: new Map(),
    };
    // The local Cognito starts (a child process, ~0.6 s) while the resources are created.
    const [cognitoStarted, resourcesCreated] = await Promise.allSettled([
      startLocalCognito({ template, port: cognitoPort, host: bindHost, region: config.AWS_REGION }),
      createResources(template, account, {
        dynamoDb: emulators.dynamoDbEndpoint,
        aws: emulators.awsEndpoint,
      }),
    ]);
    if (cognitoStarted.status === 'fulfilled') cleanups.push(() => cognitoStarted.value.stop());
    if (cognitoStarted.status === 'rejected') throw cognitoStarted.reason;
    if (resourcesCreated.status === 'rejected') throw resourcesCreated.reason;
    const cognito = cognitoStarted.value;

    const functionEnv = {
      ...functionEnvironment(template, account, REPO_ROOT),
      ...awsEnvironment(config, emulators),
      ...localOnlyEnvironment(host, http.port),
      // Uploads are presigned for the policy-checking endpoint in front of the emulator (local/s3-uploads.ts).
      ATTACHMENT_UPLOAD_ENDPOINT: `http://${host}:${http.port}${UPLOADS_PATH}`,
      // No GuardDuty here: the local scanner flags the EICAR test file (functions/adapters/malware-scanner.ts).
      ATTACHMENT_SCANNER: 'local-eicar',
      // The authorizer admits browsers from the stack's own pages and the listed ones only.
      ALLOWED_ORIGINS: localPageOrigins(config, host, http.port).join(','),
      // The authorizer fetches the pool's JWKS from the local Cognito (functions/adapters/cognito-verifier.ts).
      COGNITO_JWKS_URL: cognito.jwksUrl,
      // Staff routes check every operator's frame against the pool (AdminGetUser, AdminListGroupsForUser).
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.endpoint,
      ...(config.LOG_LEVEL === 'SILENT'
        ? { POWERTOOLS_LOG_LEVEL: 'SILENT' }
        : { POWERTOOLS_LOG_LEVEL: config.LOG_LEVEL }),
    };
    // Settings the developer exported (e.g. a shorter SLA) win over the template's defaults.
    for (const [name, value] of Object.entries(functionEnv)) process.env[name] ??= value;
    Object.assign(process.env, awsEnvironment(config, emulators));
    const functions = await loadFunctions(template, account, REPO_ROOT);
    // DynamoDB Local locks whole tables: past a dozen requests in flight they only queue inside it.
    if (config.LOCAL_DYNAMODB_CONCURRENCY > 0) {
      const ungate = gateDynamoDbRequests(config.LOCAL_DYNAMODB_CONCURRENCY);
      cleanups.push(async () => ungate());
    }
    if (config.LOCAL_COUNT_AWS_CALLS) serveAwsCallCounts(http, functions.values(), tableSchemas(template));

    const gateway: Gateway = await startGateway({
      api,
      functions,
      port: wsPort,
      host: bindHost,
      region: config.AWS_REGION,
      accountId: ACCOUNT_ID,
      idleTimeoutSeconds: config.WS_IDLE_TIMEOUT_SECONDS,
      maxConnectionSeconds: config.WS_MAX_CONNECTION_SECONDS,
      log,
    });
    cleanups.push(() => gateway.close());

    // The HTTP API routes of the template (POST /feedback) on the local HTTP side.
    for (const route of httpApiRoutes(template)) {
      const fn = functions.get(route.functionId);
      if (!fn) throw new Error(`HTTP route ${route.routeKey} → ${route.functionId}`);
      http.addRoute(route.routeKey, httpApiRouteHandler(route.routeKey, fn, ACCOUNT_ID));
    }

    // S3's presigned POST and its `Object Created` events, which the emulator has neither of.
    serveUploads(http, template, account, emulators, config);

    const pollers: Poller[] = sqsEventSourceMappings(template).map((mapping) => {
      const fn = functions.get(mapping.functionId);
      const queueUrl = account.queueUrls.get(mapping.queueId);
      const queue = template.Resources[mapping.queueId];
      if (!fn || !queueUrl || !queue)
        throw new Error(`event source mapping ${mapping.queueId} → ${mapping.functionId}`);
      return startPoller({
        mapping,
        fn,
        queueUrl,
        queueArn: arnOf(mapping.queueId, queue, account),
        endpoint: emulators.awsEndpoint,
        region: config.AWS_REGION,
        concurrency: Math.min(
          mapping.maximumConcurrency ?? config.SQS_POLLERS_PER_QUEUE,
          config.SQS_POLLERS_PER_QUEUE,
        ),
        log,
      });
    });
    cleanups.push(async () => void (await Promise.all(pollers.map((p) => p.stop()))));

    // Iterators are taken before the stack reports ready, so LATEST means "after start-up".
    const streamPollers: Poller[] = [];
    cleanups.push(async () => void (await Promise.all(streamPollers.map((p) => p.stop()))));
    for (const mapping of streamEventSourceMappings(template)) {
      const fn = functions.get(mapping.functionId);
      const streamArn = account.streamArns?.get(mapping.tableId);
      if (!fn || !streamArn)
        throw new Error(`stream event source mapping ${mapping.tableId} → ${mapping.functionId}`);
      streamPollers.push(
        await startStreamPoller({
          mapping,
          fn,
          streamArn,
          endpoint: emulators.dynamoDbEndpoint,
          region: config.AWS_REGION,
          log,
        }),
      );
    }

    // EventBridge Scheduler's schedules, at the template's rate or the `local:rateEnv` override.
    const schedules: LocalSchedules = startSchedules({
      specs: scheduleSpecs(template),
      template,
      functions,
      env: process.env,
      region: config.AWS_REGION,
      accountId: ACCOUNT_ID,
      log,
    });
    cleanups.push(() => schedules.stop());

    const httpUrl = `http://${host}:${http.port}`;
    const wsUrl = `ws://${host}:${gateway.port}/`;
    serveWebPages(http, {
      connectSources: [wsUrl, cognito.endpoint],
      // Uploads go to the policy-checking endpoint, thumbnails come from the emulator (presigned GETs).
      attachments: { uploads: [functionEnv.ATTACHMENT_UPLOAD_ENDPOINT], downloads: [emulators.awsEndpoint] },
    });
    http.markReady({
      wsUrl,
      region: config.AWS_REGION,
      stage: api.stageName,
      cognito: {
        region: cognito.region,
        userPoolId: cognito.userPoolId,
        clientId: cognito.clientId,
        endpoint: cognito.endpoint,
        // cognito-local has no SRP: the console signs in with USER_PASSWORD_AUTH here only.
        local: true,
      },
      // Local only: the seeded operator and senior (passwords generated at each start).
      devAccounts: cognito.devAccounts,
    });
    return {
      httpUrl,
      wsUrl,
      functionEnv: { ...functionEnv, ...awsEnvironment(config, emulators) },
      functions,
      schedulePeriods: schedules.periods,
      cognito,
      startupMs: performance.now() - started,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `LOCAL_COUNT_AWS_CALLS`: every AWS call of the functions counted, the counts on the HTTP side. */
function serveAwsCallCounts(
  http: LocalHttp,
  functions: Iterable<LocalFunction>,
  schemas: TableSchemas,
): void {
  const counter = new AwsCallCounter(schemas);
  counter.install(functions);
  http.addRoute('GET /local/aws-calls', (_, response) => {
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    });
    response.end(JSON.stringify(counter.report()));
  });
  http.addRoute('DELETE /local/aws-calls', (_, response) => {
    counter.reset();
    response.writeHead(204).end();
  });
}

const UPLOADS_PATH = '/local/s3';

/**
 * `POST /local/s3/{bucket}` for every bucket whose `Object Created` events a rule of the template
 * sends to a queue: the upload is checked against its policy as S3 does, stored in the emulator,
 * and its event put on those queues (local/s3-uploads.ts).
 */
function serveUploads(
  http: LocalHttp,
  template: Template,
  account: LocalAccount,
  emulators: Emulators,
  config: LocalConfig,
): void {
  const byBucket = new Map<string, { queueUrl: string; keyPrefix: string }[]>();
  for (const rule of bucketEventRules(template)) {
    const queueUrl = account.queueUrls.get(rule.queueId);
    if (!queueUrl) throw new Error(`bucket event rule ${rule.ruleId} → ${rule.queueId}`);
    byBucket.set(rule.bucketId, [
      ...(byBucket.get(rule.bucketId) ?? []),
      { queueUrl, keyPrefix: rule.keyPrefix },
    ]);
  }
  for (const [bucketId, eventQueues] of byBucket) {
    const bucket = template.Resources[bucketId];
    if (!bucket) continue;
    const bucketName = physicalName(bucketId, bucket);
    http.addRoute(
      `POST ${UPLOADS_PATH}/${bucketName}`,
      s3UploadEndpoint(
        { bucketName, eventQueues },
        {
          region: config.AWS_REGION,
          accountId: ACCOUNT_ID,
          credentials: LOCAL_CREDENTIALS,
          endpoint: emulators.awsEndpoint,
        },
      ),
    );
  }
}

/**
 * What AWS has and this machine does not: keys (Secrets Manager there; fresh random ones for each
 * start here, unless exported before `npm start`) and SNS/SES (the local outbox records instead).
 */
function localOnlyEnvironment(host: string, httpPort: number): Record<string, string> {
  return {
    LOCAL_OUTBOX_URL: `http://${host}:${httpPort}/local/outbox`,
    // The portal's registry of applications is a sample dataset here (functions/adapters/portal-registry.ts).
    PORTAL_REGISTRY_SAMPLE_FILE: join(REPO_ROOT, 'local', 'portal-registry', 'applications.json'),
    // The stack serves the web pages itself, the printable MFC checklists among them (web/build.ts).
    CHECKLIST_PAGES_URL: `http://${host}:${httpPort}`,
    AUTH_HMAC_KEY: randomBytes(32).toString('base64url'),
    AUTH_CODE_KEY: randomBytes(32).toString('base64url'),
    RESUME_TOKEN_SIGNING_KEY: randomBytes(32).toString('base64url'),
    CURSOR_KEY: randomBytes(32).toString('base64url'),
  };
}

/**
 * The origins of the pages the stack serves itself on HTTP_PORT (by address and as `localhost`),
 * and those listed in LOCAL_ALLOWED_ORIGINS: the only browser pages the gateway admits, so that
 * another site the developer opens cannot connect as a guest or with a token it got hold of.
 */
export function localPageOrigins(config: LocalConfig, host: string, httpPort: number): string[] {
  const own = [`http://${host}:${httpPort}`, `http://localhost:${httpPort}`];
  return [...new Set([...own, ...config.LOCAL_ALLOWED_ORIGINS])];
}

/** The standard SDK variables that point every client at the emulators; the code has no local branch. */
function awsEnvironment(config: LocalConfig, emulators: Emulators): Record<string, string> {
  return {
    AWS_REGION: config.AWS_REGION,
    AWS_DEFAULT_REGION: config.AWS_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamoDbEndpoint,
    AWS_ENDPOINT_URL_SQS: emulators.awsEndpoint,
    AWS_ENDPOINT_URL_SNS: emulators.awsEndpoint,
    AWS_ENDPOINT_URL_S3: emulators.awsEndpoint,
  };
}

/**
 * The template the tests synthesized for all their stacks, or this stack's own: aws-cdk-lib is
 * loaded (seconds) only to synthesize.
 */
async function templateOf(config: LocalConfig): Promise<Template> {
  if (config.LOCAL_TEMPLATE_FILE) return readSynthesizedTemplate(config.LOCAL_TEMPLATE_FILE);
  const { synthesizeTemplate } = await import('./synth.ts');
  return synthesizeTemplate();
}
