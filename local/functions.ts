/**
 * Runs the stack's Lambda functions in this process, the way the Lambda service would run them:
 * each function's module is loaded once (module init), with the environment the template gives it,
 * and invoked with a Lambda-shaped context under the function's timeout.
 *
 * All functions share one process and so one `process.env`: the template's variables are merged,
 * and two functions giving one variable different values is an error (docs/local-stack.md).
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { type LocalAccount, physicalName, resolveValue } from './resolve.ts';
import { type FunctionSpec, functionSpecs, layerPath, type Template } from './template.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export interface LocalFunction {
  logicalId: string;
  name: string;
  entry: string;
  initMs: number;
  invoke(event: unknown): Promise<unknown>;
}

class FunctionTimeoutError extends Error {
  constructor(name: string, seconds: number) {
    super(`${name}: Task timed out after ${seconds.toFixed(2)} seconds`);
  }
}

/** The merged, resolved environment of every function (`/opt/…` mapped to the layers' folders). */
export function functionEnvironment(
  template: Template,
  account: LocalAccount,
  root: string,
): Record<string, string> {
  const merged: Record<string, string> = {};
  const owners: Record<string, string> = {};
  for (const spec of functionSpecs(template)) {
    const layerDirs = spec.layerIds
      .map((id) => layerPath(template, id))
      .filter((p): p is string => Boolean(p));
    for (const [name, raw] of Object.entries(spec.environment)) {
      const value = mapLayerPath(String(resolveValue(raw, template, account)), layerDirs, root);
      const previous = merged[name];
      if (previous !== undefined && previous !== value && !name.startsWith('POWERTOOLS_')) {
        throw new Error(
          `${spec.logicalId} sets ${name}=${value} but ${owners[name]} sets ${previous}: ` +
            'functions that share the local process must agree on shared variables',
        );
      }
      if (previous === undefined) {
        merged[name] = value;
        owners[name] = spec.logicalId;
      }
    }
  }
  return merged;
}

function mapLayerPath(value: string, layerDirs: string[], root: string): string {
  if (!value.startsWith('/opt/')) return value;
  const rest = value.slice('/opt/'.length);
  const found = layerDirs.map((dir) => join(root, dir, rest)).find((candidate) => existsSync(candidate));
  return found ?? value;
}

/** Imports every function's entry (in parallel) and returns them by logical id. */
export async function loadFunctions(
  template: Template,
  account: LocalAccount,
  root: string,
): Promise<Map<string, LocalFunction>> {
  const specs = functionSpecs(template);
  const loaded = await Promise.all(specs.map((spec) => loadFunction(spec, template, account, root)));
  return new Map(loaded.map((fn) => [fn.logicalId, fn]));
}

async function loadFunction(
  spec: FunctionSpec,
  template: Template,
  account: LocalAccount,
  root: string,
): Promise<LocalFunction> {
  const started = performance.now();
  const module = (await import(pathToFileURL(join(root, spec.entry)).href)) as { handler?: Handler };
  const initMs = performance.now() - started;
  const handler = module.handler;
  if (typeof handler !== 'function') throw new Error(`${spec.entry} does not export a handler`);
  const resource = template.Resources[spec.logicalId];
  const name = resource ? physicalName(spec.logicalId, resource) : spec.logicalId;
  const arn = `arn:aws:lambda:${account.region}:${account.accountId}:function:${name}`;
  const timeoutMs = spec.timeoutSeconds * 1000;

  return {
    logicalId: spec.logicalId,
    name,
    entry: spec.entry,
    initMs,
    async invoke(event) {
      const deadline = Date.now() + timeoutMs;
      const context = lambdaContext(name, arn, deadline);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new FunctionTimeoutError(name, spec.timeoutSeconds)), timeoutMs);
      });
      try {
        return await Promise.race([handler(event, context), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** A Lambda-shaped context for one invocation of `functionName` that must end by `deadline` (epoch ms). */
export function lambdaContext(functionName: string, arn: string, deadline: number): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: arn,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
