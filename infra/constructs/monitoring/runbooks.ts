/** Sections of docs/runbooks.md, one per kind of alarm: every alarm's description links one. */
export const RUNBOOK_ANCHORS = {
  lambdaErrors: 'lambda-errors',
  lambdaThrottles: 'lambda-throttles',
  deadLetterQueue: 'dead-letter-queue',
  botQueueBacklog: 'bot-queue-backlog',
  escalationQueueBacklog: 'escalation-queue-backlog',
  botOutboxFailures: 'bot-outbox-failures',
  botOutboxLag: 'bot-outbox-lag',
  integrationErrors: 'websocket-integration-errors',
  executionErrors: 'websocket-execution-errors',
  dynamoDbThrottling: 'dynamodb-throttling',
  slaBreach: 'sla-breach',
  firstResponse: 'first-response-p90',
  operatorQueueBacklog: 'operator-queue-backlog',
  missedAssignments: 'missed-assignments',
  missedFirstReplies: 'missed-first-replies',
  reconcilerRepairs: 'reconciler-repairs',
  httpApiServerErrors: 'feedback-api-server-errors',
} as const;

export type RunbookAnchor = (typeof RUNBOOK_ANCHORS)[keyof typeof RUNBOOK_ANCHORS];
