/**
 * The accept window under load, against DynamoDB Local and the SQS emulator (private tables and
 * queues, test/support/assignment-fixtures.ts): the races `npm run bench:dispatch` found between an
 * assignment, its announcement, its accept timer and the operator's `conversation.accept`.
 *
 * - The operator has ACCEPT_SECONDS from the moment the frame goes out, however long the
 *   announcement took after the commit (a busy moment is played by a clock that jumps while the
 *   ticket moves to `in_progress`), and the frame says until when (`acceptBy`).
 * - A post that outlives the window (a clock that jumps while it posts) leaves a timer due at once:
 *   the offer goes back, and the frame that reaches the operator late names a deadline past.
 * - A run that assigns many conversations tells each operator as soon as their assignment commits,
 *   not once the whole run is over.
 * - An accept that commits between the accept timer's `away` and its move keeps the conversation,
 *   and the operator stays online.
 * The `@connections` API is the in-memory RecordingNotifier; the timer queue is recorded in memory.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DynamoConnectionRepository } from '#adapters/dynamodb/connection-repository.ts';
import { DynamoConversationRepository } from '#adapters/dynamodb/conversation-repository.ts';
import { DynamoMessageRepository } from '#adapters/dynamodb/message-repository.ts';
import { randomIds } from '#adapters/system.ts';
import type { Caller } from '#events/authorizer-context.ts';
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
  silentAssignmentMetrics,
  TEST_ASSIGNMENT_SETTINGS,
  waitingConversation,
} from '../../../test/support/assignment-fixtures.ts';
import type { Conversation } from '../conversations.ts';
import type { Operator } from '../operator-roster.ts';
import type { Clock } from '../ports/system.ts';
import { acceptAssignment } from './accept-assignment.ts';
import { assignAndAnnounce } from './announce-assignments.ts';
import { fillOperator, offerQueue } from './assign-conversations.ts';
import { type FireTimerDeps, fireTimer } from './fire-timer.ts';

const env = (name: string) => process.env[name] as string;

/** A clock that runs with the real one, plus whatever `jump` added. */
class JumpingClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  jump(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}

interface Scheduled {
  timer: TimerMessage;
  delaySeconds: number;
}

function depsFor(fixture: AssignmentFixture, clock: Clock = { now: () => new Date() }) {
  const notifier = new RecordingNotifier();
  const scheduled: Scheduled[] = [];
  const deps: FireTimerDeps = {
    ...assignmentAdapters(fixture),
    timers: { schedule: async (timer, delaySeconds) => void scheduled.push({ timer, delaySeconds }) },
    conversations: new DynamoConversationRepository(fixture.conversationsTable),
    messages: new DynamoMessageRepository(env('MESSAGES_TABLE')),
    connections: new DynamoConnectionRepository(env('CONNECTIONS_TABLE')),
    notifier,
    tickets: {
      open: async () => ({ ticketId: '', number: '' }),
      view: async () => undefined,
      startWork: async () => undefined,
    },
    citizens: { describe: async () => ({ verified: false }) },
    sla: {
      recordBreach: async () => ({ status: 'stale' }),
      recordAssignment: async () => undefined,
      markBreachCounted: async () => false,
    },
    metrics: silentAssignmentMetrics,
    clock,
    ids: randomIds,
    settings: TEST_ASSIGNMENT_SETTINGS,
  };
  return { deps, notifier, scheduled };
}

/** A present operator of `legal` with a console connected; answers them and their connection. */
async function presentOperator(fixture: AssignmentFixture, maxChats = 3) {
  const operator = onlineOperator(randomUUID(), ['legal'], maxChats);
  await putOperator(fixture.operatorsTable, operator);
  const connectionId = await saveConnection(operator.operatorId, 'operator');
  return { operator, connectionId };
}

/** A conversation waiting in `legal`, in DynamoDB and on its SQS queue. */
async function waitingInLegal(fixture: AssignmentFixture, deps: FireTimerDeps, queuedAt = new Date()) {
  const conversation = waitingConversation('legal', queuedAt);
  await putConversation(fixture.conversationsTable, conversation);
  await deps.queues.put({
    conversationId: conversation.conversationId,
    queue: 'legal',
    entryId: conversation.queueEntryId as string,
    queuedAt: conversation.queuedAt as string,
  });
  return conversation;
}

