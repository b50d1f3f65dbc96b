/**
 * The operator roster (docs/requirements.md#escalation): each operator's status, the queues they serve and how many
 * chats they hold at once, and what a waiting citizen is told about their wait. Plain rules, no I/O: the assignment use cases
 * (`use-cases/assign-conversations.ts`, `announce-assignments.ts`, `places-in-line.ts` and those they serve) store and push what these decide.
 *
 * An operator serves the queues named by their `skills`: the six categories, and `senior` for
 * seniors only. A conversation waits in exactly one queue; an operator takes it only while `online`
 * with `activeChats < maxChats`, and that rule is enforced by the assignment's own condition
 * (docs/architecture.md, "Assignment"), never by a read before it.
 */
import type { Role } from '#events/authorizer-context.ts';
import { type EscalationCategory, escalationCategorySchema } from '#events/escalation.ts';
import * as z from '#events/zod.ts';

export const SENIOR_QUEUE = 'senior';

/** The category queues (first line). */
export const ESCALATION_CATEGORIES: readonly OperatorQueueName[] = escalationCategorySchema.options;

/** Every operator queue: one per category, and the seniors' own. */
export const OPERATOR_QUEUES = [...escalationCategorySchema.options, SENIOR_QUEUE] as const;
export const operatorQueueSchema = z.enum(OPERATOR_QUEUES);
export type OperatorQueueName = z.infer<typeof operatorQueueSchema>;

/** Parses a queue name from storage (a conversation's `queue`/`assignedQueue`), falling back to `general`. */
export function queueNamed(value: string | undefined): OperatorQueueName {
  const parsed = operatorQueueSchema.safeParse(value);
  return parsed.success ? parsed.data : 'general';
}

const OPERATOR_STATUSES = ['online', 'away', 'offline'] as const;
export const operatorStatusSchema = z.enum(OPERATOR_STATUSES);
export type OperatorStatus = z.infer<typeof operatorStatusSchema>;

export interface Operator {
  /** Cognito `sub`. */
  operatorId: string;
  displayName: string;
  role: Extract<Role, 'operator' | 'senior'>;
  status: OperatorStatus;
  skills: OperatorQueueName[];
  maxChats: number;
  /** Always the size of `conversations`: both move in the same write. */
  activeChats: number;
  /** The conversations this operator holds now. */
  conversations: string[];
  updatedAt: string;
  /** When the operator's last connection closed; the grace timer acts only on this very disconnect. */
  disconnectedAt?: string;
  /**
   * The presence lease: the operator is available until then (renewed by every frame they send, a
   * heartbeat at least every 20 s). No lease, or a lapsed one, takes nothing new.
   */
  leaseUntil?: string;
  /** The id of the one lease timer chain watching this operator (each `operator.status` starts a new one). */
  leaseWatch?: string;
}

/** Skills of an operator who never said: every category; a senior also the senior queue. */
export function defaultSkills(role: Operator['role']): OperatorQueueName[] {
  const categories: OperatorQueueName[] = [...escalationCategorySchema.options];
  return role === 'senior' ? [...categories, SENIOR_QUEUE] : categories;
}

/**
 * The skills an operator asked for, as stored: deduplicated, in the queues' order. Only a senior
 * serves the senior queue: a first-line operator asking for it gets it dropped, never an error the
 * console could not fix (the role is Cognito's, not theirs).
 */
export function effectiveSkills(
  role: Operator['role'],
  asked: readonly OperatorQueueName[],
): OperatorQueueName[] {
  return OPERATOR_QUEUES.filter(
    (queue) => asked.includes(queue) && (queue !== SENIOR_QUEUE || role === 'senior'),
  );
}

export function freeSlots(operator: Pick<Operator, 'status' | 'activeChats' | 'maxChats'>): number {
  return operator.status === 'online' ? Math.max(0, operator.maxChats - operator.activeChats) : 0;
}

/**
 * Whether the operator may be offered a conversation now: online, with a console connected (no
 * pending disconnect) and a live lease. A hint for choosing whom to offer to: the assignment's own
 * condition decides (a read may be stale).
 */
export function isPresent(
  operator: Pick<Operator, 'status' | 'disconnectedAt' | 'leaseUntil'>,
  now: Date,
): boolean {
  return (
    operator.status === 'online' &&
    operator.disconnectedAt === undefined &&
    operator.leaseUntil !== undefined &&
    Date.parse(operator.leaseUntil) > now.getTime()
  );
}

/** When a lease renewed at `now` runs out. */
export function leaseUntil(now: Date, leaseSeconds: number): string {
  return new Date(now.getTime() + leaseSeconds * 1000).toISOString();
}

/** Whether the operator takes conversations of `queue`: a skill of theirs; the senior queue a senior's only. */
export function serves(operator: Pick<Operator, 'skills' | 'role'>, queue: OperatorQueueName): boolean {
  return operator.skills.includes(queue) && (queue !== SENIOR_QUEUE || operator.role === 'senior');
}

/** The category queue of an escalation; anything unknown waits in `general`. */
export function queueOfCategory(category: string): OperatorQueueName {
  const parsed = escalationCategorySchema.safeParse(category);
  return parsed.success ? parsed.data : ('general' satisfies EscalationCategory);
}

/**
 * The estimated wait of the citizen at `position` (1 = next): each of the queue's serving slots
 * (the free and busy chats of the online operators with that skill) frees up once per average
 * handling time, so the queue moves `slots / averageHandleSeconds` citizens a second. With nobody
 * online, one slot is assumed: an estimate, not a promise, and never "infinite".
 */
export function estimatedWaitSeconds(
  position: number,
  servingSlots: number,
  averageHandleSeconds: number,
): number {
  const slots = Math.max(1, servingSlots);
  return Math.ceil((Math.max(1, position) * averageHandleSeconds) / slots);
}
