/**
 * MFC visits (docs/architecture.md, "MFC visits"): the WebSocket routes `mfc.offices`, `mfc.slots`,
 * `mfc.book`, `mfc.cancel`, `mfc.reschedule` and `mfc.visits`, served by one function (added to the
 * realtime API with `Realtime.addRoute`), and the reminders of visits: a function run every few
 * minutes by EventBridge Scheduler that sends the reminders due (push, or SMS to those opted in).
 * Both read the MFC directory from the knowledge-base layer; VisitsTable is stateful and lives in
 * `data.ts`.
 */
import { Duration } from 'aws-cdk-lib';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { ChatTables } from './data.ts';
import { type FunctionSettings, type HouseFunction, handlerFunctions } from './house-function.ts';
import type { KnowledgeBaseLayer } from './knowledge-base.ts';
import type { Realtime } from './realtime.ts';
import { FunctionSchedule } from './schedule.ts';

/** The routes of MFC offices and visits, all served by the MfcVisits function. */
export const MFC_ROUTES = [
  'mfc.offices',
  'mfc.slots',
  'mfc.book',
  'mfc.cancel',
  'mfc.reschedule',
  'mfc.visits',
] as const;

/** Properties of {@link Visits}. */
export interface VisitsProps {
  /** Settings shared by all functions. */
  readonly settings: FunctionSettings;
  /** The tables of the data model (visits, sessions, conversations, messages, connections, push devices, idempotency). */
  readonly tables: ChatTables;
  /** The WebSocket API the routes are added to. */
  readonly realtime: Realtime;
  /** The layer with the MFC directory (`/opt/mfc`). */
  readonly knowledgeBase: KnowledgeBaseLayer;
  /** The HMAC key of paging cursors (`mfc.visits`'s `nextCursor`). */
  readonly cursorKey: ISecret;
  /**
   * The Web stack's origin, where the printable MFC checklists are (`CHECKLIST_PAGES_URL`): the
   * confirmation of a visit in the chat links the checklist there.
   * @default none: the confirmation gives the checklist's path
   */
  readonly webOrigin?: string;
  /**
   * How often the reminders due are sent.
   * @default 5 minutes
   */
  readonly remindEvery?: Duration;
}

export class Visits extends Construct {
  /** The function behind the routes (also in `realtime.functions`). */
  readonly routes: HouseFunction;
  /** The scheduled reminders' function (not a route: pass it to Monitoring). */
  readonly reminders: HouseFunction;

  constructor(scope: Construct, id: string, props: VisitsProps) {
    super(scope, id);
    const { settings, tables, realtime, knowledgeBase } = props;
    const fn = handlerFunctions(this, settings);

    // Books, moves and cancels visits (transactions on VisitsTable) and reads free places; confirms
    // each change as a bot message in the session's conversation (the conversation log's transaction:
    // conversation, message, idempotency key; a new conversation is opened on the session) and pushes
    // it to the session's connections (deleting those that answer 410 Gone).
    const routes = fn(
      'MfcVisits',
      'mfc-visits',
      'MFC offices, free slots and visits: book, cancel, reschedule, confirmed in the chat',
    )
      .useTable('VISITS_TABLE', tables.visits, 'readWrite')
      .useTable('SESSIONS_TABLE', tables.sessions, 'readWrite')
      .useTable('CONVERSATIONS_TABLE', tables.conversations, 'readWrite')
      .useTable('MESSAGES_TABLE', tables.messages, 'write')
      .useTable('IDEMPOTENCY_TABLE', tables.idempotency, 'readWrite')
      .useTable('CONNECTIONS_TABLE', tables.connections, 'readWrite')
      .useConnectionsApi(realtime.api, realtime.stage)
      .useMfcDirectory(knowledgeBase)
      // `mfc.visits` pages with sealed cursors (`nextCursor`), as `ticket.list` does.
      .useSecret('CURSOR_SECRET_ID', props.cursorKey);
    if (props.webOrigin) routes.addEnvironment('CHECKLIST_PAGES_URL', props.webOrigin);
    this.routes = routes;
    for (const routeKey of MFC_ROUTES) realtime.addRoute(routeKey, routes);

    // Reads the reminders due (index byReminder) and marks them sent; pushes to the citizen's
    // devices or texts those opted in, each once (IdempotencyTable).
    const reminders = fn(
      'VisitReminders',
      'visit-reminders',
      'Sends the reminders of MFC visits due',
      Duration.seconds(60),
    )
      .useTable('VISITS_TABLE', tables.visits, 'readWrite')
      .useTable('SESSIONS_TABLE', tables.sessions, 'read')
      .useTable('PUSH_DEVICES_TABLE', tables.pushDevices, 'readWrite')
      .useTable('IDEMPOTENCY_TABLE', tables.idempotency, 'readWrite')
      .useMfcDirectory(knowledgeBase)
      .useNotifier({ sms: true, push: true });
    this.reminders = reminders;
    new FunctionSchedule(this, 'ReminderSchedule', {
      target: reminders,
      rate: props.remindEvery ?? Duration.minutes(5),
      description: 'Sends the reminders of MFC visits due',
      localRateEnv: 'VISIT_REMINDER_PERIOD_SECONDS',
      // A missed run is not worth repeating: the next one, a period later, sends what is due.
      retryAttempts: 0,
    });
  }
}
