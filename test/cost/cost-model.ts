/**
 * The cost model of docs/cost.md, computed (never typed by hand) from the counted flows of
 * test/budgets.ts — which test/integration/budgets.test.ts keeps equal to what the code does — and
 * from the resources of the synthesized production app (alarms, dashboards, keys, secrets,
 * schedules, SQS event source mappings). `npm run cost` writes it; test/cost/cost.test.ts fails
 * while the file is not what this module renders from the current figures.
 */
import type { FlowBudget } from '../budgets.ts';
import type { FlowName } from '../support/flows.ts';
import { BOT_QUESTIONS, DESK_EXCHANGES } from '../support/flows.ts';

/** List prices assumed (USD). */
export const PRICES = {
  region: 'eu-central-1 (Frankfurt)',
  date: '2026-12-02',
  lambdaRequestsPerMillion: 0.2,
  lambdaArmGbSecond: 0.0000133334,
  dynamodbWriteUnitsPerMillion: 0.7625,
  dynamodbReadUnitsPerMillion: 0.1525,
  dynamodbStorageGbMonth: 0.306,
  /**
   * The Standard-IA table class: requests at 1.25 times, storage at 0.4 times Standard's (AWS's
   * ratios for the class: us-east-1 $0.10 against $0.25 a GB-month), PITR priced by size alike.
   */
  dynamodbInfrequentAccessWriteUnitsPerMillion: 0.953,
  dynamodbInfrequentAccessReadUnitsPerMillion: 0.1906,
  dynamodbInfrequentAccessStorageGbMonth: 0.1224,
  dynamodbPitrGbMonth: 0.2448,
  /** FIFO queues' price, for every request (the standard queues' $0.40 is lower). */
  sqsRequestsPerMillion: 0.5,
  websocketMessagesPerMillion: 1.14,
  websocketConnectionMinutesPerMillion: 0.285,
  xrayTracesPerMillion: 5.0,
  cloudwatchLogsIngestedGb: 0.63,
  cloudwatchAlarmMonth: 0.1,
  cloudwatchDashboardMonth: 3.0,
  kmsKeyMonth: 1.0,
  secretMonth: 0.4,
} as const;

/** What is not counted on the local stack, assumed (each named in the document). */
export const ASSUMPTIONS = {
  /** Billed duration of an invocation on Lambda (arm64), and the house function's memory. */
  lambdaMsPerInvocation: 40,
  lambdaMemoryGb: 0.5,
  /** How long a citizen's WebSocket stays open. */
  botConversationMinutes: 5,
  escalatedConversationMinutes: 20,
  /** CloudWatch Logs per invocation: Lambda's START/END/REPORT and the functions' own lines. */
  logBytesPerInvocation: 1024,
  /** Kept this long (stage `prod`, infra/stage.ts `messageRetentionDays`). */
  retentionDays: 365,
  /** The seed's share of conversations handed to a person. */
  escalatedShare: 0.053,
  /** Conversations a year today, and ten times that. */
  volumesPerYear: [4_200_000, 42_000_000],
  /** Lambda's SQS event source mapping: long polls (20 s) by 5 pollers, whether messages come or not. */
  idlePollsPerMappingMonth: 5 * 3 * 60 * 24 * 30,
  /** One run of a scheduled function that finds nothing to do: its invocation and two queries. */
  readsPerScheduledRun: 2,
  /** The target of docs/requirements.md: $ per 1,000 blended conversations, without SMS. */
  targetPer1000: 0.2,
} as const;

/** Resources of the production app that cost by the month, counted in the synthesized templates. */
export interface FixedResources {
  alarms: number;
  /**
   * What the alarms are billed by: one metric each, but an alarm on a metric math expression is
   * billed for every metric it reads (a table's throttles: reads and writes, 2).
   */
  alarmMetrics: number;
  dashboards: number;
  kmsKeys: number;
  secrets: number;
  sqsEventSourceMappings: number;
  /** Runs a month of every EventBridge Scheduler schedule (the reconciler each minute, the SLA report hourly). */
  scheduledRunsPerMonth: number;
  /** Of those, the runs of a traced function. */
  tracedScheduledRunsPerMonth: number;
  /** The functions with X-Ray active tracing, by handler file name (`escalation-consumer`). */
  tracedFunctions: string[];
}

