/**
 * The request budgets: what each counted flow (test/support/flows.ts) may cost in AWS requests
 * and DynamoDB capacity units, one flow at a time on the local stack, counted by
 * local/aws-calls.ts. `test/integration/budgets.test.ts` drives the flows and fails when a flow
 * costs more than its budget. It also fails when an exact figure (the requests and invocations)
 * costs less: lower the budget to the count it prints, then run `npm run cost`, which computes
 * docs/cost.md from these figures (and `test/cost/cost.test.ts` fails until it has). So the budgets
 * are the counts of the code as it is, and the cost model moves when the code moves.
 *
 * The reads, the capacity units and the stored bytes are a ceiling only: the line tick's queries
 * depend on where its one-second period falls (±4 requests between runs), and an item within a few
 * bytes of a kilobyte costs one unit more or less as the lengths of its generated values vary (the
 * escalated conversation: 169 seen, 170 allowed). The budget is the highest count seen, with that
 * margin. The bytes kept in the Standard-IA class are a floor instead, a little under the count:
 * the cost model prices the rest as Standard, so fewer there would price a conversation low.
 */
import type { FlowFigures, FlowName } from './support/flows.ts';

/** What one flow may cost. */
export interface FlowBudget {
  /** Lambda invocations, every function. */
  invocations: number;
  /** The same by function (handler file name): what X-Ray traces, where tracing is on. */
  invocationsByFunction: Record<string, number>;
  /** DynamoDB read requests (ceiling). */
  dynamodbReads: number;
  /** DynamoDB read capacity units (ceiling). */
  dynamodbReadUnits: number;
  /** DynamoDB write requests (a transaction is one). */
  dynamodbWrites: number;
  /** DynamoDB write capacity units, indexes included (a transaction's items count twice). */
  dynamodbWriteUnits: number;
  /**
   * Of the read and write units, those of the tables in the Infrequent Access class (messages, notes,
   * the access journal), whose requests cost a quarter more (ceilings, as the units).
   */
  dynamodbReadUnitsInfrequentAccess: number;
  dynamodbWriteUnitsInfrequentAccess: number;
  /** SQS requests: the functions' sends, the event source mappings' receives and deletes. */
  sqsRequests: number;
  /** `@connections` requests (PostToConnection). */
  connectionsApiRequests: number;
  /** WebSocket frames sent and received by the flow's clients (API Gateway messages). */
  websocketMessages: number;
  /** SNS and SES requests. */
  notificationRequests: number;
  /** Bytes a whole conversation keeps in DynamoDB, index copies included (ceiling; 0: not a conversation). */
  storedBytes: number;
  /**
   * Of those, the bytes in the Infrequent Access tables (the messages), kept at 40 % of the price: a
   * floor (the rest is priced as Standard), a little under the count for the lengths that vary.
   */
  storedBytesInfrequentAccess: number;
}

