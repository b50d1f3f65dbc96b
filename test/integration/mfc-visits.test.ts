/**
 * MFC visits on the local stack (docs/protocol.md, "MFC offices and visits"): offices and free slots
 * for anyone, booking, moving and cancelling for a verified citizen, the bad input refused with
 * nothing stored, the race of 20 citizens for the last place of a slot (exactly one gets it), the
 * limit of two active visits per service under concurrency, a retried move or cancellation (the same
 * `requestId`) answered alike and done once, and the reminder sent by the running
 * VisitReminders schedule (every 2 s here) to a citizen opted in to SMS.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { documentClient } from '#adapters/dynamodb/document-client.ts';
import { DynamoVisitRepository } from '#adapters/dynamodb/visit-repository.ts';
import { loadMfcDirectory } from '#adapters/mfc-directory.ts';
import { addDays, localMoment, officeDay, slotTimes } from '#domain/mfc/opening-hours.ts';
import { bookVisit, listFreeSlots } from '#domain/use-cases/mfc-visits.ts';
import { verifyByEmail } from '../support/citizens.ts';
import { useClients } from '../support/clients.ts';
import { frameWith } from '../support/frames.ts';
import { seedPastVisits } from '../support/visits.ts';
import type { ChatClient } from '../support/ws-client.ts';

const directory = loadMfcDirectory(join(import.meta.dirname, '..', '..', 'layers', 'knowledge-base', 'mfc'));
const visits = new DynamoVisitRepository(String(process.env.VISITS_TABLE));
const clock = { now: () => new Date() };
const deps = { directory, visits, clock };

/** The first working day of an office at least `from` days ahead, and its slots for the service. */
function workingDay(officeId: string, serviceId: string, from = 2): { date: string; times: string[] } {
  const office = directory.office(officeId);
  const service = directory.service(serviceId);
  if (!office || !service) throw new Error('unknown office or service');
  const today = localMoment(new Date(), directory.regionOf(office).timeZone).date;
  for (let ahead = from; ahead < 25; ahead++) {
    const date = addDays(today, ahead);
    const times = slotTimes(officeDay(directory, office, date), service.durationMinutes);
    if (times.length > 0) return { date, times };
  }
  throw new Error('no working day ahead');
}

/** A holiday of the office's region ahead within the booking horizon, if the calendar has one. */
function closedDay(officeId: string): string {
  const office = directory.office(officeId);
  if (!office) throw new Error('unknown office');
  const today = localMoment(new Date(), directory.regionOf(office).timeZone).date;
  for (let ahead = 1; ahead < 30; ahead++) {
    const date = addDays(today, ahead);
    if (officeDay(directory, office, date).intervals.length === 0) return date;
  }
  throw new Error('no closed day ahead');
}

