/**
 * The assignment: gives waiting conversations to operators with the skill and a free slot, exactly
 * once. Every entry point of assignment (an escalation arriving, an operator going online,
 * `operator.next`, a slot freed, a timer) runs these through `assignAndAnnounce`
 * (`announce-assignments.ts`), which tells everyone concerned of each assignment as it commits.
 *
 * Primary course of one assignment run (`fillOperator` for one operator, `offerQueue` for one queue):
 *  1. Read the operator (consistently): nothing to do unless online with free slots.
 *  2. Pick the queue: the one of their skills whose first in line has waited longest (`byQueueLine`).
 *  3. Receive the head of that queue from SQS (up to 10 entries, hidden from other assigning functions for
 *     ASSIGNMENT_VISIBILITY_SECONDS) and take the oldest by `queuedAt`, as many as the free slots;
 *     the rest is given back at once.
 *  4. For each, one transaction (`AssignmentStore.assign`): the conversation still waits in that very
 *     entry with no operator, and the operator is present (online, connected, presence lease running)
 *     below `maxChats` → assigned, +1. Nobody is read as present before it: the condition decides.
 *     Committed → delete the message. The entry is stale (assigned by an assigning function that died before
 *     its delete, moved, closed) → delete it. The operator filled up → give the message back at once.
 *  5. Repeat until the operator is full or the queues are drained (an empty receive); entries
 *     given back are offered to the other operators at once (`settle`).
 *
 * An entry that waited past SLA_ASSIGN_SECONDS (docs/requirements.md#sla, `offerBreached`) is put a
 * second time, into the senior queue, and offered to the seniors first, then to everyone with the
 * skill: it stays in its category queue, where its first `queuedAt` keeps it at the head of the line
 * (step 3 takes the oldest first). Both messages name the same entry, so the condition of step 4
 * lets exactly one of them be taken; the other is stale and is dropped right after (best effort:
 * else by whoever receives it next). Seniors look at the senior queue before their other skills.
 *
 * A store failure ends the run early: the run carries it (`failure`) with what it had committed
 * before, so that the announcement still tells about every commit, then throws it.
 */

import type { QueueEntry } from '#events/queue-entry.ts';
import type { Conversation } from '../conversations.ts';
import {
  freeSlots,
  isPresent,
  type Operator,
  type OperatorQueueName,
  SENIOR_QUEUE,
  serves,
} from '../operator-roster.ts';
import type { AssignmentStore, OperatorQueues, WaitingLine } from '../ports/assignment.ts';
import type { OperatorRepository } from '../ports/operator-roster.ts';
import type { Clock } from '../ports/system.ts';

export interface AssignmentSettings {
  slaAssignSeconds: number;
  operatorGraceSeconds: number;
  averageHandleSeconds: number;
  assignmentVisibilitySeconds: number;
  queuePositionUpdates: number;
  operatorMaxChats: number;
  presenceLeaseSeconds: number;
  acceptSeconds: number;
  firstReplySeconds: number;
  /** The period of the line tick (`places-in-line.ts`): stats and places go out at most once per period. */
  lineTickSeconds: number;
}

/** What assigning needs: operators, the exactly-once store, the waiting line and the SQS queues. */
export interface AssignDeps {
  operators: OperatorRepository;
  store: AssignmentStore;
  line: WaitingLine;
  queues: OperatorQueues;
  clock: Clock;
  settings: Pick<AssignmentSettings, 'assignmentVisibilitySeconds'>;
  /**
   * Told of each assignment the moment its transaction commits, while the run goes on
   * (`assignAndAnnounce` starts its announcement then). @default none: the run's result says it all
   */
  onAssigned?: (assignment: Assignment) => void;
}

export interface Assignment {
  /** The conversation as stored after the assignment. */
  conversation: Conversation;
  /** Who took it, as read before the assignment. */
  operator: Operator;
  queue: OperatorQueueName;
  queuedAt: string;
}

