/**
 * Builds the app the way `cdk synth` does (the context of cdk.json, plus the test's own context),
 * but without bundling, so that assertion tests take a second, not a minute. Shared by the tests
 * of this folder.
 *
 * `template` is the stage's data, chat and monitoring stacks as one template, with every cross-stack
 * import replaced by what its producer exports (local/template.ts, the merge the local stack runs on), so a test can
 * follow a reference from a function in the chat stack to a table in the data stack; `templates`
 * are the stacks' own, as CloudFormation gets them.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { cdkJsonContext } from '../../infra/cdk-json.ts';
import { configFromContext } from '../../infra/context.ts';
import type { ChatStack } from '../../infra/stacks/chat-stack.ts';
import type { DataStack } from '../../infra/stacks/data-stack.ts';
import type { MonitoringStack } from '../../infra/stacks/monitoring-stack.ts';
import type { WebStack } from '../../infra/stacks/web-stack.ts';
import { SupportChat, type SupportChatConfig } from '../../infra/support-chat.ts';
import { mergeStackTemplates } from '../../local/template.ts';

export interface SynthesizedApp {
  readonly app: App;
  readonly data: DataStack;
  readonly chat: ChatStack;
  readonly monitoring: MonitoringStack;
  readonly web: WebStack;
  /** The data, chat and monitoring stacks as one template (imports resolved). */
  readonly template: Template;
  /** Each stack's own template, by stack name. */
  readonly templates: Readonly<Record<string, Template>>;
}

/** What the tests synthesize unless they say otherwise: production, as the platform team deploys it. */
export const PROD_CONTEXT = { stage: 'prod', alarmEmail: 'oncall@example.org' } as const;

/**
 * The app of one stage, not bundled: production unless `context` names another stage (a dev stage
 * differs in retention and throttles, test/infra/stacks.test.ts). `context` is what `-c key=value` would give; `overrides`
 * replace parts of the resulting configuration that no context key reaches (e.g. the knowledge base's folder).
 */
export function synthesizeApp(
  context: Record<string, unknown> = {},
  overrides: Partial<SupportChatConfig> = {},
): SynthesizedApp {
  const stage = context.stage === undefined ? PROD_CONTEXT : {};
  const app = new App({
    context: { ...cdkJsonContext(), ...stage, ...context, 'aws:cdk:bundling-stacks': [] },
  });
  const support = new SupportChat(app, { ...configFromContext(app.node), ...overrides });
  const templates = Object.fromEntries(
    support.stacks.map((stack) => [stack.stackName, Template.fromStack(stack)]),
  );
  // The chat's own stacks: the web stack holds no house function (only CDK's BucketDeployment
  // handler, whose runtime, role and logs are CDK's) and nothing the others refer to; its tests
  // read `templates` (test/infra/web.test.ts).
  const template = Template.fromJSON(
    mergeStackTemplates(
      [support.data, support.chat, support.monitoring].map((stack) => templates[stack.stackName]?.toJSON()),
    ),
  );
  return {
    app,
    data: support.data,
    chat: support.chat,
    monitoring: support.monitoring,
    web: support.web,
    template,
    templates,
  };
}

let production: SynthesizedApp | undefined;

/**
 * The production app of `synthesizeApp()`, synthesized once per module graph: test/infra's files
 * share one per worker (vitest.config.ts), and 14 of them read this app, about 3 s of CPU each time.
 * The tests only read it; one that changes an app synthesizes its own.
 */
export function productionApp(): SynthesizedApp {
  production ??= synthesizeApp();
  return production;
}

/** A resource of the template, as JSON. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

/** Resources of one type, keyed by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, TemplateResource> {
  return template.findResources(type) as Record<string, TemplateResource>;
}

/** The single resource of `type` whose logical id starts with `prefix` (logical ids follow construct paths). */
export function resourceByPath(
  template: Template,
  type: string,
  prefix: string,
): [logicalId: string, resource: TemplateResource] {
  const matches = Object.entries(resourcesOf(template, type)).filter(([id]) => id.startsWith(prefix));
  if (matches.length !== 1) throw new Error(`expected one ${type} named ${prefix}…, found ${matches.length}`);
  return matches[0] as [string, TemplateResource];
}

/** Environment variables of a function resource. */
export function environmentOf(fn: TemplateResource): Record<string, unknown> {
  const environment = fn.Properties.Environment as { Variables?: Record<string, unknown> } | undefined;
  return environment?.Variables ?? {};
}
