/**
 * The synthesized CloudFormation template, read as the local stack needs it: what to create
 * (tables, queues, topics, buckets), what to run (functions with their entries and environments)
 * and how they are wired (WebSocket routes, the authorizer, SQS and DynamoDB stream event source
 * mappings).
 *
 * This module owns the only knowledge of the template's shape in `local/`; everything else asks it.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';

const resourceSchema = z.object({
  Type: z.string(),
  Properties: z.record(z.string(), z.unknown()).default({}),
  Metadata: z.record(z.string(), z.unknown()).optional(),
  DependsOn: z.union([z.string(), z.array(z.string())]).optional(),
});
export type Resource = z.infer<typeof resourceSchema>;

const templateSchema = z.object({ Resources: z.record(z.string(), resourceSchema) });
export type Template = z.infer<typeof templateSchema>;

export function parseTemplate(raw: unknown): Template {
  return templateSchema.parse(raw);
}

/** The template `writeSynthesizedTemplate` (local/synth.ts) wrote; anything else stops the start, named. */
export function readSynthesizedTemplate(file: string): Template {
  try {
    return parseTemplate(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(
      `LOCAL_TEMPLATE_FILE ${file} is not a synthesized template (${why}); unset it to synthesize`,
    );
  }
}

const stackTemplateSchema = z.object({
  Resources: z.record(z.string(), z.unknown()),
  Outputs: z
    .record(z.string(), z.object({ Value: z.unknown(), Export: z.object({ Name: z.string() }).optional() }))
    .optional(),
});

/**
 * The templates of several stacks that reference each other through exports, as one template: the
 * resources and outputs of all, each `Fn::ImportValue` replaced by the value its producer exports (a
 * `Ref` or `Fn::GetAtt` of a resource that is now in the same template). Throws when two stacks use one
 * logical id, or an import names no export of these stacks.
 */
export function mergeStackTemplates(templates: readonly unknown[]): {
  Resources: Record<string, unknown>;
  Outputs: Record<string, unknown>;
} {
  const parsed = templates.map((raw) => stackTemplateSchema.parse(raw));
  const exports = new Map<string, unknown>();
  for (const template of parsed) {
    for (const output of Object.values(template.Outputs ?? {})) {
      if (output.Export) exports.set(output.Export.Name, output.Value);
    }
  }
  const resolveImports = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolveImports);
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value);
    const [first] = entries;
    if (entries.length === 1 && first?.[0] === 'Fn::ImportValue') {
      const name = first[1];
      if (typeof name !== 'string' || !exports.has(name)) {
        throw new Error(`Fn::ImportValue ${JSON.stringify(name)} names no export of the synthesized stacks`);
      }
      return resolveImports(exports.get(name));
    }
    return Object.fromEntries(entries.map(([key, nested]) => [key, resolveImports(nested)]));
  };
  const resources: Record<string, unknown> = {};
  for (const template of parsed) {
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      // CDK's version report, one per stack: nothing to run.
      if ((resource as { Type?: unknown }).Type === 'AWS::CDK::Metadata') continue;
      if (logicalId in resources) throw new Error(`two stacks define the logical id ${logicalId}`);
      resources[logicalId] = resolveImports(resource);
    }
  }
  // The outputs a person reads (URLs, ids); the exports were only the stacks' wiring.
  const outputs: Record<string, unknown> = {};
  for (const template of parsed) {
    for (const [outputId, output] of Object.entries(template.Outputs ?? {})) {
      if (!output.Export) outputs[outputId] = resolveImports(output);
    }
  }
  return { Resources: resources, Outputs: outputs };
}

/** Logical ids of the resources of one CloudFormation type, in template order. */
export function resourcesOfType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

/** The logical id a `{ Ref }` or `{ Fn::GetAtt }` points at, or undefined for anything else. */
export function referencedId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string') return v.Ref;
  const getAtt = v['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
}

/**
 * The logical id of the function behind an API Gateway integration URI or a mapping's FunctionName:
 * a `Fn::Join` that contains `Fn::GetAtt [fn, 'Arn']`, or a plain Ref/GetAtt.
 */
function functionIdIn(value: unknown, template: Template): string | undefined {
  const direct = referencedId(value);
  if (direct && template.Resources[direct]?.Type === 'AWS::Lambda::Function') return direct;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const nested of Object.values(value as Record<string, unknown>)) {
    const items = Array.isArray(nested) ? nested.flat(3) : [nested];
    for (const item of items) {
      const found = functionIdIn(item, template);
      if (found) return found;
    }
  }
  return undefined;
}

