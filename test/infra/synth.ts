/**
 * Builds the stack the way `cdk synth` does (the context of cdk.json), but without bundling, so
 * that assertion tests take a second, not a minute. Shared by the tests of this folder.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { cdkJsonContext } from '../../infra/cdk-json.ts';
import { SupportChatStack, type SupportChatStackProps } from '../../infra/support-chat-stack.ts';

export interface SynthesizedStack {
  readonly app: App;
  readonly stack: SupportChatStack;
  readonly template: Template;
}

/** A SupportChat stack, not bundled, with its template. */
export function synthesizeStack(props: SupportChatStackProps = {}): SynthesizedStack {
  const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
  const stack = new SupportChatStack(app, 'SupportChat', props);
  return { app, stack, template: Template.fromStack(stack) };
}

/** A resource of the template, as JSON. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
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
