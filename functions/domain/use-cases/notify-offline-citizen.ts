/**
 * Use case: something happened that a citizen must learn (an operator's reply, a ticket status
 * change), and they may not be on the WebSocket (docs/requirements.md#offline-notifications).
 *
 * Primary course:
 *  1. If the citizen has an open connection (the session's, or once verified any of their sessions':
 *     the connections tickets are pushed to), stop: the frame reached (or will reach) it, and a
 *     client reads history after every reconnect.
 *  2. Otherwise push a short notice to every device registered for the citizen or the session
 *     (SNS platform endpoints; the local outbox on the local stack). The notice never carries the
 *     message text or ticket details, only that something is waiting and the ids the app opens. A
 *     device whose endpoint SNS disabled or deleted (the app was removed) is forgotten.
 *  3. With no device reached, send an SMS if the citizen is verified and opted in to SMS.
 *  4. Nobody reached although a push failed for another reason: throw, so the stream retries the
 *     record (a disabled endpoint alone is no reason to retry).
 *
 * Each push and the SMS is sent once per notice (`deps.once`, keyed by what the notice is about and
 * the channel: `reply#{conversationId}#{seq}#push#{deviceKey}`, `ticket#{ticketId}#v{version}#sms`),
 * so a replayed stream record, a retried batch or a second delivery sends nothing twice: a push
 * already sent counts as sent again, and so still stops the SMS.
 */
import type { Lang } from '#events/lang.ts';
import * as z from '#events/zod.ts';
import type { OncePerKey } from '../ports/once-per-key.ts';
import type {
  OutOfBandNotifier,
  PushDeviceRepository,
  PushNotice,
  PushSender,
  SmsContactReader,
} from '../ports/out-of-band.ts';
import type { CitizenSessionLookup, ConnectionRepository } from '../ports/sessions.ts';
import { pushOwnerKeys } from './register-push-device.ts';
import { citizenConnections } from './ticket-delivery.ts';

export interface NotifyOfflineCitizenDeps {
  connections: ConnectionRepository;
  citizenSessions: CitizenSessionLookup;
  devices: PushDeviceRepository;
  pushes: PushSender;
  outOfBand: OutOfBandNotifier;
  smsContacts: SmsContactReader;
  once: OncePerKey;
}

/** What happened, with what makes it one event: the reply's seq, the ticket's version. */
export type OfflineEvent =
  | { kind: 'operator_reply'; conversationId: string; seq: number }
  | { kind: 'ticket_update'; ticketId: string; version: number; number: string; statusLabel: string };

/** Whom to tell: the session that opened the conversation or ticket, and the citizen once verified (at least one). */
export interface NotifyOfflineCitizenInput {
  sessionId?: string;
  citizenId?: string;
  lang: Lang;
  event: OfflineEvent;
}

export type OfflineOutcome =
  | { status: 'online' }
  | { status: 'push'; sent: number; gone: number; failed: number }
  | { status: 'sms'; gone: number }
  | { status: 'unreachable'; gone: number };

export async function notifyOfflineCitizen(
  deps: NotifyOfflineCitizenDeps,
  input: NotifyOfflineCitizenInput,
): Promise<OfflineOutcome> {
  const owner = {
    ...(input.sessionId === undefined ? {} : { sessionId: input.sessionId }),
    ...(input.citizenId === undefined ? {} : { citizenId: input.citizenId }),
  };
  const open = await citizenConnections(deps, owner);
  if (open.length > 0) return { status: 'online' };

  const notice = offlineNotice(input.event, input.lang);
  const devices = await deps.devices.listByOwners(pushOwnerKeys(owner));
  const results = await Promise.allSettled(
    devices.map(async (device) => {
      const { result: outcome } = await deps.once.run(
        offlineNoticeKey(input.event, `push#${device.deviceKey}`),
        () => deps.pushes.push(device.endpointArn, notice),
        (stored) => pushOutcomeSchema.parse(stored),
      );
      if (outcome === 'gone') await deps.devices.delete(device);
      return outcome;
    }),
  );
  const count = (outcome: 'sent' | 'gone') =>
    results.filter((r) => r.status === 'fulfilled' && r.value === outcome).length;
  const sent = count('sent');
  const gone = count('gone');
  const failed = results.length - sent - gone;
  if (sent > 0) return { status: 'push', sent, gone, failed };

  if (input.citizenId !== undefined) {
    const phone = await deps.smsContacts.smsPhoneOf(input.citizenId);
    if (phone !== undefined) {
      await deps.once.run(
        offlineNoticeKey(input.event, 'sms'),
        async () => {
          await deps.outOfBand.send({ channel: 'sms', to: phone, text: `${notice.title}. ${notice.text}` });
          return 'sent' as const;
        },
        (stored) => z.literal('sent').parse(stored),
      );
      return { status: 'sms', gone };
    }
  }
  if (failed > 0) throw new Error(`offline notice: ${failed} push(es) failed and no SMS contact`);
  return { status: 'unreachable', gone };
}

const pushOutcomeSchema = z.enum(['sent', 'gone']);

/** The key of one notice by one channel: what the notice is about, then the channel (no personal data). */
export function offlineNoticeKey(event: OfflineEvent, channel: string): string {
  const about =
    event.kind === 'operator_reply'
      ? `reply#${event.conversationId}#${event.seq}`
      : `ticket#${event.ticketId}#v${event.version}`;
  return `${about}#${channel}`;
}

/** What the notice says, in the citizen's language; no message text, no personal data. */
export function offlineNotice(event: OfflineEvent, lang: Lang): PushNotice {
  if (event.kind === 'operator_reply') {
    return lang === 'en'
      ? {
          title: 'Support replied',
          text: 'A specialist replied in the support chat. Open the chat to read it.',
          data: { conversationId: event.conversationId },
        }
      : {
          title: 'Ответ поддержки',
          text: 'Специалист ответил в чате поддержки. Откройте чат, чтобы прочитать ответ.',
          data: { conversationId: event.conversationId },
        };
  }
  return lang === 'en'
    ? {
        title: `Request ${event.number}`,
        text: `The status of your request ${event.number} is now "${event.statusLabel}". Open the support chat for details.`,
        data: { ticketId: event.ticketId },
      }
    : {
        title: `Обращение ${event.number}`,
        text: `Статус обращения ${event.number}: «${event.statusLabel}». Подробности — в чате поддержки.`,
        data: { ticketId: event.ticketId },
      };
}
