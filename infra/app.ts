/**
 * CDK entry point (`cdk.json`: `node --import tsx infra/app.ts`). Configuration comes from context
 * (infra/context.ts; `-c stage=dev|prod` picks the defaults); the app is the four stacks of that
 * stage (infra/support-chat.ts), every resource checked by cdk-nag's AWS Solutions rules.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { configFromContext } from './context.ts';
import { SupportChat } from './support-chat.ts';

const app = new App();
new SupportChat(app, configFromContext(app.node));
// cdk-nag 3 is a policy-validation plugin: any unacknowledged finding stops `cdk synth`.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
