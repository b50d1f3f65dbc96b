/**
 * The line tick against DynamoDB Local (private conversations/operators/idempotency tables; the
 * stack's ConnectionsTable): a period's tick is scheduled once and runs once however many ask and
 * however often it is delivered; each tick sends one `queue.stats` per operator connection, and
 * places in line only to the citizens whose place changed. The `@connections` API and the timer
 * queue are in-memory ports, so the frames and the ticks scheduled can be read; the clock is set
 * by the test (each tick runs half a second into its period).
 */
import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoConnectionRepository } from '#adapters/dynamodb/connection-repository.ts';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { documentClient } from '#adapters/dynamodb/document-client.ts';
import type { TimerMessage } from '#events/timers.ts';
import {
  type AssignmentFixture,
  assignmentAdapters,
  assignmentFixture,
  onlineOperator,
  putConversation,
  putOperator,
  RecordingNotifier,
  saveConnection,
  waitingConversation,
} from '../../../test/support/assignment-fixtures.ts';
import type { Conversation } from '../conversations.ts';
import { type PlacesInLineDeps, requestLineTick, runLineTick } from './places-in-line.ts';

/**
 * Two seconds into a 5-second period of the real clock, not a fixed date: the items written here
 * (connections, conversations) expire by the real clock, which the repositories read them with.
 */
const PERIOD_START = Math.floor(Date.now() / 5000) * 5000;
const NOW = new Date(PERIOD_START + 2000);
/** The period after NOW's. */
const FIRST_PERIOD = new Date(PERIOD_START + 5000).toISOString();

function depsFor(
  fixture: AssignmentFixture,
  notifier: RecordingNotifier,
  timers: TimerMessage[],
  now = NOW,
): PlacesInLineDeps {
  const adapters = assignmentAdapters(fixture);
  return {
    operators: adapters.operators,
    line: adapters.line,
    ticks: adapters.ticks,
    conversations: new DynamoConversationRepository(fixture.conversationsTable),
    connections: new DynamoConnectionRepository(process.env.CONNECTIONS_TABLE as string),
    notifier,
    timers: { schedule: async (timer) => void timers.push(timer) },
    clock: { now: () => now },
    settings: { averageHandleSeconds: 600, queuePositionUpdates: 20, lineTickSeconds: 5 },
  };
}

/** `count` citizens waiting in mfc a minute before NOW, oldest first, each with a connection. */
async function waitingCitizens(fixture: AssignmentFixture, count: number) {
  const waiting: { conversation: Conversation; connectionId: string }[] = [];
  for (let i = 0; i < count; i++) {
    const conversation = waitingConversation('mfc', new Date(NOW.getTime() - 60_000 + i * 1000));
    await putConversation(fixture.conversationsTable, conversation);
    waiting.push({ conversation, connectionId: await saveConnection(conversation.sessionId, 'guest') });
  }
  return waiting;
}

/** `count` operators online with the mfc skill (one slot each), each with one console connection. */
async function operatorsOnline(fixture: AssignmentFixture, count: number) {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const operator = onlineOperator(randomUUID(), ['mfc'], 1);
      await putOperator(fixture.operatorsTable, operator);
      return saveConnection(operator.operatorId, 'operator');
    }),
  );
}

const periodAfter = (seconds: number) => new Date(Date.parse(FIRST_PERIOD) + seconds * 1000);

/** The tick of the period starting `seconds` after FIRST_PERIOD, run half a second into it. */
function runTick(
  fixture: AssignmentFixture,
  notifier: RecordingNotifier,
  timers: TimerMessage[],
  seconds: number,
) {
  const start = periodAfter(seconds);
  const deps = depsFor(fixture, notifier, timers, new Date(start.getTime() + 500));
  return runLineTick(deps, start.toISOString());
}