export interface AssignmentRun {
  assignments: Assignment[];
  /** Queues a receive found empty: asking them again in this run is pointless. */
  drained: Set<OperatorQueueName>;
  /** Queues whose entries this run received and gave back (its operator filled up meanwhile). */
  returned: Set<OperatorQueueName>;
  /** What stopped the run early; the assignments before it are committed and must be announced. */
  failure?: unknown;
}

/** Entries received per look at a queue (SQS's maximum): the head of the line, ordered by `queuedAt`. */
const RECEIVE_WINDOW = 10;

/** Rounds of one operator's run: each round assigns at least one conversation or ends the run. */
const MAX_ROUNDS = 20;

/** Offers of given-back entries after a run: each is rarer than the last (a race on one operator). */
const SETTLE_ROUNDS = 3;

const emptyRun = (): AssignmentRun => ({ assignments: [], drained: new Set(), returned: new Set() });

/**
 * Assigns waiting conversations to `operatorId` until their free slots (or `max`) or the queues run
 * out. Entries it had to give back (another run filled the operator first) are offered to the
 * others at once, so nothing waits while someone has a free slot.
 */
export async function fillOperator(
  deps: AssignDeps,
  operatorId: string,
  options: { max?: number; queue?: OperatorQueueName } = {},
): Promise<AssignmentRun> {
  return settle(deps, await fillOnce(deps, operatorId, options));
}

/** Offers a queue's waiting conversations to every online operator with the skill, least loaded first. */
export async function offerQueue(deps: AssignDeps, queue: OperatorQueueName): Promise<AssignmentRun> {
  return settle(deps, await offerOnce(deps, queue));
}

/**
 * An entry whose SLA breached: offered to the seniors first (the same entry put into the senior
 * queue), then, if no senior took it, to everyone with the skill of its category queue, where it
 * still waits at the head of the line. Whoever is free first later takes it from either queue.
 */
export async function offerBreached(deps: AssignDeps, entry: QueueEntry): Promise<AssignmentRun> {
  await deps.queues.put(entry, SENIOR_QUEUE);
  const seniors = await offerQueue(deps, SENIOR_QUEUE);
  const taken = seniors.assignments.some((a) => a.conversation.conversationId === entry.conversationId);
  if (taken || seniors.failure !== undefined) return seniors;
  return mergeRuns(seniors, await offerQueue(deps, entry.queue));
}

async function settle(deps: AssignDeps, first: AssignmentRun): Promise<AssignmentRun> {
  const runs = [first];
  let returned = first.returned;
  for (let round = 0; round < SETTLE_ROUNDS && returned.size > 0 && first.failure === undefined; round++) {
    const again = await Promise.all([...returned].map((queue) => offerOnce(deps, queue)));
    runs.push(...again);
    returned = new Set(again.flatMap((run) => [...run.returned]));
  }
  return mergeRuns(...runs);
}

