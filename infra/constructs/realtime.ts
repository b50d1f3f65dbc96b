/**
 * The realtime channel (docs/requirements.md#realtime-channel): the WebSocket API, its `$connect` authorizer, one function per route,
 * and the stage with access logging and throttling. Routes that answer the caller do it through the
 * route response (`returnResponse`), so a request/response action costs one invocation and no
 * `PostToConnection`.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { LogGroupLogDestination, WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, type IConstruct } from 'constructs';
import { policyOf } from '../../functions/domain/authorization.ts';
import { ApiGatewayAccountLogging } from './api-gateway-account-logging.ts';

import type { ChatTables } from './data.ts';
import { type FunctionSettings, type HouseFunction, handlerFunctions } from './house-function.ts';
import type { KnowledgeBaseLayer } from './knowledge-base.ts';
import type { BotQueues, EscalationQueues } from './queues.ts';

/** Properties of {@link Realtime}. */
export interface RealtimeProps {
  /** Settings shared by all functions. */
  readonly settings: FunctionSettings;
  /** The tables of the data model. */
  readonly tables: ChatTables;
  /** The bot queue `message.send` feeds. */
  readonly botQueues: BotQueues;
  /** The knowledge base `suggest` ranks over and `operator.request` speaks from. */
  readonly knowledgeBase: KnowledgeBaseLayer;
  /** Where `operator.request` puts a conversation that needs no intake. */
  readonly escalationQueues: EscalationQueues;
  /** Name of the stage, the first path segment of the WebSocket URL. */
  readonly stageName: string;
  /** Steady-state request rate per second of the stage's default route settings. */
  readonly throttlingRateLimit: number;
  /** Burst of the stage's default route settings. */
  readonly throttlingBurstLimit: number;
  /**
   * Origins of the pages that may open the socket from a browser (the portal's pages with the
   * widget, the console's). A browser page of any other origin is denied at `$connect`; clients
   * that send no `Origin` (apps, the smoke test) are not affected.
   * @default [] (no browser page may connect)
   */
  readonly allowedOrigins?: readonly string[];
  /** The HMAC key of paging cursors (`history.get`'s `nextCursor`). */
  readonly cursorKey: ISecret;
  /**
   * The Web stack's origin, where the printable MFC checklists are (`CHECKLIST_PAGES_URL` of
   * `message.send`, which answers as the bot worker does).
   * @default none: the bot gives the checklist in the chat only
   */
  readonly webOrigin?: string;
  /**
   * The portal's registry of applications (`PORTAL_REGISTRY_URL` of `message.send`, HTTPS).
   * @default none: the bot's own answer to "where is my application" stands
   */
  readonly portalRegistryUrl?: string;
  /**
   * Whether to set the account's API Gateway CloudWatch Logs role (`AWS::ApiGateway::Account`).
   * WebSocket stages cannot log without it ("CloudWatch Logs role ARN must be set in account
   * settings"). It is one setting per account and region: turn this off where the platform team
   * manages it centrally.
   * @default true
   */
  readonly configureAccountLogsRole?: boolean;
}

/**
 * Fields of one access-log line (JSON). No message body and no query string: the token and any
 * personal data stay out of the logs (docs/requirements.md#audit-and-personal-data).
 */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  requestTime: '$context.requestTime',
  eventType: '$context.eventType',
  routeKey: '$context.routeKey',
  connectionId: '$context.connectionId',
  status: '$context.status',
  messageId: '$context.messageId',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  authorizeStatus: '$context.authorize.status',
  authorizerError: '$context.authorizer.error',
  integrationStatus: '$context.integration.status',
  integrationLatency: '$context.integration.latency',
  integrationError: '$context.integration.error',
  integrationRequestId: '$context.integration.requestId',
  errorMessage: '$context.error.message',
  errorResponseType: '$context.error.responseType',
} as const;

/** The WebSocket API with its routes, authorizer, stage and the functions behind them. */
export class Realtime extends Construct {
  readonly api: WebSocketApi;
  readonly stage: WebSocketStage;
  /** Every function behind the API, the authorizer included ({@link addRoute} adds to it). */
  readonly functions: HouseFunction[];
  /** The `$connect` REQUEST authorizer (the operator pool gives it the pool and client ids). */
  readonly authorizer: HouseFunction;
  /** Route `hello` (identification gives it the resume-token signing key). */
  readonly hello: HouseFunction;
  /**
   * The functions of every route staff may send ({@link addRoute} adds to it): each checks a staff
   * caller against the operators' pool at every frame (`OperatorPool.checkedBy`).
   */
  readonly staffFunctions: HouseFunction[] = [];
  private readonly tables: ChatTables;