describe('MFC visits over the protocol', () => {
  const { connect } = useClients();
  const httpUrl = inject('localHttpUrl');

  it('lists offices by city and service and the free slots of a day, to a guest', async () => {
    const guest = await connect();
    const offices = await guest.request({
      action: 'mfc.offices',
      city: 'казань',
      serviceId: 'passport.replace',
    });
    expect(offices.type).toBe('mfc.offices');
    expect((offices.offices as Array<{ officeId: string }>).map((o) => o.officeId).sort()).toEqual([
      'kzn-baumana',
      'kzn-pobedy',
    ]);
    const { date } = workingDay('kzn-baumana', 'passport.replace');
    const slots = await guest.request({
      action: 'mfc.slots',
      officeId: 'kzn-baumana',
      serviceId: 'passport.replace',
      date,
    });
    expect(slots).toMatchObject({ type: 'mfc.slots', timeZone: 'Europe/Moscow', date });
    expect((slots.slots as Array<{ free: number }>).length).toBeGreaterThan(10);
  });

  it('books, lists, moves and cancels a visit of a verified citizen; a guest is asked to identify', async () => {
    const client = await connect();
    const { date, times } = workingDay('ekb-malysheva', 'snils');
    const slot = { officeId: 'ekb-malysheva', serviceId: 'snils', date, time: times[3] };
    const refused = await client.request({ action: 'mfc.book', ...slot });
    expect(refused).toMatchObject({ type: 'error', code: 'UNAUTHORIZED' });

    await verifyByEmail(client, httpUrl);
    const booked = await client.request({ action: 'mfc.book', ...slot });
    expect(booked).toMatchObject({
      type: 'mfc.visit',
      visit: { status: 'booked', officeId: 'ekb-malysheva', serviceId: 'snils', date, time: times[3] },
    });
    const number = (booked.visit as { number: string }).number;
    expect(number).toMatch(/^V-[0-9A-Z]{8}$/);
    expect((booked.visit as { checklistPath: string }).checklistPath).toBe('/mfc/checklist/snils.ru.html');

    const listed = await client.request({ action: 'mfc.visits' });
    expect((listed.visits as Array<{ number: string }>).map((v) => v.number)).toEqual([number]);

    const moved = await client.request({ action: 'mfc.reschedule', number, date, time: times[5] });
    expect(moved).toMatchObject({ type: 'mfc.visit', visit: { number, time: times[5], status: 'booked' } });
    const after = await listFreeSlots(deps, { officeId: 'ekb-malysheva', serviceId: 'snils', date });
    const places = directory.office('ekb-malysheva')?.services.snils ?? 0;
    expect(after.slots.find((s) => s.time === times[3])?.free).toBe(places);
    expect(after.slots.find((s) => s.time === times[5])?.free).toBe(places - 1);

    const cancelled = await client.request({ action: 'mfc.cancel', number: number.toLowerCase() });
    expect(cancelled).toMatchObject({ type: 'mfc.visit', visit: { number, status: 'cancelled' } });
    expect(await client.request({ action: 'mfc.cancel', number })).toMatchObject({
      type: 'error',
      code: 'CONFLICT',
    });
    const freed = await listFreeSlots(deps, { officeId: 'ekb-malysheva', serviceId: 'snils', date });
    expect(freed.slots.find((s) => s.time === times[5])?.free).toBe(places);
  });

  it('refuses bad input with a clear code and stores nothing', async () => {
    const client = await connect();
    await verifyByEmail(client, httpUrl);
    const { date, times } = workingDay('nsk-krasny', 'passport.foreign');
    const base = {
      action: 'mfc.book',
      officeId: 'nsk-krasny',
      serviceId: 'passport.foreign',
      date,
      time: times[0],
    };
    const attempts: Array<[Record<string, unknown>, string, string]> = [
      [{ ...base, officeId: 'nsk-atlantis' }, 'NOT_FOUND', 'officeId'],
      [{ ...base, serviceId: 'passport.teleport' }, 'NOT_FOUND', 'serviceId'],
      [{ ...base, officeId: 'berdsk', serviceId: 'driving_licence.replace' }, 'NOT_FOUND', 'serviceId'],
      [{ ...base, date: addDays(date, -10) }, 'BAD_REQUEST', 'date'],
      [{ ...base, time: '23:30' }, 'BAD_REQUEST', 'time'],
      [{ ...base, time: '08:10' }, 'BAD_REQUEST', 'time'],
      [{ ...base, date: closedDay('nsk-krasny') }, 'BAD_REQUEST', 'date'],
      [{ ...base, time: '9:00' }, 'BAD_REQUEST', 'time'],
    ];
    for (const [frame, code, field] of attempts) {
      const answer = await client.request(frame);
      expect(answer, JSON.stringify(frame)).toMatchObject({ type: 'error', code });
      expect((answer.details as Array<{ field: string }>).map((d) => d.field)).toContain(field);
    }
    expect((await client.request({ action: 'mfc.visits' })).visits).toEqual([]);

    // A third active visit for one service.
    for (const time of [times[1], times[2]])
      expect(await client.request({ ...base, time })).toMatchObject({ type: 'mfc.visit' });
    expect(await client.request({ ...base, time: times[3] })).toMatchObject({
      type: 'error',
      code: 'VISIT_LIMIT',
    });
    expect((await client.request({ action: 'mfc.visits' })).visits).toHaveLength(2);
    // The connection stays usable.
    expect((await client.request({ action: 'mfc.offices', city: 'Berdsk' })).type).toBe('mfc.offices');
  });
});

