/**
 * Use case: the bot confirms an MFC visit booked, moved or cancelled in the citizen's conversation
 * (docs/protocol.md, "MFC offices and visits"), so that it stands in the history and the transcript.
 *
 * Primary course:
 *  1. Find the session's open conversation (with the bot, queued or with an operator), or open a new
 *     one with the bot, as `message.send` would.
 *  2. Word the confirmation in the session's language (functions/domain/mfc/visit-confirmation.ts).
 *  3. Commit it as one bot message at `lastSeq + 1` with the key `visit#{number}#{change}` (a move:
 *     also the new start), in one transaction: a retried booking frame, a replayed route, two
 *     handlers racing, all write it once. A lost `lastSeq` race starts again from 1.
 *  4. Push it to every connection of the session (a repeat pushes nothing: the first did).
 */
import type { Caller } from '#events/authorizer-context.ts';
import { type ConversationTarget, isOpen, newConversationTarget, nextSeq } from '../conversations.ts';
import type { StoredMessage } from '../messages.ts';
import type { MfcDirectory } from '../mfc/directory.ts';
import { type VisitChange, visitConfirmation } from '../mfc/visit-confirmation.ts';
import type { Visit } from '../mfc/visits.ts';
import type { ConversationLog, ConversationRepository } from '../ports/conversations.ts';
import type { ConnectionNotifier } from '../ports/delivery.ts';
import type { ConnectionRepository, SessionRepository, SessionTargetReader } from '../ports/sessions.ts';
import type { Clock, IdGenerator, Sleeper } from '../ports/system.ts';
import { expiresAfterDays, expiresAfterSeconds, IDEMPOTENCY_TTL_SECONDS } from '../retention.ts';
import { LOST_RACE, type RetryPolicy, SEQ_CONFLICT_RETRY, withSeqRetry } from '../retry.ts';
import { BOT_SENDER_ID } from './bot-turns.ts';
import { postToAll } from './post-frames.ts';
import { recreateSession } from './recreate-session.ts';

export interface ConfirmVisitDeps {
  directory: MfcDirectory;
  sessions: SessionRepository;
  targets: SessionTargetReader;
  conversations: ConversationRepository;
  log: ConversationLog;
  connections: ConnectionRepository;
  notifier: ConnectionNotifier;
  clock: Clock;
  ids: IdGenerator;
  sleeper: Sleeper;
  retentionDays: number;
  /** The printable checklist of a service in a language: a URL, or the path on the web pages' origin. */
  checklistUrl: (serviceId: string, lang: Caller['lang']) => string;
  retry?: RetryPolicy;
}

export type ConfirmOutcome = 'confirmed' | 'confirmed_before';

/** The key of one change of a visit: a move is keyed by where it moved to, so each move is confirmed. */
export function visitChangeKey(visit: Pick<Visit, 'number' | 'startsAt'>, change: VisitChange): string {
  return change === 'moved'
    ? `visit#${visit.number}#moved#${visit.startsAt}`
    : `visit#${visit.number}#${change}`;
}

export async function confirmVisitInChat(
  deps: ConfirmVisitDeps,
  caller: Caller,
  visit: Visit,
  change: VisitChange,
): Promise<ConfirmOutcome> {
  const text = visitConfirmation(
    deps.directory,
    visit,
    change,
    caller.lang,
    deps.checklistUrl(visit.serviceId, caller.lang),
  );
  const messageId = deps.ids.newId();
  const key = visitChangeKey(visit, change);
  return withSeqRetry(deps.sleeper, deps.retry ?? SEQ_CONFLICT_RETRY, async () => {
    const target = await findConversation(deps, caller);
    const now = deps.clock.now();
    const ts = now.toISOString();
    const expiresAt = expiresAfterDays(now, deps.retentionDays);
    const conversation = { ...target.conversation, updatedAt: ts, expiresAt };
    const message: StoredMessage = {
      conversationId: conversation.conversationId,
      seq: nextSeq(conversation),
      messageId,
      from: 'bot',
      senderId: BOT_SENDER_ID,
      text,
      ts,
      expiresAt,
    };
    const connections = deps.connections.listByPrincipal(caller.sessionId);
    connections.catch(() => undefined);
    const outcome = await deps.log.appendNotice({
      conversation,
      isNewConversation: target.isNew,
      ...(target.replacesConversationId ? { replacesConversationId: target.replacesConversationId } : {}),
      message,
      idempotency: {
        key,
        reply: { conversationId: message.conversationId, seq: message.seq, messageId },
        expiresAt: expiresAfterSeconds(now, IDEMPOTENCY_TTL_SECONDS),
      },
    });
    if (outcome.status === 'duplicate') return 'confirmed_before' as const;
    if (outcome.status === 'conflict') return LOST_RACE;
    await postToAll(deps, await connections, {
      type: 'message',
      conversationId: message.conversationId,
      messageId,
      seq: message.seq,
      from: 'bot',
      text,
      ts,
    });
    return 'confirmed' as const;
  });
}

/** The session's open conversation, or a new one with the bot (as `message.send` opens one). */
async function findConversation(deps: ConfirmVisitDeps, caller: Caller): Promise<ConversationTarget> {
  const read = await deps.targets.read(caller.sessionId, undefined);
  const session = read.session ?? (await recreateSession(deps, caller));
  const openId = session.openConversationId;
  if (openId !== undefined) {
    const open =
      read.conversation?.conversationId === openId ? read.conversation : await deps.conversations.get(openId);
    if (open && isOpen(open)) return { conversation: open, isNew: false };
  }
  const now = deps.clock.now();
  const citizenId = session.citizenId ?? caller.citizenId;
  return newConversationTarget({
    conversationId: deps.ids.newId(),
    sessionId: caller.sessionId,
    ...(citizenId ? { citizenId } : {}),
    now,
    expiresAt: expiresAfterDays(now, deps.retentionDays),
    replacing: openId,
  });
}
