/**
 * Synthesizes the CDK stack in this process as `cdk synth` would (the context of cdk.json), but
 * without bundling (the local stack runs the sources), and returns its CloudFormation template: the one description of resources local and cloud share.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { cdkJsonContext } from '../infra/cdk-json.ts';
import { stackPropsFromContext } from '../infra/context.ts';
import { SupportChatStack } from '../infra/support-chat-stack.ts';
import { parseTemplate, type Template } from './template.ts';

const LOCAL_STACK_NAME = 'SupportChat';

export function synthesizeTemplate(): Template {
  const outdir = mkdtempSync(join(tmpdir(), 'support-chat-synth-'));
  try {
    const app = new App({ outdir, context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
    new SupportChatStack(app, LOCAL_STACK_NAME, stackPropsFromContext(app.node));
    return parseTemplate(app.synth().getStackByName(LOCAL_STACK_NAME).template);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