describe('the visit confirmed in the chat', () => {
  const { connect } = useClients();
  const httpUrl = inject('localHttpUrl');
  type Message = { seq: number; from: string; text: string };
  const botSays = (client: ChatClient, words: string) =>
    client.waitFor((f) => f.type === 'message' && f.from === 'bot' && String(f.text).includes(words));

  it('writes the booking, a retried booking frame once, the move and the cancellation in the citizen’s conversation, in the history and the transcript', async () => {
    // Prepare: a verified citizen in a Russian session who has not written anything yet.
    const client = await connect({ lang: 'ru' });
    await verifyByEmail(client, httpUrl);
    const { date, times } = workingDay('vvo-svetlanskaya', 'passport.foreign', 2);
    const book = {
      action: 'mfc.book',
      requestId: `book-${randomUUID()}`,
      officeId: 'vvo-svetlanskaya',
      serviceId: 'passport.foreign',
      date,
      time: times[2],
    };

    // Act: book, the same frame again (its answer lost), move, cancel.
    const sendWithOwnRequestId = () => {
      const answer = client.waitFor((f) => f.requestId === book.requestId);
      client.send(book);
      return answer;
    };
    const confirmation = botSays(client, 'Вы записаны в МФЦ');
    const booked = await sendWithOwnRequestId();
    const number = (booked.visit as { number: string }).number;
    const said = await confirmation;
    const again = await sendWithOwnRequestId();
    const moved = botSays(client, 'перенесена');
    await client.request({ action: 'mfc.reschedule', number, date, time: times[4] });
    await moved;
    const cancelled = botSays(client, 'отменена');
    await client.request({ action: 'mfc.cancel', number });
    await cancelled;

    // Assess: the booking, confirmed with its facts on the office's clock (Vladivostok, UTC+10).
    expect(again).toMatchObject({ type: 'mfc.visit', visit: { number, status: 'booked', time: times[2] } });
    expect((await client.request({ action: 'mfc.visits' })).visits).toHaveLength(1);
    const { dayName } = await import('#domain/mfc/wording.ts');
    const { weekdayOf } = await import('#domain/mfc/opening-hours.ts');
    const office = directory.office('vvo-svetlanskaya');
    expect(said.text).toContain(number);
    expect(said.text).toContain(String(office?.address.ru));
    expect(said.text).toContain(
      `${dayName({ date, weekday: weekdayOf(date) }, 'ru')}, в ${times[2]} по местному времени (UTC+10)`,
    );
    expect(said.text).toContain(`${httpUrl}/mfc/checklist/passport.foreign.ru.html`);
    const conversationId = String(said.conversationId);
    const history = await client.request({ action: 'history.get', conversationId });
    const texts = (history.messages as Message[]).map((m) => `${m.from}: ${m.text.split('.')[0]}`);
    expect(texts).toEqual([
      'bot: Вы записаны в МФЦ',
      `bot: Запись ${number} в МФЦ перенесена: ${directory.service('passport.foreign')?.title.ru}`,
      `bot: Запись ${number} в МФЦ отменена: ${directory.service('passport.foreign')?.title.ru}, ${office?.name.ru} (${office?.address.ru.split('.')[0]}`,
    ]);
    const download = await client.request({ action: 'transcript.get' });
    const html = await (await fetch(String(download.url))).text();
    expect(html.split(number).length - 1).toBeGreaterThanOrEqual(3);
  });

  it('answers a retried move or cancellation (the same requestId) as the first did, changes and confirms it once', async () => {
    // Prepare: a verified citizen with a booked visit.
    const client = await connect({ lang: 'ru' });
    await verifyByEmail(client, httpUrl);
    const { date, times } = workingDay('vvo-svetlanskaya', 'inn', 3);
    const [from, to] = [String(times[1]), String(times[5])];
    const slot = { officeId: 'vvo-svetlanskaya', serviceId: 'inn', date };
    const booked = await client.request({ action: 'mfc.book', ...slot, time: from });
    const number = (booked.visit as { number: string }).number;
    const answersTo = (requestId: string) => client.waitFor((f) => f.requestId === requestId);
    const freeAt = async (time: string) =>
      (await listFreeSlots(deps, slot)).slots.find((s) => s.time === time)?.free;
    const freeBefore = { from: await freeAt(from), to: await freeAt(to) };

    // Act: the move sent again after its answer came (as after a lost answer); two copies of the
    // cancellation racing; then the cancellation's requestId given to another move.
    const move = { action: 'mfc.reschedule', requestId: `move-${randomUUID()}`, number, date, time: to };
    client.send(move);
    const moved = await answersTo(move.requestId);
    client.send(move);
    const movedAgain = await answersTo(move.requestId);
    const cancel = {
      action: 'mfc.cancel',
      requestId: `cancel-${randomUUID()}`,
      number: number.toLowerCase(),
    };
    let copies = 0;
    const bothAnswered = client.waitFor((f) => f.requestId === cancel.requestId && ++copies === 2);
    client.send(cancel);
    client.send(cancel);
    await bothAnswered;
    const [cancelled, cancelledAgain] = client.frames.filter((f) => f.requestId === cancel.requestId);
    const reused = answersTo(cancel.requestId);
    client.send({ ...move, requestId: cancel.requestId });

    // Assess: the same answers; the place of each slot given back once; one confirmation each; the
    // reused requestId refused on its field.
    expect(moved).toMatchObject({ type: 'mfc.visit', visit: { number, status: 'booked', time: to } });
    expect(movedAgain).toEqual(moved);
    expect(cancelled).toMatchObject({ type: 'mfc.visit', visit: { number, status: 'cancelled' } });
    expect(cancelledAgain).toEqual(cancelled);
    expect(await reused).toMatchObject({
      type: 'error',
      code: 'BAD_REQUEST',
      details: [{ field: 'requestId' }],
    });
    expect(await freeAt(from)).toBe((freeBefore.from ?? 0) + 1);
    expect(await freeAt(to)).toBe(freeBefore.to);
    const pushed = client.frames.filter((f) => f.type === 'message');
    expect(pushed).toHaveLength(3);
    const conversationId = String(pushed[0]?.conversationId);
    const history = await client.request({ action: 'history.get', conversationId });
    const texts = (history.messages as Array<{ text: string }>).map((m) => m.text.split(/[.:]/)[0]);
    expect(texts).toEqual([
      'Вы записаны в МФЦ',
      `Запись ${number} в МФЦ перенесена`,
      `Запись ${number} в МФЦ отменена`,
    ]);
  });

  it('confirms in English in an English session, in the conversation the citizen already has', async () => {
    const client = await connect({ lang: 'en' });
    await verifyByEmail(client, httpUrl);
    await client.request({ action: 'message.send', clientMessageId: 'c-1', text: 'hello' });
    const { date, times } = workingDay('msk-tverskoy', 'snils', 2);
    const confirmation = botSays(client, 'You are booked at the MFC');
    const booked = await client.request({
      action: 'mfc.book',
      officeId: 'msk-tverskoy',
      serviceId: 'snils',
      date,
      time: times[1],
    });
    const said = await confirmation;
    const conversationId = String(said.conversationId);
    const ack = await client.request({ action: 'message.send', clientMessageId: 'c-2', text: 'thanks' });
    expect(ack.conversationId).toBe(conversationId);
    expect(said.text).toContain((booked.visit as { number: string }).number);
    expect(said.text).toContain(`at ${times[1]} local time (UTC+3)`);
    expect(said.text).toContain('/mfc/checklist/snils.en.html');
  });
});