const functionSchema = z.object({
  Properties: z.object({
    Handler: z.string().optional(),
    Timeout: z.number().default(3),
    MemorySize: z.number().default(128),
    Environment: z.object({ Variables: z.record(z.string(), z.unknown()) }).optional(),
    Layers: z.array(z.unknown()).optional(),
  }),
  Metadata: z.object({ 'local:entry': z.string() }),
});

export interface FunctionSpec {
  logicalId: string;
  entry: string;
  timeoutSeconds: number;
  environment: Record<string, unknown>;
  layerIds: string[];
}

/** Every Lambda function that carries the house construct's `local:entry` metadata. */
export function functionSpecs(template: Template): FunctionSpec[] {
  return resourcesOfType(template, 'AWS::Lambda::Function').flatMap(([logicalId, resource]) => {
    const parsed = functionSchema.safeParse(resource);
    if (!parsed.success) return []; // CDK's own helper functions (e.g. log retention) have no entry
    const { Properties, Metadata } = parsed.data;
    return [
      {
        logicalId,
        entry: Metadata['local:entry'],
        timeoutSeconds: Properties.Timeout,
        environment: Properties.Environment?.Variables ?? {},
        layerIds: (Properties.Layers ?? []).map(referencedId).filter((id): id is string => Boolean(id)),
      },
    ];
  });
}

/** The local folder of a layer (metadata `local:path`), mounted at `/opt` in Lambda. */
export function layerPath(template: Template, logicalId: string): string | undefined {
  const path = template.Resources[logicalId]?.Metadata?.['local:path'];
  return typeof path === 'string' ? path : undefined;
}

export interface WebSocketRouteSpec {
  routeKey: string;
  functionId: string;
  returnResponse: boolean;
}

export interface WebSocketApiSpec {
  apiId: string;
  stageName: string;
  routeSelectionExpression: string;
  routes: Map<string, WebSocketRouteSpec>;
  /** The REQUEST authorizer of `$connect`, if any. */
  authorizerFunctionId?: string;
}

/** The (single) WebSocket API of the stack: its routes, their integrations and the authorizer. */
export function webSocketApi(template: Template): WebSocketApiSpec {
  const apis = resourcesOfType(template, 'AWS::ApiGatewayV2::Api').filter(
    ([, r]) => r.Properties.ProtocolType === 'WEBSOCKET',
  );
  if (apis.length !== 1) throw new Error(`expected one WebSocket API in the template, found ${apis.length}`);
  const [[apiId, api]] = apis as [[string, Resource]];
  const belongsToApi = (r: Resource) => referencedId(r.Properties.ApiId) === apiId;

  const integrations = new Map(
    resourcesOfType(template, 'AWS::ApiGatewayV2::Integration')
      .filter(([, r]) => belongsToApi(r))
      .map(([id, r]) => [id, functionIdIn(r.Properties.IntegrationUri, template)]),
  );
  const routeIdsWithResponse = new Set(
    resourcesOfType(template, 'AWS::ApiGatewayV2::RouteResponse').map(([, r]) =>
      referencedId(r.Properties.RouteId),
    ),
  );

  const routes = new Map<string, WebSocketRouteSpec>();
  let authorizerFunctionId: string | undefined;
  for (const [routeId, route] of resourcesOfType(template, 'AWS::ApiGatewayV2::Route')) {
    if (!belongsToApi(route)) continue;
    const routeKey = String(route.Properties.RouteKey);
    const target = route.Properties.Target;
    const integrationId = findIntegrationId(target, integrations);
    const functionId = integrationId ? integrations.get(integrationId) : undefined;
    if (!functionId) throw new Error(`route ${routeKey} has no Lambda integration the local stack can run`);
    routes.set(routeKey, { routeKey, functionId, returnResponse: routeIdsWithResponse.has(routeId) });
    const authorizerId = referencedId(route.Properties.AuthorizerId);
    if (authorizerId) {
      authorizerFunctionId = functionIdIn(
        template.Resources[authorizerId]?.Properties.AuthorizerUri,
        template,
      );
    }
  }

  const stages = resourcesOfType(template, 'AWS::ApiGatewayV2::Stage').filter(([, r]) => belongsToApi(r));
  const stageName = String(stages[0]?.[1].Properties.StageName ?? '$default');
  return {
    apiId,
    stageName,
    routeSelectionExpression: String(api.Properties.RouteSelectionExpression),
    routes,
    ...(authorizerFunctionId ? { authorizerFunctionId } : {}),
  };
}

function findIntegrationId(target: unknown, integrations: Map<string, unknown>): string | undefined {
  const text = JSON.stringify(target ?? null);
  for (const id of integrations.keys()) if (text.includes(`"${id}"`)) return id;
  return undefined;
}