  constructor(scope: Construct, id: string, props: RealtimeProps) {
    super(scope, id);
    const { settings, tables } = props;
    this.tables = tables;
    const fn = handlerFunctions(this, settings);

    // Verifies a resume token's signature, then that its slot is still on its session (one GetItem).
    const authorize = fn(
      'Authorize',
      'authorize',
      'REQUEST authorizer of $connect: guest, resumed citizen session or operator',
      Duration.seconds(5),
    )
      .useTable('SESSIONS_TABLE', tables.sessions, 'read')
      // Connects per source address and per resumed session.
      .useClientLimits(tables.limits);
    authorize.addEnvironment('ALLOWED_ORIGINS', (props.allowedOrigins ?? []).join(','));
    this.authorizer = authorize;
    const connect = fn('Connect', 'connect', 'Stores a new connection and its session')
      .useTable('CONNECTIONS_TABLE', tables.connections, 'write')
      .useTable('SESSIONS_TABLE', tables.sessions, 'write');
    const disconnect = fn('Disconnect', 'disconnect', 'Removes a closed connection').useTable(
      'CONNECTIONS_TABLE',
      tables.connections,
      'write',
    );
    // Counts its frames in memory only: it stores and reads nothing.
    const defaultRoute = fn(
      'DefaultRoute',
      'default-route',
      'Answers unknown actions and bad frames',
    ).useClientLimits();
    // Each hello stores the slot (id and expiry) of the fresh resume token it answers with.
    const hello = fn('Hello', 'hello', 'Answers hello with the welcome frame')
      .useTable('SESSIONS_TABLE', tables.sessions, 'readWrite')
      .useTable('CONVERSATIONS_TABLE', tables.conversations, 'read');
    this.hello = hello;
    // One transaction moves the conversation's lastSeq, puts the message and its idempotency key,
    // and (for a new conversation) sets the session's open conversation; it reads lastSeq and a
    // stored ack first. Then the bot answers it here, as the bot worker would (its reply in a
    // second transaction, pushed to the session's connections; an intake reads the citizen's recent
    // messages; a handover goes on the escalation queue); the job is queued only if that fails.
    const messageSend = fn(
      'MessageSend',
      'message-send',
      'Stores a citizen message and has the bot answer it (queued for the bot worker on failure)',
    )
      .useTable('SESSIONS_TABLE', tables.sessions, 'readWrite')
      .useTable('CONVERSATIONS_TABLE', tables.conversations, 'readWrite')
      .useTable('MESSAGES_TABLE', tables.messages, 'readWrite')
      .useTable('IDEMPOTENCY_TABLE', tables.idempotency, 'readWrite')
      // `attachmentIds` must name ready attachments of the conversation (functions/domain/attachments.ts).
      .useTable('ATTACHMENTS_TABLE', tables.attachments, 'read')
      // Reads the connections of a session; deletes those that answer 410 Gone.
      .useTable('CONNECTIONS_TABLE', tables.connections, 'readWrite')
      .useKnowledgeBase(props.knowledgeBase)
      .useMfcDirectory(props.knowledgeBase)
      .useQueue('ESCALATION_QUEUE_URL', props.escalationQueues.queue, 'send')
      .useQueue('BOT_QUEUE_URL', props.botQueues.queue, 'send');
    if (props.webOrigin) messageSend.addEnvironment('CHECKLIST_PAGES_URL', props.webOrigin);
    if (props.portalRegistryUrl) messageSend.addEnvironment('PORTAL_REGISTRY_URL', props.portalRegistryUrl);
    // Ownership is checked against the conversation's sessionId (the caller comes from the authorizer).
    const historyGet = fn('HistoryGet', 'history-get', 'Pages through the messages of a conversation')
      .useTable('CONVERSATIONS_TABLE', tables.conversations, 'read')
      .useTable('MESSAGES_TABLE', tables.messages, 'read')
      .useSecret('CURSOR_SECRET_ID', props.cursorKey)
      // Staff reads are journaled (functions/domain/access-journal.ts).
      .useTable('ACCESS_JOURNAL_TABLE', tables.accessJournal, 'append');
    // Stateless: ranks the prefix over the knowledge base in memory, so no table and no queue.
    const suggest = fn('Suggest', 'suggest', 'Suggests up to 3 intents for the prefix being typed')
      .useKnowledgeBase(props.knowledgeBase)
      .useClientLimits();
    // Escalates the caller's conversation as the bot worker does: reads the citizen's messages to
    // pre-fill the intake, appends the bot's handover and first question (a new conversation sets the
    // session's open one), pushes them to the session's connections, queues it when nothing is left to ask.
    const operatorRequest = fn(
      'OperatorRequest',
      'operator-request',
      'Hands the caller conversation to a person: intake, then the escalation queue',
    )
      .useTable('SESSIONS_TABLE', tables.sessions, 'readWrite')
      .useTable('CONVERSATIONS_TABLE', tables.conversations, 'readWrite')
      .useTable('MESSAGES_TABLE', tables.messages, 'readWrite')
      .useTable('CONNECTIONS_TABLE', tables.connections, 'readWrite')
      .useKnowledgeBase(props.knowledgeBase)
      .useQueue('ESCALATION_QUEUE_URL', props.escalationQueues.queue, 'send');
    this.functions = [
      authorize,
      connect,
      disconnect,
      defaultRoute,
      hello,
      messageSend,
      historyGet,
      suggest,
      operatorRequest,
    ];

    const integration = (target: HouseFunction) =>
      new WebSocketLambdaIntegration(`${target.node.id}Integration`, target);
    this.api = new WebSocketApi(this, 'ChatApi', {
      description: 'Support chat WebSocket API (docs/protocol.md)',
      routeSelectionExpression: '$request.body.action',
      connectRouteOptions: {
        integration: integration(connect),
        // No identity source: API Gateway would answer 401 itself when a source is missing,
        // and guests connect without a token. The authorizer decides for every connection.
        authorizer: new WebSocketLambdaAuthorizer('Authorizer', authorize, { identitySource: [] }),
      },
      disconnectRouteOptions: { integration: integration(disconnect) },
      defaultRouteOptions: { integration: integration(defaultRoute), returnResponse: true },
    });
    const routes: ReadonlyArray<readonly [string, HouseFunction]> = [
      ['hello', hello],
      ['message.send', messageSend],
      ['history.get', historyGet],
      ['suggest', suggest],
      ['operator.request', operatorRequest],
    ];
    for (const [routeKey, target] of routes) this.addRoute(routeKey, target);

    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: settings.logRetention });
    this.stage = new WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: props.stageName,
      autoDeploy: true,
      throttle: { rateLimit: props.throttlingRateLimit, burstLimit: props.throttlingBurstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    // Its handover and first question reach every connection of the session, not only the caller;
    // the bot's reply to a message, too.
    operatorRequest.useConnectionsApi(this.api, this.stage);
    messageSend.useConnectionsApi(this.api, this.stage);

    if (props.configureAccountLogsRole !== false) {
      this.stage.node.addDependency(new ApiGatewayAccountLogging(this, 'AccountLogging'));
    }

    // Only $connect can carry an authorizer in a WebSocket API; every later frame travels on the
    // connection it authorized.
    for (const route of this.api.node.findAll()) {
      if (route.node.id.endsWith('-Route') && !route.node.id.startsWith('$connect')) {
        acknowledgeRouteAuthorization(route);
      }
    }
  }

  /**
   * Adds a request/response route for `routeKey` (a docs/protocol.md action) served by `target`, which
   * answers through the route response. Constructs of other capabilities (identification, tickets,
   * operators) add their routes with it, so every route is built the same way and watched by the
   * same alarms (`functions`).
   *
   * Where the authorization policy (functions/domain/authorization.ts) resolves a guest caller from
   * its session, `target` is granted read on SessionsTable: the frame middleware reads it. Where
   * staff may send the action, `target` may write OperatorsTable: every frame of an operator renews
   * their presence lease (`routeHandler`'s `presence`). Every frame is counted against the
   * per-client limits on LimitsTable (`sharedFrameLimits`), except `suggest`'s, counted in memory;
   * a route staff may send joins {@link staffFunctions}.
   */
  addRoute(routeKey: string, target: HouseFunction): void {
    const policy = policyOf(routeKey);
    if (routeKey !== 'suggest') target.useClientLimits(this.tables.limits);
    if (policy?.resolveCitizen) target.useTable('SESSIONS_TABLE', this.tables.sessions, 'read');
    if (policy?.roles.includes('operator')) {
      target.useTable('OPERATORS_TABLE', this.tables.operators, 'write');
      if (!this.staffFunctions.includes(target)) this.staffFunctions.push(target);
    }
    const route = this.api.addRoute(routeKey, {
      integration: new WebSocketLambdaIntegration(`${target.node.id}${routeKey}Integration`, target),
      returnResponse: true,
    });
    acknowledgeRouteAuthorization(route);
    if (!this.functions.includes(target)) this.functions.push(target);
  }
}

function acknowledgeRouteAuthorization(route: IConstruct): void {
  Validations.of(route).acknowledge({
    id: 'AwsSolutions-APIG4',
    reason:
      'WebSocket APIs authorize only $connect; this route runs on a connection the $connect authorizer admitted.',
  });
}