describe('visits with the citizen’s tickets', () => {
  const { connect } = useClients();
  const httpUrl = inject('localHttpUrl');

  it('lists the visits to come in ticket.list’s first page and in the bot’s answer about the citizen’s requests', async () => {
    // Prepare: a verified citizen with two visits, one of them cancelled.
    const client = await connect({ lang: 'ru' });
    await verifyByEmail(client, httpUrl);
    const { date, times } = workingDay('nsk-krasny', 'snils', 2);
    const slot = { action: 'mfc.book', officeId: 'nsk-krasny', serviceId: 'snils', date };
    const kept = await client.request({ ...slot, time: times[1] });
    const dropped = await client.request({ ...slot, time: times[2] });
    const keptNumber = (kept.visit as { number: string }).number;
    const droppedNumber = (dropped.visit as { number: string }).number;
    await client.request({ action: 'mfc.cancel', number: droppedNumber });

    // Act
    const list = await client.request({ action: 'ticket.list' });
    const filtered = await client.request({ action: 'ticket.list', status: 'received' });
    const before = client.frames.length;
    await client.request({
      action: 'message.send',
      clientMessageId: randomUUID(),
      text: 'какой статус моих заявлений?',
    });
    // Received so far or later: the answer may come in the same read as the ack.
    const answer = await frameWith(
      client,
      (f) =>
        f.type === 'message' &&
        f.from === 'bot' &&
        client.frames.indexOf(f) >= before &&
        f.intent !== undefined,
      10_000,
    );

    // Assess: the booked visit, as mfc.visit shows it; the cancelled one is not there.
    expect(list).toMatchObject({ type: 'tickets', items: [], visits: [kept.visit] });
    expect(filtered).not.toHaveProperty('visits');
    expect(answer).toMatchObject({ intent: 'application.status' });
    expect(String(answer.text)).toContain('Ваши записи в МФЦ:');
    expect(String(answer.text)).toContain(
      `• Запись ${keptNumber}: «${directory.service('snils')?.title.ru}»`,
    );
    expect(String(answer.text)).not.toContain(droppedNumber);
  });
});

