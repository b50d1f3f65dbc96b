/**
 * Synthesizes the CDK app in this process as `cdk synth` would (the context of cdk.json), but
 * without bundling (the local stack runs the sources), and returns the stage's stacks as one
 * CloudFormation template: the one description of resources local and cloud share.
 *
 * The stacks reference each other through exports (`Fn::ImportValue`); on one machine there is one
 * "account", so each import is replaced by the value its producer exports, and the resources of all
 * stacks are resolved together (logical ids are unique across the stacks: checked here).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { cdkJsonContext } from '../infra/cdk-json.ts';
import { configFromContext } from '../infra/context.ts';
import { SupportChat } from '../infra/support-chat.ts';
import { mergeStackTemplates, parseTemplate, type Template } from './template.ts';

export function synthesizeTemplate(): Template {
  return parseTemplate(synthesizeMerged());
}

/**
 * Synthesizes the template into `file`, for stacks started with `LOCAL_TEMPLATE_FILE`
 * (local/config.ts; `readSynthesizedTemplate` of local/template.ts reads it).
 */
export function writeSynthesizedTemplate(file: string): void {
  writeFileSync(file, JSON.stringify(synthesizeMerged()));
}

function synthesizeMerged(): ReturnType<typeof mergeStackTemplates> {
  const outdir = mkdtempSync(join(tmpdir(), 'support-chat-synth-'));
  try {
    const app = new App({ outdir, context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
    const chat = new SupportChat(app, configFromContext(app.node));
    const assembly = app.synth();
    return mergeStackTemplates(chat.stacks.map((stack) => assembly.getStackByName(stack.stackName).template));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