async function fillOnce(
  deps: AssignDeps,
  operatorId: string,
  options: { max?: number; queue?: OperatorQueueName },
): Promise<AssignmentRun> {
  const run = emptyRun();
  const looked = new Set<OperatorQueueName>();
  const limit = options.max ?? Number.POSITIVE_INFINITY;
  try {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const operator = await deps.operators.get(operatorId);
      if (!operator) break;
      const wanted = Math.min(freeSlots(operator), limit - run.assignments.length);
      if (wanted <= 0) break;
      const byWait = options.queue
        ? serves(operator, options.queue)
          ? [options.queue]
          : []
        : await queuesByWait(deps.line, operator.skills);
      // A senior looks at the senior queue first: besides the cases flagged complex (which the
      // index lists) it holds the breached entries of every category (which the index lists under
      // their category, so that look does not wait when the index shows nobody there).
      const seniorFirst = !options.queue && serves(operator, SENIOR_QUEUE);
      const candidates: OperatorQueueName[] = seniorFirst
        ? [SENIOR_QUEUE, ...byWait.filter((q) => q !== SENIOR_QUEUE)]
        : byWait;
      let progressed = false;
      for (const queue of candidates.filter((q) => !run.drained.has(q))) {
        // The first look at a queue waits up to a second; a second look in the same run only picks
        // up what is there, so finishing a run never costs another second of waiting.
        const patient =
          !looked.has(queue) && (!seniorFirst || queue !== SENIOR_QUEUE || byWait.includes(queue));
        const taken = await takeFrom(deps, operator, queue, wanted, patient);
        looked.add(queue);
        run.assignments.push(...taken.assignments);
        if (taken.drained) run.drained.add(queue);
        if (taken.gaveBack) run.returned.add(queue);
        // Full (or at the limit) as read: a slot freed since sends its own `operator.freed`, so
        // reading the operator again only to find that costs a read per run.
        if (taken.full || taken.assignments.length >= wanted) return run;
        if (taken.assignments.length > 0 || taken.stale > 0) {
          progressed = true;
          break;
        }
      }
      if (!progressed) break;
    }
  } catch (error) {
    run.failure = error;
  }
  return run;
}

async function offerOnce(deps: AssignDeps, queue: OperatorQueueName): Promise<AssignmentRun> {
  const run = emptyRun();
  let online: Operator[];
  try {
    online = await deps.operators.listOnline();
  } catch (error) {
    return { ...run, failure: error };
  }
  // A ghost (lease lapsed, console gone) would only fail the assignment's condition: not offered at all.
  const now = deps.clock.now();
  const candidates = online
    .filter((o) => serves(o, queue) && freeSlots(o) > 0 && isPresent(o, now))
    .sort(byLoad);
  for (const operator of candidates) {
    const taken = await fillOnce(deps, operator.operatorId, { queue });
    run.assignments.push(...taken.assignments);
    if (taken.failure !== undefined) return { ...run, failure: taken.failure };
    if (taken.drained.has(queue)) {
      run.drained.add(queue);
      // Given back by an earlier candidate of this very loop and drained for the next: the settle
      // pass offers them again.
      return run;
    }
    for (const q of taken.returned) run.returned.add(q);
  }
  return run;
}

/** Least loaded first (share of slots taken, then chats), then the one who waited longest. */
function byLoad(a: Operator, b: Operator): number {
  return (
    a.activeChats / a.maxChats - b.activeChats / b.maxChats ||
    a.activeChats - b.activeChats ||
    a.updatedAt.localeCompare(b.updatedAt)
  );
}

/** The operator's queues with someone waiting, the longest wait first (the index may lag: conditions decide). */
async function queuesByWait(
  line: WaitingLine,
  skills: readonly OperatorQueueName[],
): Promise<OperatorQueueName[]> {
  const heads = await Promise.all(
    skills.map(async (queue) => ({ queue, head: (await line.first(queue, 1))[0]?.queuedAt })),
  );
  return heads
    .filter((h): h is { queue: OperatorQueueName; head: string } => h.head !== undefined)
    .sort((a, b) => a.head.localeCompare(b.head))
    .map((h) => h.queue);
}

interface Taken {
  assignments: Assignment[];
  stale: number;
  full: boolean;
  drained: boolean;
  gaveBack: boolean;
}