const MONTHS_PER_YEAR = 12;
const GB = 1024 ** 3;

/** Dollars by service for one conversation of a flow. */
type Breakdown = Record<string, number>;

function perConversation(flow: FlowBudget, minutes: number, traced: readonly string[]): Breakdown {
  const traces = Object.entries(flow.invocationsByFunction)
    .filter(([fn]) => traced.includes(fn))
    .reduce((n, [, count]) => n + count, 0);
  const monthsKept = ASSUMPTIONS.retentionDays / (365 / MONTHS_PER_YEAR);
  const gbMonths = (bytes: number) => (bytes / GB) * monthsKept;
  return {
    'Lambda (requests, duration)':
      (flow.invocations * PRICES.lambdaRequestsPerMillion) / 1e6 +
      flow.invocations *
        (ASSUMPTIONS.lambdaMsPerInvocation / 1000) *
        ASSUMPTIONS.lambdaMemoryGb *
        PRICES.lambdaArmGbSecond,
    'DynamoDB writes':
      ((flow.dynamodbWriteUnits - flow.dynamodbWriteUnitsInfrequentAccess) *
        PRICES.dynamodbWriteUnitsPerMillion +
        flow.dynamodbWriteUnitsInfrequentAccess * PRICES.dynamodbInfrequentAccessWriteUnitsPerMillion) /
      1e6,
    'DynamoDB reads':
      ((flow.dynamodbReadUnits - flow.dynamodbReadUnitsInfrequentAccess) *
        PRICES.dynamodbReadUnitsPerMillion +
        flow.dynamodbReadUnitsInfrequentAccess * PRICES.dynamodbInfrequentAccessReadUnitsPerMillion) /
      1e6,
    'DynamoDB storage and PITR, for the retention':
      gbMonths(flow.storedBytes - flow.storedBytesInfrequentAccess) *
        (PRICES.dynamodbStorageGbMonth + PRICES.dynamodbPitrGbMonth) +
      gbMonths(flow.storedBytesInfrequentAccess) *
        (PRICES.dynamodbInfrequentAccessStorageGbMonth + PRICES.dynamodbPitrGbMonth),
    SQS: (flow.sqsRequests * PRICES.sqsRequestsPerMillion) / 1e6,
    'API Gateway WebSocket (messages, connection minutes)':
      (flow.websocketMessages * PRICES.websocketMessagesPerMillion) / 1e6 +
      (minutes * PRICES.websocketConnectionMinutesPerMillion) / 1e6,
    'X-Ray (invocations of traced functions)': (traces * PRICES.xrayTracesPerMillion) / 1e6,
    'CloudWatch Logs':
      ((flow.invocations * ASSUMPTIONS.logBytesPerInvocation) / GB) * PRICES.cloudwatchLogsIngestedGb,
  };
}

function fixedPerMonth(fixed: FixedResources): Breakdown {
  const scheduledInvocations = fixed.scheduledRunsPerMonth;
  return {
    'CloudWatch alarms': fixed.alarmMetrics * PRICES.cloudwatchAlarmMonth,
    'CloudWatch dashboards': fixed.dashboards * PRICES.cloudwatchDashboardMonth,
    'KMS keys': fixed.kmsKeys * PRICES.kmsKeyMonth,
    'Secrets Manager secrets': fixed.secrets * PRICES.secretMonth,
    'SQS idle polls of the event source mappings':
      (fixed.sqsEventSourceMappings * ASSUMPTIONS.idlePollsPerMappingMonth * PRICES.sqsRequestsPerMillion) /
      1e6,
    'Scheduled runs (invocation, reads, trace where traced)':
      (scheduledInvocations * PRICES.lambdaRequestsPerMillion +
        fixed.tracedScheduledRunsPerMonth * PRICES.xrayTracesPerMillion +
        scheduledInvocations * ASSUMPTIONS.readsPerScheduledRun * PRICES.dynamodbReadUnitsPerMillion) /
      1e6,
  };
}

