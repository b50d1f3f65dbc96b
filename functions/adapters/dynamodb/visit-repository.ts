/**
 * MFC visits on DynamoDB (VisitsTable, one partition key `pk`), three kinds of item:
 * - `visit#{number}`: the visit (citizenId, office, service, slot, status); index `byCitizen`
 *   (citizenId, startsAt) lists a citizen's visits. Its conditional put makes numbers unique.
 * - `slot#{office}#{service}#{date}#{time}`: `taken`, the places taken. A booking adds one only while
 *   `taken < places`: that condition, not a read before it, is what gives the last place to exactly one
 *   of any number of concurrent bookings.
 * - `quota#{citizenId}#{service}`: the citizen's booked visits of the service (`visits`: number →
 *   startsAt) and a `version`. A booking rewrites it with the visits still ahead plus the new one,
 *   on the condition that the version is the one read, so two bookings of one citizen cannot both
 *   pass the limit, and visits in the past stop counting without any sweeper.
 * - `request#{citizenId}#{requestId}`: what a frame with a `requestId` changed (`action` `book`,
 *   `cancel` or `reschedule`, the visit's `number`, a move's `date` and `time`; an item without
 *   `action` is a booking's), written in the change's own transaction on the condition that it is
 *   new, kept a day: a retried frame finds it and changes nothing.
 * A booked visit whose reminder is still to go carries `remindAt` and `remindDay` (its UTC date):
 * the sparse index `byReminder` is what the reminder job reads.
 * Each change is one transaction: all of it is stored or none.
 */
import type { Visit } from '#domain/mfc/visits.ts';
import type {
  BookOutcome,
  CancelOutcome,
  DueReminders,
  RescheduleOutcome,
  VisitPosition,
  VisitRepository,
  VisitRequest,
} from '#domain/ports/visits.ts';
import * as z from '#events/zod.ts';
import {
  DeleteCommand,
  GetCommand,
  paginateQuery,
  paginateScan,
  QueryCommand,
  UpdateCommand,
} from '#shared/aws-sdk/lib-dynamodb.ts';
import { batchGetKeys } from './batch-get.ts';
import { DynamoCitizenVisits, visitItemSchema } from './citizen-visits.ts';
import { conditionally, documentClient } from './document-client.ts';
import { conditionFailedAt, type TransactItem, transactWrite } from './transactions.ts';

/** An item stored before `action` was (only bookings were remembered then) is a booking's. */
const requestSchema = z.union([
  z.object({ action: z.literal('reschedule'), number: z.string(), date: z.string(), time: z.string() }),
  z.object({ action: z._default(z.enum(['book', 'cancel']), 'book'), number: z.string() }),
]);

const quotaSchema = z.object({
  visits: z._default(z.record(z.string(), z.string()), {}),
  version: z._default(z.int(), 0),
});

/**
 * A visit is kept this long after its time (the citizen's history), then removed by TTL: the
 * stage's `visitRetentionDays` (`VISIT_RETENTION_DAYS`); a year when none is given.
 */
const DEFAULT_VISIT_RETENTION_DAYS = 365;
/** Slot counters are of no use once the day is over. */
const SLOT_RETENTION_DAYS = 2;
/** A transaction that met a concurrent one is tried again this many times. */
const CONTENDED_ATTEMPTS = 8;

const visitKey = (number: string) => ({ pk: `visit#${number}` });
const slotKey = (v: Pick<Visit, 'officeId' | 'serviceId' | 'date' | 'time'>) => ({
  pk: `slot#${v.officeId}#${v.serviceId}#${v.date}#${v.time}`,
});
const quotaKey = (citizenId: string, serviceId: string) => ({ pk: `quota#${citizenId}#${serviceId}` });
const requestKey = (citizenId: string, requestId: string) => ({ pk: `request#${citizenId}#${requestId}` });
/** How long a frame's `requestId` is remembered (as a message's `clientMessageId`). */
const REQUEST_RETENTION_SECONDS = 86_400;
const epochAfterDays = (iso: string, days: number) => Math.floor(Date.parse(iso) / 1000) + days * 86_400;

const pause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));

export class DynamoVisitRepository implements VisitRepository, DueReminders {
  private readonly citizenVisits: DynamoCitizenVisits;

  constructor(
    private readonly table: string,
    private readonly retentionDays = DEFAULT_VISIT_RETENTION_DAYS,
  ) {
    this.citizenVisits = new DynamoCitizenVisits(table);
  }

