/**
 * Tickets (docs/requirements.md#tickets, docs/requirements.md#feedback): the WebSocket routes `ticket.get`, `ticket.list`, `ticket.setStatus` and
 * `feedback.submit` (added to the realtime API with `Realtime.addRoute`), and the portal's feedback
 * form, `POST /feedback`, on an HTTP API of its own (throttled, access-logged, CORS for the portal's
 * origins only). The TicketsTable itself is stateful and lives in `data.ts`.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { ChatTables } from './data.ts';
import { type FunctionSettings, HouseFunction, handlerFunctions } from './house-function.ts';
import type { KnowledgeBaseLayer } from './knowledge-base.ts';
import type { AssignmentQueues } from './queues.ts';
import type { Realtime } from './realtime.ts';

/** Properties of {@link Tickets}. */
export interface TicketsProps {
  /** Settings shared by all functions. */
  readonly settings: FunctionSettings;
  /** The tables of the data model (tickets, conversations, sessions, connections, operators). */
  readonly tables: ChatTables;
  /** The WebSocket API the ticket routes are added to; pushes go through its `@connections`. */
  readonly realtime: Realtime;
  /** Assignment: a ticket that reaches a final status frees its operator's slot (`allowRelease`). */
  readonly assignmentQueues: AssignmentQueues;
  /**
   * The HMAC key of citizen ids (identification's): a portal ticket carries its contact's citizen
   * id, so the citizen who identifies with that phone or e-mail sees it in `ticket.list`.
   */
  readonly citizenIdKey: ISecret;
  /** The HMAC key of paging cursors (`ticket.list`'s `nextCursor`). */
  readonly cursorKey: ISecret;
  /** The layer with the MFC directory (`/opt/mfc`): a citizen's list names their visits' offices. */
  readonly knowledgeBase: KnowledgeBaseLayer;
  /**
   * Origins allowed to call `POST /feedback` from a browser (CORS), e.g. `https://www.gosuslugi.ru`.
   * @default - none: no CORS headers, so only servers (or same-origin pages) can post
   */
  readonly portalOrigins?: readonly string[];
  /**
   * Steady-state requests per second of the feedback API.
   * @default 20
   */
  readonly feedbackRateLimit?: number;
  /**
   * Burst of the feedback API.
   * @default 50
   */
  readonly feedbackBurstLimit?: number;
}

/** One access-log line of the feedback API (JSON): no body, no query string, no headers with data. */
const FEEDBACK_ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  status: '$context.status',
  responseLength: '$context.responseLength',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  integrationStatus: '$context.integrationStatus',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  errorMessage: '$context.error.message',
} as const;

/** The ticket routes and the feedback API, with the functions behind them. */
export class Tickets extends Construct {
  /** Every function of tickets, for alarms: the routes' (also in `realtime.functions`) and PortalFeedback. */
  readonly functions: HouseFunction[];
  /** The function behind `POST /feedback` (not a WebSocket route: pass it to Monitoring). */
  readonly portalFeedback: HouseFunction;
  readonly feedbackApi: HttpApi;
  readonly feedbackStage: HttpStage;

