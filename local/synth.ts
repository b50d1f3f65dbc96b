/**
 * Synthesizes the CDK stack in this process, without bundling (the local stack runs the sources),
 * and returns its CloudFormation template: the one description of resources local and cloud share.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { SupportChatStack } from '../infra/support-chat-stack.ts';
import { parseTemplate, type Template } from './template.ts';

export const LOCAL_STACK_NAME = 'SupportChat';

export function synthesizeTemplate(): Template {
  const outdir = mkdtempSync(join(tmpdir(), 'support-chat-synth-'));
  try {
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    new SupportChatStack(app, LOCAL_STACK_NAME);
    return parseTemplate(app.synth().getStackByName(LOCAL_STACK_NAME).template);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