const sum = (b: Breakdown) => Object.values(b).reduce((a, n) => a + n, 0);
const usd = (n: number, digits = 4) => `$${n.toFixed(digits)}`;
const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** The numbers the document states, for tests and for the text. */
export interface CostResult {
  botPer1000: number;
  escalatedPer1000: number;
  blendedPer1000: number;
  fixedPerMonth: number;
  /** Blended, fixed costs included, at each volume of {@link ASSUMPTIONS.volumesPerYear}. */
  blendedAllInPer1000: number[];
}

export function computeCost(flows: Record<FlowName, FlowBudget>, fixed: FixedResources): CostResult {
  const traced = fixed.tracedFunctions;
  const bot = sum(perConversation(flows.botConversation, ASSUMPTIONS.botConversationMinutes, traced));
  const escalated = sum(
    perConversation(flows.escalatedConversation, ASSUMPTIONS.escalatedConversationMinutes, traced),
  );
  const blended = (1 - ASSUMPTIONS.escalatedShare) * bot + ASSUMPTIONS.escalatedShare * escalated;
  const monthly = sum(fixedPerMonth(fixed));
  return {
    botPer1000: bot * 1000,
    escalatedPer1000: escalated * 1000,
    blendedPer1000: blended * 1000,
    fixedPerMonth: monthly,
    blendedAllInPer1000: ASSUMPTIONS.volumesPerYear.map(
      (perYear) => (blended + monthly / (perYear / MONTHS_PER_YEAR)) * 1000,
    ),
  };
}

const FLOW_TITLES: Record<FlowName, string> = {
  botTurn: 'one bot turn (a question and its answer)',
  botConversation: `a bot-only conversation (connect, hello, ${BOT_QUESTIONS} questions, disconnect)`,
  escalatedConversation: `an escalated conversation (a question, operator.request, assignment, ${DESK_EXCHANGES} operator replies each answered, ticket completed; its timers)`,
  operatorReply: 'one operator reply',
  citizenToOperator: 'one citizen message to an operator',
};