export interface EventSourceMappingSpec {
  functionId: string;
  queueId: string;
  batchSize: number;
  reportBatchItemFailures: boolean;
  maximumConcurrency?: number;
}

/** SQS → Lambda event source mappings. */
export function sqsEventSourceMappings(template: Template): EventSourceMappingSpec[] {
  return resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').flatMap(([, r]) => {
    const queueId = referencedId(r.Properties.EventSourceArn);
    const functionId = referencedId(r.Properties.FunctionName);
    if (!queueId || !functionId || template.Resources[queueId]?.Type !== 'AWS::SQS::Queue') return [];
    const types = (r.Properties.FunctionResponseTypes as string[] | undefined) ?? [];
    const scaling = r.Properties.ScalingConfig as { MaximumConcurrency?: number } | undefined;
    return [
      {
        functionId,
        queueId,
        batchSize: Number(r.Properties.BatchSize ?? 10),
        reportBatchItemFailures: types.includes('ReportBatchItemFailures'),
        ...(scaling?.MaximumConcurrency ? { maximumConcurrency: scaling.MaximumConcurrency } : {}),
      },
    ];
  });
}

/** A Lambda event filter pattern (`FilterCriteria.Filters[].Pattern`, parsed from its JSON). */
export type FilterPattern = { [key: string]: FilterPattern | unknown[] };

export interface StreamEventSourceMappingSpec {
  functionId: string;
  tableId: string;
  batchSize: number;
  startingPosition: 'LATEST' | 'TRIM_HORIZON';
  /** A record is delivered when it matches any of these; none means every record. */
  filters: FilterPattern[];
  reportBatchItemFailures: boolean;
  /** Retries of a failed batch before it is given up; -1 (Lambda's default) until the record expires. */
  maximumRetryAttempts: number;
  /** How long records are gathered before a batch that is not full is delivered (0: at once). */
  maximumBatchingWindowSeconds: number;
}

const streamMappingSchema = z.object({
  BatchSize: z.number().int().positive().default(100),
  StartingPosition: z.enum(['LATEST', 'TRIM_HORIZON']),
  FilterCriteria: z.object({ Filters: z.array(z.object({ Pattern: z.string() })) }).optional(),
  FunctionResponseTypes: z.array(z.string()).default([]),
  MaximumRetryAttempts: z.number().int().default(-1),
  MaximumBatchingWindowInSeconds: z.number().int().min(0).default(0),
});

/** DynamoDB stream → Lambda event source mappings: those whose source is a table's `StreamArn`. */
export function streamEventSourceMappings(template: Template): StreamEventSourceMappingSpec[] {
  return resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').flatMap(([, r]) => {
    const tableId = referencedId(r.Properties.EventSourceArn);
    const functionId = referencedId(r.Properties.FunctionName);
    const type = tableId ? template.Resources[tableId]?.Type : undefined;
    if (!tableId || !functionId || (type !== 'AWS::DynamoDB::Table' && type !== 'AWS::DynamoDB::GlobalTable'))
      return [];
    const p = streamMappingSchema.parse(r.Properties);
    return [
      {
        functionId,
        tableId,
        batchSize: p.BatchSize,
        startingPosition: p.StartingPosition,
        filters: (p.FilterCriteria?.Filters ?? []).map((f) => JSON.parse(f.Pattern) as FilterPattern),
        reportBatchItemFailures: p.FunctionResponseTypes.includes('ReportBatchItemFailures'),
        maximumRetryAttempts: p.MaximumRetryAttempts,
        maximumBatchingWindowSeconds: p.MaximumBatchingWindowInSeconds,
      },
    ];
  });
}

export interface HttpApiRouteSpec {
  /** `METHOD /path`, e.g. `POST /feedback`. */
  routeKey: string;
  functionId: string;
}

/** The routes of the stack's HTTP APIs (ProtocolType HTTP) with a Lambda proxy integration. */
export function httpApiRoutes(template: Template): HttpApiRouteSpec[] {
  const httpApiIds = new Set(
    resourcesOfType(template, 'AWS::ApiGatewayV2::Api')
      .filter(([, r]) => r.Properties.ProtocolType === 'HTTP')
      .map(([id]) => id),
  );
  const integrations = new Map(
    resourcesOfType(template, 'AWS::ApiGatewayV2::Integration')
      .filter(([, r]) => httpApiIds.has(referencedId(r.Properties.ApiId) ?? ''))
      .map(([id, r]) => [id, functionIdIn(r.Properties.IntegrationUri, template)]),
  );
  return resourcesOfType(template, 'AWS::ApiGatewayV2::Route').flatMap(([, route]) => {
    if (!httpApiIds.has(referencedId(route.Properties.ApiId) ?? '')) return [];
    const routeKey = String(route.Properties.RouteKey);
    const integrationId = findIntegrationId(route.Properties.Target, integrations);
    const functionId = integrationId ? integrations.get(integrationId) : undefined;
    if (!functionId)
      throw new Error(`HTTP route ${routeKey} has no Lambda integration the local stack can run`);
    return [{ routeKey, functionId }];
  });
}

