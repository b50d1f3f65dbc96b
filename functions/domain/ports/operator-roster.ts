/**
 * The port of the operator roster (`functions/domain/operator-roster.ts`): operators' status,
 * skills and capacity in storage.
 */
import type { Operator, OperatorQueueName, OperatorStatus } from '../operator-roster.ts';

export interface OperatorStatusChange {
  operatorId: string;
  displayName: string;
  role: Operator['role'];
  status: OperatorStatus;
  /** Stored as given; absent: kept (first time: `defaultSkills`). */
  skills?: OperatorQueueName[];
  /** Absent: kept (first time: `defaultMaxChats`). */
  maxChats?: number;
  defaultSkills: OperatorQueueName[];
  defaultMaxChats: number;
  now: Date;
  /** The presence lease this status change grants (saying anything is a sign of life). */
  leaseUntil: string;
  /** The id of the lease timer chain this change starts (the older chains become stale). */
  leaseWatch: string;
}

export interface OperatorRepository {
  /** Read consistently; undefined for an operator who never said `operator.status`. */
  get(operatorId: string): Promise<Operator | undefined>;
  /** Operators whose status is `online` (an index: eventually consistent; conditions decide). */
  listOnline(): Promise<Operator[]>;
  /** Operators of any one status (the reconciler: `away` and `offline` ones may still hold conversations). */
  listWithStatus(status: OperatorStatus): Promise<Operator[]>;
  /** Creates or updates the operator's status, skills and capacity; returns the stored operator. */
  saveStatus(change: OperatorStatusChange): Promise<Operator>;
  /** Records that the operator's last connection closed at `at`; false for an unknown operator. */
  markDisconnected(operatorId: string, at: string): Promise<boolean>;
  /** `offline`, only if the last disconnect is still `disconnectedAt` (nobody came back meanwhile). */
  markOfflineAfterGrace(operatorId: string, disconnectedAt: string, now: Date): Promise<Operator | undefined>;
  /**
   * A sign of life from a connected console: the lease runs until `leaseUntil`, and a pending
   * disconnect is cleared. Undefined for an operator who never said `operator.status`.
   */
  renewLease(operatorId: string, leaseUntil: string): Promise<Operator | undefined>;
  /**
   * `offline`, only if the lease watched by `watchId` is still the one that lapsed (`leaseUntil`
   * unchanged: no frame came since; offline by this very watch already counts, so a redelivery goes on).
   */
  markOfflineAfterLapse(
    operatorId: string,
    lapsed: { watchId: string; leaseUntil: string },
    now: Date,
  ): Promise<Operator | undefined>;
  /** `online` → `away` (an assignment left unaccepted); undefined when they were not online. */
  setAway(operatorId: string, now: Date): Promise<Operator | undefined>;
  /**
   * `away` → `online` again, only if still away by the very change made at `awayAt` (`setAway`'s
   * `now`): the assignment it was for was accepted after all. False when anything changed since.
   */
  undoAway(operatorId: string, awayAt: Date): Promise<boolean>;
}