/** docs/cost.md. */
export function renderCostModel(flows: Record<FlowName, FlowBudget>, fixed: FixedResources): string {
  const result = computeCost(flows, fixed);
  const traced = fixed.tracedFunctions;
  const share = ASSUMPTIONS.escalatedShare;
  const bot = perConversation(flows.botConversation, ASSUMPTIONS.botConversationMinutes, traced);
  const escalated = perConversation(
    flows.escalatedConversation,
    ASSUMPTIONS.escalatedConversationMinutes,
    traced,
  );
  const tracedEverywhere =
    (((1 - share) * flows.botConversation.invocations + share * flows.escalatedConversation.invocations) *
      PRICES.xrayTracesPerMillion) /
    1000;
  const monthly = fixedPerMonth(fixed);
  const [today = 0, tenTimes = 0] = ASSUMPTIONS.volumesPerYear;
  const [todayAllIn = 0, tenTimesAllIn = 0] = result.blendedAllInPer1000;
  const flowRows = (Object.keys(FLOW_TITLES) as FlowName[]).map((name) => {
    const f = flows[name];
    const stored = f.storedBytes ? `${int(f.storedBytes)} (${int(f.storedBytesInfrequentAccess)})` : '—';
    return `| ${FLOW_TITLES[name]} | ${f.invocations} | ${f.dynamodbReads} | ${f.dynamodbReadUnits} (${f.dynamodbReadUnitsInfrequentAccess}) | ${f.dynamodbWrites} | ${f.dynamodbWriteUnits} (${f.dynamodbWriteUnitsInfrequentAccess}) | ${f.sqsRequests} | ${f.connectionsApiRequests} | ${f.websocketMessages} | ${stored} |`;
  });
  const breakdownRows = Object.keys(bot).map((service) => {
    const b = bot[service] ?? 0;
    const e = escalated[service] ?? 0;
    return `| ${service} | ${usd(b * 1000)} | ${usd(e * 1000)} | ${usd(((1 - share) * b + share * e) * 1000)} |`;
  });
  const target = ASSUMPTIONS.targetPer1000;
  return `${[
    '# Cost model',
    '',
    '<!-- Generated by `npm run cost` (test/cost/cost.ts) from test/budgets.ts and the synthesized app. Do not edit: change the code, lower the budgets, run `npm run cost`. -->',
    '',
    'What the chat costs in AWS per 1,000 conversations, computed from **counted** requests: each flow',
    'below is driven on the local stack with every AWS call of its functions counted, with the capacity',
    'units DynamoDB reports (`LOCAL_COUNT_AWS_CALLS`, docs/local-stack.md#counting-aws-calls; the',
    'flows: test/support/flows.ts). The counts are the budgets of test/budgets.ts, which',
    '`test/integration/budgets.test.ts` holds equal to what the code does: when the code changes what',
    'a flow costs, that test fails until the budget is changed, and `test/cost/cost.test.ts` fails until',
    'this file is generated again. The monthly resources are counted in the synthesized production app.',
    `The same test fails when the blended figure, all in, passes the target ($${ASSUMPTIONS.targetPer1000.toFixed(2)} per 1,000) at either volume below.`,
    '',
    `## Prices assumed (${PRICES.region}, list prices as of ${PRICES.date}, USD)`,
    '',
    'Public on-demand list prices, without the free tier; not fetched by the script (this machine has no',
    'price list): check them in the AWS Pricing Calculator before relying on the result.',
    '',
    '| item | price |',
    '|---|--:|',
    `| Lambda requests | ${PRICES.lambdaRequestsPerMillion} per million |`,
    `| Lambda duration, arm64 | ${PRICES.lambdaArmGbSecond} per GB-second |`,
    `| DynamoDB on-demand writes | ${PRICES.dynamodbWriteUnitsPerMillion} per million write request units |`,
    `| DynamoDB on-demand reads | ${PRICES.dynamodbReadUnitsPerMillion} per million read request units |`,
    `| DynamoDB storage (Standard) | ${PRICES.dynamodbStorageGbMonth} per GB-month |`,
    `| DynamoDB Standard-IA class (messages, notes, access journal): writes, reads, storage | ${PRICES.dynamodbInfrequentAccessWriteUnitsPerMillion} per million write units, ${PRICES.dynamodbInfrequentAccessReadUnitsPerMillion} per million read units, ${PRICES.dynamodbInfrequentAccessStorageGbMonth} per GB-month (1.25 and 0.4 times Standard's) |`,
    `| DynamoDB point-in-time recovery | ${PRICES.dynamodbPitrGbMonth} per GB-month |`,
    '| DynamoDB Streams read by Lambda | free |',
    `| SQS requests (FIFO price for all) | ${PRICES.sqsRequestsPerMillion} per million |`,
    `| API Gateway WebSocket messages | ${PRICES.websocketMessagesPerMillion} per million |`,
    `| API Gateway WebSocket connection minutes | ${PRICES.websocketConnectionMinutesPerMillion} per million |`,
    `| X-Ray traces recorded | ${PRICES.xrayTracesPerMillion} per million |`,
    `| CloudWatch Logs ingested | ${PRICES.cloudwatchLogsIngestedGb} per GB |`,
    `| CloudWatch alarm (standard resolution) | ${PRICES.cloudwatchAlarmMonth} per alarm metric per month (a metric math alarm: each metric it reads) |`,
    `| CloudWatch dashboard | ${PRICES.cloudwatchDashboardMonth} per month |`,
    `| KMS customer-managed key | ${PRICES.kmsKeyMonth} per month |`,
    `| Secrets Manager secret | ${PRICES.secretMonth} per month |`,
    '',
    '## Assumed, not counted',
    '',
    `- Lambda: ${ASSUMPTIONS.lambdaMsPerInvocation} ms billed per invocation at ${ASSUMPTIONS.lambdaMemoryGb * 1024} MB (the house function's memory); the local stack does not run on Lambda's hardware.`,
    `- A citizen's connection stays open ${ASSUMPTIONS.botConversationMinutes} minutes in a bot-only conversation, ${ASSUMPTIONS.escalatedConversationMinutes} in an escalated one.`,
    `- CloudWatch Logs: ${int(ASSUMPTIONS.logBytesPerInvocation)} bytes per invocation (Lambda's START/END/REPORT lines and the functions' own at INFO).`,
    `- X-Ray: active tracing is on for ${traced.map((f) => `\`${f}\``).join(', ')} only (docs/architecture.md, "Tracing"). Lambda samples the first request each second and 5 % of the rest, per function: at these volumes that is every invocation of a traced function, each counted as a trace (an upper bound: an SQS-triggered invocation joins its sender's trace). With tracing on everywhere, as before, X-Ray would cost ${usd(tracedEverywhere)} per 1,000 blended conversations.`,
    `- Storage: what a conversation keeps at its end (messages, conversation, session, ticket, with the copies in the indexes that hold them, and DynamoDB's 100 bytes per item), kept ${ASSUMPTIONS.retentionDays} days (\`messageRetentionDays\` of stage prod), with PITR on every table; the messages in the Standard-IA class, their requests priced as such (counted apart, by the table's class in the template). Idempotency keys, connections and timers expire within days and are left out.`,
    `- The blend: ${(share * 100).toFixed(1)} % of conversations are escalated (the seed), the rest bot-only.`,
    `- Lambda's SQS event source mappings poll whether messages come or not: ${int(ASSUMPTIONS.idlePollsPerMappingMonth)} long polls a month per mapping (5 pollers, 20 s each).`,
    `- A scheduled run that finds nothing to do: one invocation, one trace and ${ASSUMPTIONS.readsPerScheduledRun} reads.`,
    "- Not in the model: SMS and e-mail (by the target's definition), S3 and CloudFront for the web pages and attachments, data transfer out.",
    '',
    '## Counted requests per flow',
    '',
    "One flow at a time on the local stack (test/support/flows.ts), from test/budgets.ts. SQS counts the functions' sends and the event source mappings' receives and deletes; WebSocket messages are the frames the clients sent and received; stored bytes are what the conversation keeps at its end.",
    '',
    '| flow | invocations | DynamoDB reads | read units (Standard-IA) | DynamoDB writes | write units (Standard-IA) | SQS | @connections | WebSocket messages | stored bytes (Standard-IA) |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...flowRows,
    '',
    '## Fixed costs (the production app, per month)',
    '',
    `Counted in the synthesized templates: ${fixed.alarms} alarms reading ${fixed.alarmMetrics} metrics, ${fixed.dashboards} dashboard(s), ${fixed.kmsKeys} customer-managed KMS keys, ${fixed.secrets} secrets, ${fixed.sqsEventSourceMappings} SQS event source mappings, ${int(fixed.scheduledRunsPerMonth)} scheduled runs a month.`,
    '',
    '| item | per month |',
    '|---|--:|',
    ...Object.entries(monthly).map(([item, n]) => `| ${item} | ${usd(n, 2)} |`),
    `| **total** | **${usd(result.fixedPerMonth, 2)}** |`,
    '',
    '## Result per 1,000 conversations',
    '',
    '| service | bot-only | escalated | blended |',
    '|---|--:|--:|--:|',
    ...breakdownRows,
    `| **requests, storage, tracing, logs** | **${usd(result.botPer1000)}** | **${usd(result.escalatedPer1000)}** | **${usd(result.blendedPer1000)}** |`,
    '',
    '| volume | fixed costs per 1,000 | blended, all in, per 1,000 | target | met? |',
    '|---|--:|--:|--:|---|',
    `| today: ${int(today)} a year | ${usd(todayAllIn - result.blendedPer1000)} | ${usd(todayAllIn)} | $${target.toFixed(2)} | ${todayAllIn <= target ? 'yes' : '**no**'} |`,
    `| ten times: ${int(tenTimes)} a year | ${usd(tenTimesAllIn - result.blendedPer1000)} | ${usd(tenTimesAllIn)} | $${target.toFixed(2)} | ${tenTimesAllIn <= target ? 'yes' : '**no**'} |`,
  ].join('\n')}\n`;
}
