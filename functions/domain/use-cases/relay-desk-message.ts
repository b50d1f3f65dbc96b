/**
 * Use case: a message was stored that the operator's desk must pass on (the desk relay reads it
 * from the MessagesTable stream, filtered to citizen messages marked `outbox = operator` and to
 * operator messages).
 *
 * Primary course:
 *  - a citizen's message → to the assigned operator's connections (`relayCitizenMessage`);
 *  - an operator's reply → to an offline citizen by push or SMS (`noticeOperatorReply`);
 *  - anything else (the bot's, the system's) → nothing to pass on.
 *
 * At least once: a failed record is retried; the console and the app drop what they already show.
 */
import type { StoredMessage } from '../messages.ts';
import { type NoticeOperatorReplyDeps, noticeOperatorReply } from './notice-operator-reply.ts';
import type { OfflineOutcome } from './notify-offline-citizen.ts';
import {
  type RelayCitizenMessageDeps,
  type RelayOutcome,
  relayCitizenMessage,
} from './relay-citizen-message.ts';

export type RelayDeskMessageDeps = RelayCitizenMessageDeps & NoticeOperatorReplyDeps;

export type DeskMessageOutcome =
  | { kind: 'citizen_message'; relay: RelayOutcome }
  | { kind: 'operator_reply'; notice: OfflineOutcome }
  | { kind: 'nothing_to_relay' };

export async function relayDeskMessage(
  deps: RelayDeskMessageDeps,
  message: StoredMessage,
): Promise<DeskMessageOutcome> {
  if (message.from === 'citizen') {
    return { kind: 'citizen_message', relay: await relayCitizenMessage(deps, message) };
  }
  if (message.from === 'operator') {
    const notice = await noticeOperatorReply(deps, message);
    if (notice) return { kind: 'operator_reply', notice };
  }
  return { kind: 'nothing_to_relay' };
}
