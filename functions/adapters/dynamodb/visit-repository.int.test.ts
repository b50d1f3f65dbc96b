/**
 * The MFC visits adapter's part in a citizen's erasure, on the local stack's DynamoDB (VisitsTable):
 * `forget` gives a booked visit's place back once and deletes it, also when the citizen's quota is
 * gone already (an erasure run again after it deleted the quotas); `forgetQuotas` deletes the
 * citizen's quota of every service, one that outlived its visits too, and no other citizen's.
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Visit } from '#domain/mfc/visits.ts';
import { documentClient } from './document-client.ts';
import { DynamoVisitRepository } from './visit-repository.ts';

const table = String(process.env.VISITS_TABLE);
const visits = new DynamoVisitRepository(table);
const limits = { places: 2, perCitizen: 2 };

/** A visit at a slot of its own (an office id no directory has: the adapter does not read one). */
function visitOf(citizenId: string, serviceId = 'snils'): Visit {
  const startsAt = new Date(Date.now() + 5 * 86_400_000).toISOString();
  return {
    number: `V-${randomUUID().slice(0, 8).toUpperCase()}`,
    citizenId,
    officeId: `office-${randomUUID()}`,
    serviceId,
    date: startsAt.slice(0, 10),
    time: '10:00',
    startsAt,
    status: 'booked',
    bookedAt: new Date().toISOString(),
    lang: 'ru',
  };
}

const taken = async (visit: Visit) =>
  (await visits.takenPlaces(visit.officeId, visit.serviceId, visit.date, [visit.time])).get(visit.time) ?? 0;
const quota = async (citizenId: string, serviceId: string) =>
  (
    await documentClient.send(
      new GetCommand({
        TableName: table,
        Key: { pk: `quota#${citizenId}#${serviceId}` },
        ConsistentRead: true,
      }),
    )
  ).Item;

describe('a citizen’s visits erased', () => {
  it('gives a booked visit’s place back once and deletes it; a second forget finds nothing', async () => {
    // Prepare
    const visit = visitOf(randomUUID());
    expect(await visits.book(visit, limits)).toBe('booked');
    expect(await taken(visit)).toBe(1);

    // Act
    const first = await visits.forget(visit, new Date());
    const second = await visits.forget(visit, new Date());

    // Assess
    expect([first, second]).toEqual([true, false]);
    expect(await taken(visit)).toBe(0);
    expect(await visits.get(visit.number)).toBeUndefined();
  });

  it('gives the place back also when the citizen’s quota is gone already (a rerun after the quotas)', async () => {
    // Prepare: booked, then the quota deleted as a previous run's forgetQuotas would.
    const visit = visitOf(randomUUID());
    expect(await visits.book(visit, limits)).toBe('booked');
    await documentClient.send(
      new DeleteCommand({ TableName: table, Key: { pk: `quota#${visit.citizenId}#${visit.serviceId}` } }),
    );

    // Act
    const forgotten = await visits.forget(visit, new Date());

    // Assess
    expect(forgotten).toBe(true);
    expect(await taken(visit)).toBe(0);
    expect(await visits.get(visit.number)).toBeUndefined();
  });

  it('deletes a cancelled visit without touching its slot’s places', async () => {
    // Prepare: another citizen holds the slot's other place.
    const visit = visitOf(randomUUID());
    expect(await visits.book(visit, limits)).toBe('booked');
    expect(await visits.cancel(visit)).toBe('cancelled');
    const neighbour = {
      ...visitOf(randomUUID()),
      officeId: visit.officeId,
      startsAt: visit.startsAt,
      date: visit.date,
    };
    expect(await visits.book(neighbour, limits)).toBe('booked');

    // Act
    const forgotten = await visits.forget({ ...visit, status: 'cancelled' }, new Date());

    // Assess
    expect(forgotten).toBe(true);
    expect(await taken(visit)).toBe(1);
  });

  it('deletes the citizen’s quotas of every service, one without any visit left too, and no one else’s', async () => {
    // Prepare
    const citizenId = randomUUID();
    const other = randomUUID();
    expect(await visits.book(visitOf(citizenId, 'snils'), limits)).toBe('booked');
    expect(await visits.book(visitOf(other, 'snils'), limits)).toBe('booked');
    // A quota that outlived its visits (visits expire by TTL; a quota has none).
    await documentClient.send(
      new PutCommand({
        TableName: table,
        Item: {
          pk: `quota#${citizenId}#passport.replace`,
          visits: { 'V-OLD00000': '2020-01-01T07:00:00.000Z' },
          version: 3,
        },
      }),
    );

    // Act
    const deleted = await visits.forgetQuotas(citizenId);

    // Assess
    expect(deleted).toEqual({ quotas: 2, requests: 0 });
    expect(await quota(citizenId, 'snils')).toBeUndefined();
    expect(await quota(citizenId, 'passport.replace')).toBeUndefined();
    expect(await quota(other, 'snils')).toBeDefined();
  });
});

describe('a visit’s retention', () => {
  it('keeps a booked visit, and a moved one, the stage’s days after its time (TTL), no other', async () => {
    // Prepare: a stage that keeps visits 40 days.
    const kept = new DynamoVisitRepository(table, 40);
    const visit = visitOf(randomUUID());
    const stored = async (number: string) =>
      (
        await documentClient.send(
          new GetCommand({ TableName: table, Key: { pk: `visit#${number}` }, ConsistentRead: true }),
        )
      ).Item;
    const daysAfter = (iso: string, days: number) => Math.floor(Date.parse(iso) / 1000) + days * 86_400;

    // Act
    const booked = await kept.book(visit, limits);
    const afterBooking = await stored(visit.number);
    const later = new Date(Date.parse(visit.startsAt) + 86_400_000).toISOString();
    const moved = await kept.reschedule(
      visit,
      { date: later.slice(0, 10), time: '10:00', startsAt: later },
      2,
    );
    const afterMove = await stored(visit.number);

    // Assess
    expect(booked).toBe('booked');
    expect(afterBooking?.expiresAt).toBe(daysAfter(visit.startsAt, 40));
    expect(moved).toBe('rescheduled');
    expect(afterMove?.expiresAt).toBe(daysAfter(later, 40));
  });
});