describe('a citizen’s visits paged (mfc.visits)', () => {
  const { connect } = useClients();
  const httpUrl = inject('localHttpUrl');

  it('pages a history of more than 100 visits with a cursor, soonest first, each once; the visit to come is still in ticket.list', async () => {
    // Prepare: a verified citizen with 101 visits of the past year (cancelled, as a long history
    // of changes leaves them) and one booked ahead; another verified citizen.
    const client = await connect({ lang: 'ru' });
    const citizenId = String((await verifyByEmail(client, httpUrl)).citizenId);
    const other = await connect({ lang: 'ru' });
    await verifyByEmail(other, httpUrl);
    await seedPastVisits(citizenId, 101);
    const { date, times } = workingDay('msk-tverskoy', 'snils', 2);
    const booked = await client.request({
      action: 'mfc.book',
      officeId: 'msk-tverskoy',
      serviceId: 'snils',
      date,
      time: times[0],
    });

    // Act
    const first = await client.request({ action: 'mfc.visits' });
    const second = await client.request({ action: 'mfc.visits', cursor: first.nextCursor });
    const one = await client.request({ action: 'mfc.visits', limit: 1, cursor: first.nextCursor });
    const othersCursor = await other.request({ action: 'mfc.visits', cursor: first.nextCursor });
    const tooMany = await client.request({ action: 'mfc.visits', limit: 101 });
    const list = await client.request({ action: 'ticket.list' });

    // Assess: 100, then the rest without a cursor; soonest first, nothing twice; the booked one last.
    type View = { number: string; startsAt: string; status: string };
    const pages = [first.visits as View[], second.visits as View[]];
    expect(pages.map((page) => page.length)).toEqual([100, 2]);
    expect(typeof first.nextCursor).toBe('string');
    expect(second).not.toHaveProperty('nextCursor');
    expect(one).toMatchObject({ visits: [(second.visits as View[])[0]], nextCursor: expect.any(String) });
    const all = pages.flat();
    expect(new Set(all.map((visit) => visit.number)).size).toBe(102);
    expect(all.map((visit) => visit.startsAt)).toEqual(all.map((visit) => visit.startsAt).sort());
    expect(all.at(-1)).toEqual(booked.visit);
    expect(othersCursor).toMatchObject({
      type: 'error',
      code: 'BAD_REQUEST',
      details: [{ field: 'cursor' }],
    });
    expect(tooMany).toMatchObject({ type: 'error', code: 'BAD_REQUEST', details: [{ field: 'limit' }] });
    expect(list).toMatchObject({ type: 'tickets', visits: [booked.visit] });
  });
});

