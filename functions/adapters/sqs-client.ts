/**
 * The one SQS client of a Lambda, created at module scope so every invocation and every queue
 * adapter reuses its connections (the sibling of `dynamodb/document-client.ts`). It uses the
 * client's own endpoint, not the queue URL's host: emulators hand out queue URLs with hosts such as
 * `sqs.<region>.localhost` that do not resolve; in AWS both are the regional endpoint. The endpoint
 * comes from `AWS_ENDPOINT_URL_SQS` when set (the local stack).
 */
import { SQSClient } from '#shared/aws-sdk/client-sqs.ts';

export const sqsClient = new SQSClient({ useQueueUrlAsEndpoint: false });