async function takeFrom(
  deps: AssignDeps,
  operator: Operator,
  queue: OperatorQueueName,
  wanted: number,
  patient: boolean,
): Promise<Taken> {
  // A window of the queue's head, not just `wanted`: SQS hands entries out in the order they were
  // put, while the line's order is `queuedAt` (a conversation put back keeps its place). Within the
  // window the oldest go first; the rest is given back at once.
  const received = await deps.queues.receive(
    queue,
    RECEIVE_WINDOW,
    deps.settings.assignmentVisibilitySeconds,
    patient,
  );
  received.sort((a, b) => a.entry.queuedAt.localeCompare(b.entry.queuedAt));
  // Only an empty receive says the queue is drained: fewer than asked may mean the rest is in
  // another assigning function's hands, which gives back what its operator cannot take.
  const taken: Taken = {
    assignments: [],
    stale: 0,
    full: false,
    drained: received.length === 0,
    gaveBack: false,
  };
  const assignee = { operatorId: operator.operatorId, displayName: operator.displayName };
  // Message deletes and give-backs are best effort: a message that stays comes back after its
  // visibility timeout and is then found stale or still waiting, never assigned twice.
  const quietly = (work: Promise<void>) => work.catch(() => undefined);
  for (const [index, { entry, receipt }] of received.entries()) {
    if (taken.full || taken.assignments.length >= wanted) {
      // Given back because the operator filled up under another run: others should be offered it.
      if (taken.full) taken.gaveBack = true;
      await quietly(deps.queues.giveBack(queue, receipt));
      continue;
    }
    let outcome: Awaited<ReturnType<AssignmentStore['assign']>>;
    try {
      outcome = await deps.store.assign(entry, assignee, deps.clock.now());
    } catch (error) {
      for (const rest of received.slice(index)) await quietly(deps.queues.giveBack(queue, rest.receipt));
      throw new AssignRunError(error, taken.assignments);
    }
    if (outcome.status === 'assigned') {
      const assignment = { conversation: outcome.conversation, operator, queue, queuedAt: entry.queuedAt };
      taken.assignments.push(assignment);
      deps.onAssigned?.(assignment);
      await quietly(deps.queues.remove(queue, receipt));
      // A breached entry has a copy in the other queue (its category's, or the senior one): stale now.
      if (outcome.conversation.slaBreachedEntryId === entry.entryId) {
        await quietly(dropCopy(deps, queue === SENIOR_QUEUE ? entry.queue : SENIOR_QUEUE, entry.entryId));
      }
    } else if (outcome.status === 'stale') {
      taken.stale++;
      await quietly(deps.queues.remove(queue, receipt));
    } else {
      if (outcome.status === 'operator_full') taken.full = true;
      taken.gaveBack = true;
      await quietly(deps.queues.giveBack(queue, receipt));
    }
  }
  return taken;
}

/**
 * Deletes the other copy of an entry just taken from the head of `queue` (one look, no wait) and
 * gives the rest back at once. A copy not in that window is deleted as stale by whoever receives it.
 */
async function dropCopy(deps: AssignDeps, queue: OperatorQueueName, entryId: string): Promise<void> {
  const received = await deps.queues.receive(
    queue,
    RECEIVE_WINDOW,
    deps.settings.assignmentVisibilitySeconds,
    false,
  );
  await Promise.all(
    received.map(({ entry, receipt }) =>
      entry.entryId === entryId ? deps.queues.remove(queue, receipt) : deps.queues.giveBack(queue, receipt),
    ),
  );
}

/** A store failure in the middle of a batch, carrying what the batch had committed before it. */
class AssignRunError extends Error {
  constructor(
    readonly failure: unknown,
    readonly committed: Assignment[],
  ) {
    super('assignment failed mid-batch', { cause: failure });
    this.name = 'AssignRunError';
  }
}

/** Every assignment of runs, including those committed before a failure. */
function committedAssignments(run: AssignmentRun): Assignment[] {
  const extra = run.failure instanceof AssignRunError ? run.failure.committed : [];
  return [...run.assignments, ...extra];
}

/** Merges runs (several queues, several operators) into one. */
export function mergeRuns(...runs: AssignmentRun[]): AssignmentRun {
  const merged = emptyRun();
  for (const run of runs) {
    merged.assignments.push(...committedAssignments(run));
    for (const queue of run.drained) merged.drained.add(queue);
    for (const queue of run.returned) merged.returned.add(queue);
    if (run.failure !== undefined && merged.failure === undefined) {
      merged.failure = run.failure instanceof AssignRunError ? run.failure.failure : run.failure;
    }
  }
  return merged;
}
