/**
 * CDK entry point (`cdk.json`: `node --import tsx infra/app.ts`). Configuration comes from context
 * (see `infra/context.ts`); every resource is checked by cdk-nag's AWS Solutions rules.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { stackPropsFromContext } from './context.ts';
import { SupportChatStack } from './support-chat-stack.ts';

const app = new App();
new SupportChatStack(app, 'SupportChat', stackPropsFromContext(app.node));
// cdk-nag 3 is a policy-validation plugin: any unacknowledged finding stops `cdk synth`.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