describe('the line tick (DynamoDB Local)', () => {
  it('is scheduled once per period, however many events ask at once', async () => {
    // Prepare
    const fixture = await assignmentFixture();
    const timers: TimerMessage[] = [];
    const deps = depsFor(fixture, new RecordingNotifier(), timers);

    // Act: twelve events of the same period, then one of the next.
    const scheduled = await Promise.all(Array.from({ length: 12 }, () => requestLineTick(deps)));
    const next = await requestLineTick(depsFor(fixture, new RecordingNotifier(), timers, periodAfter(0)));

    // Assess: the period after NOW (2 s into its own), once; then the one after it.
    expect(scheduled.filter(Boolean)).toHaveLength(1);
    expect(next).toBe(true);
    expect(timers).toEqual([
      { kind: 'line.tick', periodStart: FIRST_PERIOD, dueAt: FIRST_PERIOD },
      { kind: 'line.tick', periodStart: periodAfter(5).toISOString(), dueAt: periodAfter(5).toISOString() },
    ]);
  });

  it('runs a period once, however often its message is delivered', async () => {
    // Prepare
    const fixture = await assignmentFixture();
    const notifier = new RecordingNotifier();
    const deps = depsFor(fixture, notifier, []);
    await waitingCitizens(fixture, 1);
    await operatorsOnline(fixture, 2);

    // Act: three deliveries at once.
    const outcomes = await Promise.all([
      runLineTick(deps, FIRST_PERIOD),
      runLineTick(deps, FIRST_PERIOD),
      runLineTick(deps, FIRST_PERIOD),
    ]);

    // Assess
    expect(outcomes.filter((o) => o.status === 'ticked')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'stale')).toHaveLength(2);
    expect(notifier.posts.filter((p) => p.frame.type === 'queue.stats')).toHaveLength(2);
  });

  it('sends one queue.stats per operator connection per tick, and places only to citizens whose place changed', async () => {
    // Prepare: 3 citizens waiting in mfc, 8 operators online with the skill (one slot each).
    const fixture = await assignmentFixture();
    const notifier = new RecordingNotifier();
    const timers: TimerMessage[] = [];
    const waiting = await waitingCitizens(fixture, 3);
    const consoles = await operatorsOnline(fixture, 8);
    const tick = (seconds: number) => runTick(fixture, notifier, timers, seconds);
    const framesTo = (connectionId: string) => notifier.to(connectionId);

    // Act: a first tick; a second where only the wait grew; the first citizen is taken; a third tick.
    const first = await tick(0);
    const afterFirst = notifier.posts.length;
    const placesFirst = waiting.map((w) => framesTo(w.connectionId));
    const second = await tick(5);
    const afterSecond = notifier.posts.length;
    await documentClient.send(
      new UpdateCommand({
        TableName: fixture.conversationsTable,
        Key: { conversationId: waiting[0]?.conversation.conversationId },
        UpdateExpression: 'SET #state = :operator REMOVE #queue',
        ExpressionAttributeNames: { '#state': 'state', '#queue': 'queue' },
        ExpressionAttributeValues: { ':operator': 'operator' },
      }),
    );
    const third = await tick(10);

    // Assess
    expect(first).toMatchObject({ status: 'ticked', statsFrames: 8, placesTold: 3, waiting: 3, next: true });
    for (const console of consoles) {
      expect(framesTo(console)[0]).toMatchObject({
        type: 'queue.stats',
        byQueue: { mfc: { waiting: 3, oldestSeconds: 64 } },
      });
    }
    // 8 slots for mfc, ten minutes a conversation: each waits 75 s.
    expect(placesFirst).toEqual([
      [expect.objectContaining({ state: 'queued', queuePosition: 1, etaSeconds: 75 })],
      [expect.objectContaining({ state: 'queued', queuePosition: 2, etaSeconds: 150 })],
      [expect.objectContaining({ state: 'queued', queuePosition: 3, etaSeconds: 225 })],
    ]);
    expect(afterFirst).toBe(8 + 3);
    // Only the wait grew (oldestSeconds): the stats once more, no place.
    expect(second).toMatchObject({ status: 'ticked', statsFrames: 8, placesTold: 0 });
    expect(afterSecond).toBe(afterFirst + 8);
    // One left the line: one frame per console, and the two still waiting moved up.
    expect(third).toMatchObject({ status: 'ticked', statsFrames: 8, placesTold: 2, waiting: 2 });
    expect(consoles.map((c) => framesTo(c).length)).toEqual(consoles.map(() => 3));
    expect(timers.map((t) => (t.kind === 'line.tick' ? t.periodStart : t.kind))).toEqual([
      periodAfter(5).toISOString(),
      periodAfter(10).toISOString(),
      periodAfter(15).toISOString(),
    ]);
    expect(framesTo(waiting[0]?.connectionId ?? '')).toHaveLength(1);
    expect(framesTo(waiting[1]?.connectionId ?? '').at(-1)).toMatchObject({
      queuePosition: 1,
      etaSeconds: 75,
    });
    expect(framesTo(waiting[2]?.connectionId ?? '').at(-1)).toMatchObject({
      queuePosition: 2,
      etaSeconds: 150,
    });
  });

  it('sends nothing when nothing changed, and asks for no next tick once nobody waits', async () => {
    // Prepare: operators online, nobody waiting.
    const fixture = await assignmentFixture();
    const notifier = new RecordingNotifier();
    const timers: TimerMessage[] = [];
    await operatorsOnline(fixture, 2);

    // Act: two ticks of two periods.
    const first = await runTick(fixture, notifier, timers, 0);
    const second = await runTick(fixture, notifier, timers, 5);

    // Assess: the numbers (all zero) went out once; no next tick until an event asks.
    expect(first).toMatchObject({ status: 'ticked', statsFrames: 2, waiting: 0, next: false });
    expect(second).toMatchObject({ status: 'ticked', statsFrames: 0, placesTold: 0, next: false });
    expect(notifier.posts).toHaveLength(2);
    expect(timers).toEqual([]);
  });
});