/** Seconds in one unit of a `rate()` expression of EventBridge Scheduler. */
const RATE_UNIT_SECONDS: Record<string, number> = { minute: 60, hour: 3600, day: 86_400 };

/** The period of `rate(N unit)` in seconds; anything else (cron, at) is not run by the local stack. */
export function rateSeconds(expression: string): number {
  const match = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression.trim());
  if (!match) {
    throw new Error(
      `schedule expression ${expression}: the local stack runs rate(N minutes|hours|days) only`,
    );
  }
  const [, count, unit] = match as unknown as [string, string, string];
  return Number(count) * (RATE_UNIT_SECONDS[unit] ?? Number.NaN);
}

export interface ScheduleSpec {
  logicalId: string;
  functionId: string;
  /** The template's rate. */
  rateSeconds: number;
  /** The variable that overrides the rate locally, in seconds (metadata `local:rateEnv`). */
  rateEnv?: string;
  /** The target's input as the template has it, context-attribute placeholders unfilled. */
  input?: string;
}

const scheduleSchema = z.object({
  Properties: z.object({
    ScheduleExpression: z.string(),
    State: z.enum(['ENABLED', 'DISABLED']).default('ENABLED'),
    Target: z.object({ Arn: z.unknown(), Input: z.string().optional() }),
  }),
  Metadata: z.object({ 'local:rateEnv': z.string().optional() }).optional(),
});

/** The enabled EventBridge Scheduler schedules whose target is a function of the template. */
export function scheduleSpecs(template: Template): ScheduleSpec[] {
  return resourcesOfType(template, 'AWS::Scheduler::Schedule').flatMap(([logicalId, resource]) => {
    const { Properties, Metadata } = scheduleSchema.parse(resource);
    if (Properties.State === 'DISABLED') return [];
    const functionId = referencedId(Properties.Target.Arn);
    if (!functionId || template.Resources[functionId]?.Type !== 'AWS::Lambda::Function') {
      throw new Error(`schedule ${logicalId}: its target is no function of the template`);
    }
    const rateEnv = Metadata?.['local:rateEnv'];
    return [
      {
        logicalId,
        functionId,
        rateSeconds: rateSeconds(Properties.ScheduleExpression),
        ...(rateEnv ? { rateEnv } : {}),
        ...(Properties.Target.Input !== undefined ? { input: Properties.Target.Input } : {}),
      },
    ];
  });
}

/** An EventBridge rule that puts a bucket's `Object Created` events on a queue. */
export interface BucketEventRuleSpec {
  ruleId: string;
  bucketId: string;
  /** Only keys under this prefix (the pattern's `detail.object.key[].prefix`), or every key. */
  keyPrefix: string;
  queueId: string;
}

/**
 * The rules whose pattern is S3's `Object Created` for one of the template's buckets, with an SQS
 * target: the local stack has no EventBridge, so whoever stores an object (local/s3-uploads.ts)
 * puts the event on those queues itself.
 */
export function bucketEventRules(template: Template): BucketEventRuleSpec[] {
  return resourcesOfType(template, 'AWS::Events::Rule').flatMap(([ruleId, r]) => {
    const pattern = r.Properties.EventPattern as
      | {
          source?: string[];
          'detail-type'?: string[];
          detail?: { bucket?: { name?: unknown[] }; object?: { key?: { prefix?: string }[] } };
        }
      | undefined;
    if (!pattern?.source?.includes('aws.s3') || !pattern['detail-type']?.includes('Object Created'))
      return [];
    const bucketId = referencedId(pattern.detail?.bucket?.name?.[0]);
    if (!bucketId || template.Resources[bucketId]?.Type !== 'AWS::S3::Bucket') return [];
    const keyPrefix = pattern.detail?.object?.key?.[0]?.prefix ?? '';
    const targets = (r.Properties.Targets as { Arn?: unknown }[] | undefined) ?? [];
    return targets.flatMap((target) => {
      const queueId = referencedId(target.Arn);
      if (!queueId || template.Resources[queueId]?.Type !== 'AWS::SQS::Queue') return [];
      return [{ ruleId, bucketId, keyPrefix, queueId }];
    });
  });
}