  constructor(scope: Construct, id: string, props: TicketsProps) {
    super(scope, id);
    const { settings, tables, realtime } = props;
    const fn = handlerFunctions(this, settings);

    // Reads only: the ticket by id or by its number's claim; a citizen's tickets by the indexes of
    // TicketsTable, over the sessions the citizen verified in (SessionsTable index byCitizen).
    // Staff read the tickets of their queues: an operator's skills and held conversations (OperatorsTable).
    const ticketGet = fn('TicketGet', 'ticket-get', 'Answers one ticket to its citizen or to staff')
      .useTable('TICKETS_TABLE', tables.tickets, 'read')
      .useTable('SESSIONS_TABLE', tables.sessions, 'read')
      .useTable('OPERATORS_TABLE', tables.operators, 'read')
      // Staff reads are journaled (functions/domain/access-journal.ts).
      .useTable('ACCESS_JOURNAL_TABLE', tables.accessJournal, 'append');
    const ticketList = fn(
      'TicketList',
      'ticket-list',
      "Pages through a citizen's tickets, or staff's by status",
    )
      .useTable('TICKETS_TABLE', tables.tickets, 'read')
      .useTable('SESSIONS_TABLE', tables.sessions, 'read')
      .useTable('OPERATORS_TABLE', tables.operators, 'read')
      // A citizen's first page lists their MFC visits to come (index byCitizen).
      .useTable('VISITS_TABLE', tables.visits, 'read')
      .useMfcDirectory(props.knowledgeBase)
      .useSecret('CURSOR_SECRET_ID', props.cursorKey)
      // Staff pages are journaled (functions/domain/access-journal.ts).
      .useTable('ACCESS_JOURNAL_TABLE', tables.accessJournal, 'append');
    // One transaction moves the ticket (and closes its conversation on a final status); the
    // operator's slot is freed on OperatorsTable; the citizen's connections are found and pushed to.
    const ticketSetStatus = fn(
      'TicketSetStatus',
      'ticket-set-status',
      'Moves a ticket by the state machine and tells its citizen',
    )
      .useTable('TICKETS_TABLE', tables.tickets, 'readWrite')
      .useTable('SESSIONS_TABLE', tables.sessions, 'read')
      .useTable('CONNECTIONS_TABLE', tables.connections, 'readWrite')
      .useConnectionsApi(realtime.api, realtime.stage);
    // ConversationsTable and OperatorsTable read/write, and the timer queue (wakes assignment: a slot is free).
    props.assignmentQueues.allowRelease(ticketSetStatus);
    const feedbackSubmit = fn('FeedbackSubmit', 'feedback-submit', 'Stores the rating of a completed ticket')
      .useTable('TICKETS_TABLE', tables.tickets, 'readWrite')
      .useTable('CONVERSATIONS_TABLE', tables.conversations, 'read')
      .useTable('SESSIONS_TABLE', tables.sessions, 'read');

    realtime.addRoute('ticket.get', ticketGet);
    realtime.addRoute('ticket.list', ticketList);
    realtime.addRoute('ticket.setStatus', ticketSetStatus);
    realtime.addRoute('feedback.submit', feedbackSubmit);

    // The portal's form: creates a ticket (and its number claim) and nothing else.
    this.portalFeedback = new HouseFunction(this, 'PortalFeedback', {
      entry: 'functions/handlers/portal-feedback.ts',
      description: "Creates a ticket from the portal's feedback form (POST /feedback)",
      settings,
      timeout: Duration.seconds(5),
    })
      .useTable('TICKETS_TABLE', tables.tickets, 'readWrite')
      .useSecret('AUTH_HMAC_SECRET_ID', props.citizenIdKey)
      // Posts per source address and per contact.
      .useClientLimits(tables.limits);

    const origins = props.portalOrigins ?? [];
    this.feedbackApi = new HttpApi(this, 'FeedbackApi', {
      description: "The portal's feedback form: POST /feedback creates a ticket (docs/protocol.md)",
      createDefaultStage: false,
      ...(origins.length > 0
        ? {
            corsPreflight: {
              allowOrigins: [...origins],
              allowMethods: [CorsHttpMethod.POST],
              allowHeaders: ['content-type', 'idempotency-key'],
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });
    this.feedbackApi.addRoutes({
      path: '/feedback',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('PortalFeedbackIntegration', this.portalFeedback),
    });
    const accessLogs = new LogGroup(this, 'FeedbackAccessLogs', { retention: settings.logRetention });
    this.feedbackStage = new HttpStage(this, 'FeedbackStage', {
      httpApi: this.feedbackApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.feedbackRateLimit ?? 20, burstLimit: props.feedbackBurstLimit ?? 50 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(FEEDBACK_ACCESS_LOG_FIELDS)),
      },
    });
    for (const route of this.feedbackApi.node.findAll()) {
      if (route.node.id.endsWith('Route') || route.node.id.includes('POST')) {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            "The portal's public feedback form: anyone may write without signing in (docs/requirements.md#feedback). Abuse is bounded by stage throttling and the 4,000-character limit.",
        });
      }
    }

    this.functions = [ticketGet, ticketList, ticketSetStatus, feedbackSubmit, this.portalFeedback];
  }

  /** The feedback form's URL: `https://<api>.execute-api.<region>.amazonaws.com/feedback`. */
  get feedbackUrl(): string {
    return `${this.feedbackApi.apiEndpoint}/feedback`;
  }
}
