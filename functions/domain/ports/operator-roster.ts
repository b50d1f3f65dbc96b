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
}

export interface OperatorRepository {
  /** Read consistently; undefined for an operator who never said `operator.status`. */
  get(operatorId: string): Promise<Operator | undefined>;
  /** Operators whose status is `online` (an index: eventually consistent; conditions decide). */
  listOnline(): Promise<Operator[]>;
  /** Creates or updates the operator's status, skills and capacity; returns the stored operator. */
  saveStatus(change: OperatorStatusChange): Promise<Operator>;
  /** Records that the operator's last connection closed at `at`; false for an unknown operator. */
  markDisconnected(operatorId: string, at: string): Promise<boolean>;
  /** `offline`, only if the last disconnect is still `disconnectedAt` (nobody came back meanwhile). */
  markOfflineAfterGrace(operatorId: string, disconnectedAt: string, now: Date): Promise<Operator | undefined>;
}