  async takenPlaces(
    officeId: string,
    serviceId: string,
    date: string,
    times: readonly string[],
  ): Promise<Map<string, number>> {
    // The day's counters are read by key (a day has a few dozen slots).
    const byKey = new Map(times.map((time) => [slotKey({ officeId, serviceId, date, time }).pk, time]));
    const items = await batchGetKeys(
      this.table,
      [...byKey.keys()].map((pk) => ({ pk })),
      { projection: 'pk, taken' },
    );
    const taken = new Map<string, number>();
    for (const item of items) {
      const time = byKey.get(String(item.pk));
      if (time !== undefined && typeof item.taken === 'number' && item.taken > 0) taken.set(time, item.taken);
    }
    return taken;
  }

  async book(
    visit: Visit,
    limits: { places: number; perCitizen: number },
    requestId?: string,
  ): Promise<BookOutcome> {
    for (let attempt = 1; attempt <= CONTENDED_ATTEMPTS; attempt++) {
      const [quota, earlier] = await Promise.all([
        this.readQuota(visit.citizenId, visit.serviceId),
        requestId === undefined ? undefined : this.requested(visit.citizenId, requestId),
      ]);
      if (earlier !== undefined) return 'repeated';
      const ahead = Object.fromEntries(Object.entries(quota.visits).filter(([, at]) => at > visit.bookedAt));
      if (Object.keys(ahead).length >= limits.perCitizen) return 'limit_reached';
      const items: TransactItem[] = [
        {
          Put: {
            TableName: this.table,
            Item: {
              ...visitKey(visit.number),
              ...visit,
              ...(visit.remindAt ? { remindDay: visit.remindAt.slice(0, 10) } : {}),
              expiresAt: epochAfterDays(visit.startsAt, this.retentionDays),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        this.takePlace(visit, limits.places),
        {
          Put: {
            TableName: this.table,
            Item: {
              ...quotaKey(visit.citizenId, visit.serviceId),
              visits: { ...ahead, [visit.number]: visit.startsAt },
              version: quota.version + 1,
            },
            ConditionExpression: 'attribute_not_exists(pk) OR version = :version',
            ExpressionAttributeValues: { ':version': quota.version },
          },
        },
      ];
      if (requestId !== undefined)
        items.push(this.remember(visit.citizenId, requestId, { action: 'book', number: visit.number }));
      const outcome = await transactWrite(items);
      if (outcome.status === 'committed') return 'booked';
      // The same request committed by a copy of the frame racing this one: whatever else failed with it.
      if (conditionFailedAt(outcome, 3)) return 'repeated';
      if (conditionFailedAt(outcome, 0)) return 'number_taken';
      if (conditionFailedAt(outcome, 1)) return 'slot_full';
      // The quota changed since it was read (another booking of this citizen), or a concurrent
      // transaction held an item: read again and decide again.
      await pause(attempt);
    }
    throw new Error('visit booking: too much contention');
  }

  async requested(citizenId: string, requestId: string): Promise<VisitRequest | undefined> {
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: this.table, Key: requestKey(citizenId, requestId), ConsistentRead: true }),
    );
    // An expired item TTL has not removed yet is an absent one.
    if (!Item || (typeof Item.expiresAt === 'number' && Item.expiresAt * 1000 < Date.now())) return undefined;
    return requestSchema.parse(Item);
  }

