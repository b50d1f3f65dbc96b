/** What the monitoring stack watches: the parts of the chat stack that can fail or fall behind. */
import type { HttpStage, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Queue } from 'aws-cdk-lib/aws-sqs';

export interface WatchedChat {
  /** Every function (their errors and throttles). */
  readonly functions: readonly IFunction[];
  /** Every dead-letter queue (and the outbox's failure queue): a message there failed every retry. */
  readonly deadLetterQueues: readonly Queue[];
  /** The bot queue, whose oldest message is the bot's first-response delay. */
  readonly botQueue: Queue;
  /** The escalation queue, whose oldest message is a citizen waiting for the operators' side. */
  readonly escalationQueue: Queue;
  /** The on-failure destination of the outbox: stream batches it could not queue. */
  readonly outboxFailureQueue: Queue;
  /** The outbox function, whose stream iterator age is how far the outbox lags. */
  readonly outbox: IFunction;
  /** The WebSocket stage. */
  readonly stage: WebSocketStage;
  /** Every table. */
  readonly tables: readonly Table[];
  /** The operator queues, whose oldest message is the longest wait of a citizen for a person. */
  readonly operatorQueues: readonly Queue[];
  /** HTTP API stages (the portal's `POST /feedback`): any 5xx answer is an integration failure. */
  readonly httpStages: readonly HttpStage[];
}
