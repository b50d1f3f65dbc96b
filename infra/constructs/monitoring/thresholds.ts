/**
 * The numbers the alarms hold the chat to (docs/requirements.md, "Service levels"), in one place for
 * the alarms and the dashboard's annotations.
 */

/** The oldest bot job may wait this long before the 30 s first response is at risk. */
export const BOT_BACKLOG_SECONDS = 30;

/** How far the outbox may lag behind the MessagesTable stream: past 30 s a message whose fast-path send failed is answered late. */
export const BOT_OUTBOX_LAG_MS = 30_000;

/** An escalation may wait this long for the escalation consumer. */
export const ESCALATION_BACKLOG_SECONDS = 120;

/** The oldest conversation waiting in any operator queue: escalation to a person within 2 minutes. */
export const OPERATOR_QUEUE_BACKLOG_SECONDS = 120;

/** The first response to a citizen message, p90, bot answers and first operator replies alike. */
export const FIRST_RESPONSE_P90_MS = 30_000;

/** Time from escalation to assignment, p90 (the dashboard's line). */
export const TIME_TO_ASSIGNMENT_P90_MS = 120_000;

/** A typical conversation closes within 15 minutes (the dashboard's line). */
export const TYPICAL_RESOLUTION_SECONDS = 15 * 60;

/** "Any SLA breach in the last hour": 12 periods of 5 minutes, one breaching is enough. */
export const SLA_BREACH_WINDOW = { periodMinutes: 5, periods: 12 } as const;

/**
 * Assignments left unaccepted (`MissedAssignments`) and accepted conversations left without a first
 * reply (`MissedFirstReplies`) tolerated in a 15-minute period: one is an operator stepping away,
 * more is a pattern (consoles that do not accept, a shift that is not at its desks).
 */
export const MISSED_ASSIGNMENTS_PER_15_MIN = 2;
export const MISSED_FIRST_REPLIES_PER_15_MIN = 2;

/**
 * Repairs of the reconciler (`ReconcilerRepairs`) tolerated in 15 minutes: none. Each one is a fault
 * that happened (a function that died between a commit and its follow-ups, a timer or a `$disconnect`
 * that never came); the reconciler finished it, but on-call should know it happens.
 */
export const RECONCILER_REPAIRS_PER_15_MIN = 0;