export const FLOW_BUDGETS: Record<FlowName, FlowBudget> = {
  botTurn: {
    invocations: 1,
    invocationsByFunction: { 'message-send': 1 },
    dynamodbReads: 2,
    dynamodbReadUnits: 2.5,
    dynamodbWrites: 1,
    // One transaction: the conversation after the turn, the citizen's message (holding its reply's
    // place: no `bot#` key), the bot's reply (under 1 KB with its body compressed: message-body.ts),
    // the message's key and the frame's count, 2 units each. The flow's second question («как узнать статус заявления»)
    // asked by a guest is remembered, to answer it once they identify, in the same update of the
    // conversation. The bot outbox is not invoked: a message stored answered is no outbox entry.
    dynamodbWriteUnits: 10,
    dynamodbReadUnitsInfrequentAccess: 0,
    dynamodbWriteUnitsInfrequentAccess: 4,
    sqsRequests: 0,
    connectionsApiRequests: 2,
    websocketMessages: 3,
    notificationRequests: 0,
    storedBytes: 0,
    storedBytesInfrequentAccess: 0,
  },
  botConversation: {
    invocations: 10,
    invocationsByFunction: {
      authorize: 1,
      connect: 1,
      disconnect: 1,
      hello: 1,
      'message-send': 6,
    },
    dynamodbReads: 13,
    dynamodbReadUnits: 15,
    dynamodbWrites: 12,
    dynamodbWriteUnits: 70,
    dynamodbReadUnitsInfrequentAccess: 0,
    dynamodbWriteUnitsInfrequentAccess: 24,
    sqsRequests: 0,
    connectionsApiRequests: 12,
    websocketMessages: 20,
    notificationRequests: 0,
    storedBytes: 8743,
    storedBytesInfrequentAccess: 7800,
  },
  escalatedConversation: {
    invocations: 29,
    invocationsByFunction: {
      authorize: 1,
      connect: 1,
      'conversation-accept': 1,
      'desk-relay': 6,
      disconnect: 1,
      'escalation-consumer': 1,
      hello: 1,
      'message-send': 5,
      'operator-reply': 3,
      'operator-request': 1,
      'ticket-notices': 2,
      'ticket-set-status': 1,
      'timer-consumer': 5,
    },
    dynamodbReads: 90,
    dynamodbReadUnits: 59,
    dynamodbWrites: 42,
    dynamodbWriteUnits: 170,
    dynamodbReadUnitsInfrequentAccess: 2,
    dynamodbWriteUnitsInfrequentAccess: 24,
    sqsRequests: 21,
    connectionsApiRequests: 20,
    websocketMessages: 42,
    notificationRequests: 0,
    storedBytes: 9560,
    storedBytesInfrequentAccess: 5640,
  },
  operatorReply: {
    invocations: 2,
    invocationsByFunction: { 'desk-relay': 1, 'operator-reply': 1 },
    dynamodbReads: 7,
    dynamodbReadUnits: 5.5,
    dynamodbWrites: 3,
    dynamodbWriteUnits: 11,
    dynamodbReadUnitsInfrequentAccess: 0,
    dynamodbWriteUnitsInfrequentAccess: 2,
    sqsRequests: 0,
    connectionsApiRequests: 1,
    websocketMessages: 3,
    notificationRequests: 0,
    storedBytes: 0,
    storedBytesInfrequentAccess: 0,
  },
  citizenToOperator: {
    invocations: 2,
    invocationsByFunction: { 'desk-relay': 1, 'message-send': 1 },
    dynamodbReads: 3,
    dynamodbReadUnits: 3.5,
    dynamodbWrites: 1,
    dynamodbWriteUnits: 10,
    dynamodbReadUnitsInfrequentAccess: 0,
    dynamodbWriteUnitsInfrequentAccess: 2,
    sqsRequests: 0,
    connectionsApiRequests: 1,
    websocketMessages: 3,
    notificationRequests: 0,
    storedBytes: 0,
    storedBytesInfrequentAccess: 0,
  },
};

/** A flow's counted figures in the shape of its budget (a refused conditional write: 1 write unit). */
export function asBudget(figures: FlowFigures): FlowBudget {
  return {
    invocations: figures.invocations,
    invocationsByFunction: figures.invocationsByFunction,
    dynamodbReads: figures.dynamodb.reads,
    dynamodbReadUnits: figures.dynamodb.readUnits,
    dynamodbWrites: figures.dynamodb.writes,
    dynamodbWriteUnits: figures.dynamodb.writeUnits + figures.dynamodb.refusedWrites,
    dynamodbReadUnitsInfrequentAccess: figures.dynamodb.infrequentAccessReadUnits,
    dynamodbWriteUnitsInfrequentAccess: figures.dynamodb.infrequentAccessWriteUnits,
    sqsRequests: figures.sqs,
    connectionsApiRequests: figures.connectionsApi,
    websocketMessages: figures.websocketMessages,
    notificationRequests: figures.notifications,
    storedBytes: figures.storedBytes,
    storedBytesInfrequentAccess: figures.storedBytesInfrequentAccess,
  };
}