  async get(number: string): Promise<Visit | undefined> {
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: this.table, Key: visitKey(number), ConsistentRead: true }),
    );
    return Item ? visitItemSchema.parse(Item) : undefined;
  }

  async cancel(visit: Visit, requestId?: string): Promise<CancelOutcome> {
    const outcome = await this.withContention(() => [
      this.markCancelled(visit),
      this.givePlaceBack(visit),
      this.quotaUpdate(visit, 'REMOVE visits.#number'),
      ...(requestId === undefined
        ? []
        : [this.remember(visit.citizenId, requestId, { action: 'cancel', number: visit.number })]),
    ]);
    if (outcome === 'committed') return 'cancelled';
    // A copy of the same frame committed first: whatever else failed with it.
    return outcome.has(3) ? 'repeated' : 'not_booked';
  }

  async reschedule(
    visit: Visit,
    to: Pick<Visit, 'date' | 'time' | 'startsAt' | 'remindAt'>,
    places: number,
    requestId?: string,
  ): Promise<RescheduleOutcome> {
    const moved = { ...visit, ...to };
    const request: VisitRequest = {
      action: 'reschedule',
      number: visit.number,
      date: to.date,
      time: to.time,
    };
    const outcome = await this.withContention(() => [
      {
        Update: {
          TableName: this.table,
          Key: visitKey(visit.number),
          UpdateExpression: to.remindAt
            ? 'SET #date = :date, #time = :time, startsAt = :startsAt, expiresAt = :expiresAt, remindAt = :remindAt, remindDay = :remindDay'
            : 'SET #date = :date, #time = :time, startsAt = :startsAt, expiresAt = :expiresAt REMOVE remindAt, remindDay',
          ConditionExpression: '#status = :booked AND #date = :fromDate AND #time = :fromTime',
          ExpressionAttributeNames: { '#status': 'status', '#date': 'date', '#time': 'time' },
          ExpressionAttributeValues: {
            ':booked': 'booked',
            ':date': to.date,
            ':time': to.time,
            ':startsAt': to.startsAt,
            ':expiresAt': epochAfterDays(to.startsAt, this.retentionDays),
            ':fromDate': visit.date,
            ':fromTime': visit.time,
            ...(to.remindAt ? { ':remindAt': to.remindAt, ':remindDay': to.remindAt.slice(0, 10) } : {}),
          },
        },
      },
      this.givePlaceBack(visit),
      this.takePlace(moved, places),
      this.quotaUpdate(visit, 'SET visits.#number = :startsAt', { ':startsAt': to.startsAt }),
      ...(requestId === undefined ? [] : [this.remember(visit.citizenId, requestId, request)]),
    ]);
    if (outcome === 'committed') return 'rescheduled';
    if (outcome.has(4)) return 'repeated';
    return Math.min(...outcome) === 2 ? 'slot_full' : 'not_active';
  }

  async upcoming(citizenId: string, now: Date): Promise<Visit[]> {
    return this.citizenVisits.upcoming(citizenId, now);
  }

  async pageByCitizen(
    citizenId: string,
    query: { limit: number; after?: VisitPosition },
  ): Promise<{ visits: Visit[]; more: boolean }> {
    return this.citizenVisits.pageByCitizen(citizenId, query);
  }

  async due(now: Date): Promise<Visit[]> {
    const today = now.toISOString().slice(0, 10);
    const yesterday = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
    const due: Visit[] = [];
    for (const day of [yesterday, today]) {
      const { Items = [] } = await documentClient.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'byReminder',
          KeyConditionExpression: 'remindDay = :day AND remindAt <= :now',
          ExpressionAttributeValues: { ':day': day, ':now': now.toISOString() },
          Limit: 100,
        }),
      );
      due.push(...Items.map((item) => visitItemSchema.parse(item)));
    }
    return due;
  }

  async markSent(visit: Visit, at: Date): Promise<boolean> {
    return conditionally(() =>
      documentClient.send(
        new UpdateCommand({
          TableName: this.table,
          Key: visitKey(visit.number),
          UpdateExpression: 'SET remindedAt = :at REMOVE remindAt, remindDay',
          ConditionExpression: 'remindAt = :remindAt AND #status = :booked',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':at': at.toISOString(),
            ':remindAt': visit.remindAt ?? '',
            ':booked': 'booked',
          },
        }),
      ),
    );
  }

  /**
   * Every visit of the citizen, past, booked and cancelled, page by page (a citizen's erasure:
   * functions/adapters/dynamodb/citizen-records.ts), not a page.
   */
  async listAllByCitizen(citizenId: string): Promise<Visit[]> {
    const visits: Visit[] = [];
    for await (const page of paginateQuery(
      { client: documentClient },
      {
        TableName: this.table,
        IndexName: 'byCitizen',
        KeyConditionExpression: 'citizenId = :citizenId',
        ExpressionAttributeValues: { ':citizenId': citizenId },
      },
    ))
      for (const item of page.Items ?? []) visits.push(visitItemSchema.parse(item));
    return visits;
  }

  /**
   * Removes a visit for its citizen's erasure: one still booked and ahead gives its place back first
   * through the path a cancel takes (the visit, the slot's counter and the quota in one conditional
   * transaction); when the quota is gone already (an erasure run again), the visit and the slot's
   * counter alone, on the same conditions. Then the item is deleted. True when it was there.
   */
  async forget(visit: Visit, now: Date): Promise<boolean> {
    if (
      visit.status === 'booked' &&
      visit.startsAt > now.toISOString() &&
      (await this.cancel(visit)) !== 'cancelled'
    )
      await this.withContention(() => [this.markCancelled(visit), this.givePlaceBack(visit)]);
    const { Attributes } = await documentClient.send(
      new DeleteCommand({ TableName: this.table, Key: visitKey(visit.number), ReturnValues: 'ALL_OLD' }),
    );
    return Attributes !== undefined;
  }

  /**
   * Deletes the citizen's quota items of every service (`quota#{citizenId}#…`) and their booking
   * requests (`request#{citizenId}#…` of bookings, cancellations and moves, which name a visit's
   * number): a Scan, as a quota outlives the
   * visits it counted (it has no TTL), a service may have left the directory, and a request's
   * `requestId` is the client's. How many of each were deleted.
   */
  async forgetQuotas(citizenId: string): Promise<{ quotas: number; requests: number }> {
    const keys: string[] = [];
    for await (const page of paginateScan(
      { client: documentClient },
      {
        TableName: this.table,
        FilterExpression: 'begins_with(pk, :quota) OR begins_with(pk, :request)',
        ExpressionAttributeValues: { ':quota': `quota#${citizenId}#`, ':request': `request#${citizenId}#` },
        ProjectionExpression: 'pk',
        ConsistentRead: true,
      },
    ))
      for (const item of page.Items ?? []) keys.push(String(item.pk));
    for (const pk of keys)
      await documentClient.send(new DeleteCommand({ TableName: this.table, Key: { pk } }));
    const requests = keys.filter((pk) => pk.startsWith('request#')).length;
    return { quotas: keys.length - requests, requests };
  }

  private async readQuota(citizenId: string, serviceId: string): Promise<z.infer<typeof quotaSchema>> {
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: this.table, Key: quotaKey(citizenId, serviceId), ConsistentRead: true }),
    );
    return quotaSchema.parse(Item ?? {});
  }

  /** The visit `cancelled` (and out of the reminder index), on the condition that it is still booked. */
  private markCancelled(visit: Visit): TransactItem {
    return {
      Update: {
        TableName: this.table,
        Key: visitKey(visit.number),
        UpdateExpression: 'SET #status = :cancelled REMOVE remindAt, remindDay',
        ConditionExpression: '#status = :booked',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':cancelled': 'cancelled', ':booked': 'booked' },
      },
    };
  }

  /** The request `requestId` of the citizen remembered with its change, on the condition that it is new. */
  private remember(citizenId: string, requestId: string, request: VisitRequest): TransactItem {
    return {
      Put: {
        TableName: this.table,
        Item: {
          ...requestKey(citizenId, requestId),
          ...request,
          expiresAt: Math.floor(Date.now() / 1000) + REQUEST_RETENTION_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  private takePlace(visit: Visit, places: number): TransactItem {
    return {
      Update: {
        TableName: this.table,
        Key: slotKey(visit),
        UpdateExpression: 'ADD taken :one SET expiresAt = :expiresAt',
        ConditionExpression: 'attribute_not_exists(taken) OR taken < :places',
        ExpressionAttributeValues: {
          ':one': 1,
          ':places': places,
          ':expiresAt': epochAfterDays(visit.startsAt, SLOT_RETENTION_DAYS),
        },
      },
    };
  }

  private givePlaceBack(visit: Visit): TransactItem {
    return {
      Update: {
        TableName: this.table,
        Key: slotKey(visit),
        UpdateExpression: 'ADD taken :minusOne',
        ConditionExpression: 'taken > :zero',
        ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
      },
    };
  }

  private quotaUpdate(visit: Visit, expression: string, values: Record<string, unknown> = {}): TransactItem {
    return {
      Update: {
        TableName: this.table,
        Key: quotaKey(visit.citizenId, visit.serviceId),
        UpdateExpression: `${expression} ADD version :one`,
        ConditionExpression: 'attribute_exists(visits)',
        ExpressionAttributeNames: { '#number': visit.number },
        ExpressionAttributeValues: { ':one': 1, ...values },
      },
    };
  }

  /** Commits, retrying a transaction that only met a concurrent one; else the failed items' indexes. */
  private async withContention(items: () => TransactItem[]): Promise<'committed' | ReadonlySet<number>> {
    for (let attempt = 1; attempt <= CONTENDED_ATTEMPTS; attempt++) {
      const outcome = await transactWrite(items());
      if (outcome.status === 'committed') return 'committed';
      if (outcome.status === 'conditions_failed') return outcome.failed;
      await pause(attempt);
    }
    throw new Error('visit change: too much contention');
  }
}