const assignedFrames = (notifier: RecordingNotifier, connectionId: string) =>
  notifier.to(connectionId).filter((f) => f.type === 'conversation.assigned');

const callerOf = (operator: Operator): Caller => ({
  principalId: operator.operatorId,
  sessionId: operator.operatorId,
  role: 'operator',
  lang: 'ru',
  displayName: operator.displayName,
});

describe('the accept window under load (DynamoDB Local + SQS emulator)', () => {
  it('gives the operator the whole ACCEPT_SECONDS from the frame, however late the announcement: the timer due by the commit finds the window still open', async () => {
    // Prepare: the ticket's move takes 30 s of the clock (a busy moment), after the commit.
    const fixture = await assignmentFixture();
    const clock = new JumpingClock();
    const { deps, notifier, scheduled } = depsFor(fixture, clock);
    deps.tickets = {
      ...deps.tickets,
      startWork: async () => {
        clock.jump(30);
        return undefined;
      },
    };
    const { operator, connectionId } = await presentOperator(fixture);
    const conversation = await waitingInLegal(fixture, deps);

    // Act
    await assignAndAnnounce(deps, (d) => fillOperator(d, operator.operatorId));
    const framedAt = clock.now().getTime();
    const accept = scheduled.find((s) => s.timer.kind === 'assignment.accept') as Scheduled;
    const acceptDueAt = (accept.timer as { dueAt: string }).dueAt;
    // The timer fired now, past the 20 s after the commit that the window used to be.
    const stored = (await deps.conversations.get(conversation.conversationId)) as Conversation;
    const firedAtOnce = await fireTimer(deps, {
      kind: 'assignment.accept',
      conversationId: conversation.conversationId,
      operatorId: operator.operatorId,
      assignedAt: stored.assignedAt as string,
      dueAt: acceptDueAt,
    });

    // Assess
    const frames = assignedFrames(notifier, connectionId);
    expect(frames).toHaveLength(1);
    // The frame names the end of its window: the accept timer's due.
    expect(frames[0]).toMatchObject({ conversation: { acceptBy: acceptDueAt } });
    expect(accept.delaySeconds).toBe(TEST_ASSIGNMENT_SETTINGS.acceptSeconds);
    const dueAt = Date.parse(acceptDueAt);
    expect(dueAt - Date.parse(stored.assignedAt as string)).toBeGreaterThanOrEqual(50_000);
    expect(Math.abs(dueAt - (framedAt + 20_000))).toBeLessThan(2_000);
    // Fired at once, the timer is early and goes back to wait: the conversation stays the operator's.
    expect(firedAtOnce).toEqual({ kind: 'assignment.accept', status: 'rescheduled' });
    expect(await deps.conversations.get(conversation.conversationId)).toMatchObject({
      state: 'operator',
      operatorId: operator.operatorId,
    });
  });

  it('gives back at once an offer whose post outlived its window, and the frame that arrives late says it expired', async () => {
    // Prepare: the post to the console takes 25 s of the clock (it timed out on a busy stack, or
    // waited there), longer than the 20 s window.
    const fixture = await assignmentFixture();
    const clock = new JumpingClock();
    const { deps, notifier, scheduled } = depsFor(fixture, clock);
    const post = notifier.post.bind(notifier);
    notifier.post = async (connectionId, frame) => {
      clock.jump(25);
      return post(connectionId, frame);
    };
    const { operator, connectionId } = await presentOperator(fixture);
    const conversation = await waitingInLegal(fixture, deps);

    // Act: announce; then the accept timer fires when it is due, and the operator, who saw the
    // frame only now, accepts.
    await assignAndAnnounce(deps, (d) => fillOperator(d, operator.operatorId));
    const accept = scheduled.find((s) => s.timer.kind === 'assignment.accept') as Scheduled;
    const fired = await fireTimer(deps, accept.timer);
    const late = acceptAssignment(
      { ...deps, settings: { firstReplySeconds: 60 } },
      { caller: callerOf(operator), conversationId: conversation.conversationId },
    );

    // Assess: the timer was due at once and gave the conversation back; the frame's deadline had
    // passed by the time the post returned; the late accept is refused.
    const [frame] = assignedFrames(notifier, connectionId) as { conversation: { acceptBy: string } }[];
    expect(accept.delaySeconds).toBe(0);
    expect(Date.parse(frame?.conversation.acceptBy as string)).toBeLessThan(clock.now().getTime());
    expect(fired).toEqual({ kind: 'assignment.accept', status: 'requeued' });
    await expect(late).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await deps.conversations.get(conversation.conversationId)).toMatchObject({ state: 'queued' });
  });

  it('tells each operator of their assignment as it commits, before a long run is over', async () => {
    // Prepare: two operators, six waiting; the run's later commits wait (at most 5 s) until the
    // first operator has their frame.
    const fixture = await assignmentFixture();
    const { deps, notifier } = depsFor(fixture);
    const first = await presentOperator(fixture, 1);
    const second = await presentOperator(fixture, 5);
    const start = Date.now() - 60_000;
    for (let i = 0; i < 6; i++) await waitingInLegal(fixture, deps, new Date(start + i));
    let commits = 0;
    let toldBeforeTheRunEnded = false;
    const store = deps.store;
    deps.store = {
      ...store,
      assign: async (entry, assignee, now) => {
        const outcome = await store.assign(entry, assignee, now);
        if (outcome.status === 'assigned' && ++commits === 2) {
          const deadline = Date.now() + 5_000;
          while (Date.now() < deadline && assignedFrames(notifier, first.connectionId).length === 0) {
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          toldBeforeTheRunEnded = assignedFrames(notifier, first.connectionId).length === 1;
        }
        return outcome;
      },
      accept: store.accept.bind(store),
      release: store.release.bind(store),
      place: store.place.bind(store),
      admit: store.admit.bind(store),
      heldBy: store.heldBy.bind(store),
    };
    // `offerQueue` goes through the operators least loaded first, then the longest idle: `first`
    // (1 slot, made first), then `second`.

    // Act
    const { run } = await assignAndAnnounce(deps, (d) => offerQueue(d, 'legal'));

    // Assess
    expect(run.assignments).toHaveLength(6);
    expect(toldBeforeTheRunEnded).toBe(true);
    expect(assignedFrames(notifier, first.connectionId)).toHaveLength(1);
    expect(assignedFrames(notifier, second.connectionId)).toHaveLength(5);
  });

  it('keeps the conversation with an operator whose accept commits between the accept timer’s away and its move, and keeps them online', async () => {
    // Prepare: assigned 25 s ago, not accepted; the accept arrives right after the timer set them away.
    const fixture = await assignmentFixture();
    const { deps, notifier } = depsFor(fixture);
    const { operator } = await presentOperator(fixture);
    const conversation = await waitingInLegal(fixture, deps, new Date(Date.now() - 30_000));
    await assignAndAnnounce(deps, (d) => fillOperator(d, operator.operatorId));
    const assigned = (await deps.conversations.get(conversation.conversationId)) as Conversation;
    const acceptDeps = { ...deps, settings: { firstReplySeconds: 60 } };
    const operators = deps.operators;
    deps.operators = Object.assign(Object.create(operators) as typeof operators, {
      setAway: async (operatorId: string, now: Date) => {
        const away = await operators.setAway(operatorId, now);
        await acceptAssignment(acceptDeps, {
          caller: callerOf(operator),
          conversationId: conversation.conversationId,
        });
        return away;
      },
    });

    // Act
    const outcome = await fireTimer(deps, {
      kind: 'assignment.accept',
      conversationId: conversation.conversationId,
      operatorId: operator.operatorId,
      assignedAt: assigned.assignedAt as string,
      dueAt: new Date().toISOString(),
    });

    // Assess
    expect(outcome).toEqual({ kind: 'assignment.accept', status: 'stale' });
    const stored = await deps.conversations.get(conversation.conversationId);
    expect(stored).toMatchObject({ state: 'operator', operatorId: operator.operatorId });
    expect(stored?.acceptedAt).toBeDefined();
    expect((await operators.get(operator.operatorId))?.status).toBe('online');
    expect(notifier.posts.map((p) => p.frame.type)).not.toContain('operator.state');
  });
});