describe('MFC visits under concurrency (VisitsTable on DynamoDB Local)', () => {
  it('gives the last place of a slot to exactly one of 20 citizens racing for it', async () => {
    const officeId = 'nakhodka';
    const serviceId = 'passport.lost';
    const places = directory.office(officeId)?.services[serviceId] ?? 0;
    const { date, times } = workingDay(officeId, serviceId, 3);
    const slot = { officeId, serviceId, date, time: times.at(-1) ?? '' };
    for (let i = 0; i < places - 1; i++) await bookVisit(deps, `citizen-${randomUUID()}`, slot, 'ru');

    const racers = Array.from({ length: 20 }, () => `citizen-${randomUUID()}`);
    const results = await Promise.allSettled(
      racers.map((citizenId) => bookVisit(deps, citizenId, slot, 'ru')),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map((r) => (r.reason as { code?: string }).code)).toEqual(Array(19).fill('SLOT_FULL'));
    const day = await listFreeSlots(deps, { officeId, serviceId, date });
    expect(day.slots.find((s) => s.time === slot.time)?.free).toBe(0);
  });

  it('lets one citizen hold at most two visits of a service, however many bookings race', async () => {
    const citizenId = `citizen-${randomUUID()}`;
    const { date, times } = workingDay('msk-arbat', 'inn', 4);
    const results = await Promise.allSettled(
      times
        .slice(0, 6)
        .map((time) =>
          bookVisit(deps, citizenId, { officeId: 'msk-arbat', serviceId: 'inn', date, time }, 'ru'),
        ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect(await visits.upcoming(citizenId, new Date())).toHaveLength(2);
  });
});

describe('the reminder of a visit', () => {
  const httpUrl = inject('localHttpUrl');

  it('goes out by SMS through the running reminder schedule, once, when it is due', async () => {
    const citizenId = `citizen-${randomUUID()}`;
    const phone = `+7900${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    // The citizen opted in to status SMS when they identified (SessionsTable, index byCitizenSms).
    await documentClient.send(
      new PutCommand({
        TableName: String(process.env.SESSIONS_TABLE),
        Item: {
          sessionId: randomUUID(),
          citizenId,
          smsOptIn: true,
          smsPhone: phone,
          verified: true,
          createdAt: new Date().toISOString(),
          expiresAt: Math.floor(Date.now() / 1000) + 3600,
        },
      }),
    );
    const { date, times } = workingDay('vvo-okeansky', 'oms.policy', 3);
    const time = times[0] ?? '';
    const office = directory.office('vvo-okeansky');
    if (!office) throw new Error('no office');
    // The reminder lead shortened so that it is due in 2 s, as "the day before" would be a day ahead.
    const { instantOf } = await import('#domain/mfc/opening-hours.ts');
    const startsAt = instantOf(date, time, directory.regionOf(office).timeZone).getTime();
    const visit = await bookVisit(
      { ...deps, reminderLeadMs: startsAt - Date.now() - 2000 },
      citizenId,
      { officeId: 'vvo-okeansky', serviceId: 'oms.policy', date, time },
      'ru',
    );
    expect(visit.remindAt).toBeDefined();

    const deadline = Date.now() + 15_000;
    let texts: string[] = [];
    while (Date.now() < deadline) {
      const { items } = (await (await fetch(`${httpUrl}/local/outbox`)).json()) as {
        items: Array<{ channel: string; to: string; text: string }>;
      };
      texts = items.filter((item) => item.channel === 'sms' && item.to === phone).map((item) => item.text);
      if (texts.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain(visit.number);
    expect(texts[0]).toContain(time);
    // Worded from the real day: three working days ahead is a date, not «завтра».
    const { dayName } = await import('#domain/mfc/wording.ts');
    const { weekdayOf } = await import('#domain/mfc/opening-hours.ts');
    expect(texts[0]).toContain(dayName({ date, weekday: weekdayOf(date) }, 'ru'));
    expect(texts[0]).not.toContain('завтра');
    // Sent once: the next runs find nothing due for it.
    await new Promise((resolve) => setTimeout(resolve, 4500));
    const { items } = (await (await fetch(`${httpUrl}/local/outbox`)).json()) as {
      items: Array<{ channel: string; to: string }>;
    };
    expect(items.filter((item) => item.channel === 'sms' && item.to === phone)).toHaveLength(1);
    expect((await visits.get(visit.number))?.remindAt).toBeUndefined();
  });
});
