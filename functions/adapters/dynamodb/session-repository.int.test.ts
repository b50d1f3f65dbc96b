/**
 * Sessions and their resume-token slots on DynamoDB Local (started by the test run's global setup):
 * slots round-trip, the version check makes concurrent writers retry, and an expired session is
 * neither resumable nor writable.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { expiresAfterSeconds } from '#domain/retention.ts';
import { startSession } from '#domain/sessions.ts';
import { tableNames } from '../../../test/support/emulator-env.ts';
import { DynamoResumableSessions } from './resumable-sessions.ts';

describe('the session repository (DynamoDB Local)', () => {
  const repository = new DynamoResumableSessions(tableNames().sessionsTable);
  const slot = { expiresAt: expiresAfterSeconds(new Date(), 3600) };

  async function newSession(expiresInSeconds = 3600) {
    const now = new Date();
    const session = startSession({
      sessionId: randomUUID(),
      lang: 'ru',
      now,
      expiresAt: expiresAfterSeconds(now, expiresInSeconds),
    });
    await repository.createIfAbsent(session);
    return session;
  }

  it('reads a new session as resumable with no slots at version 0', async () => {
    // Prepare
    const session = await newSession();

    // Act
    const stored = await repository.getResumable(session.sessionId);

    // Assess
    expect(stored).toEqual({ session, slots: {}, version: 0 });
  });

  it('replaces the slots at the expected version and counts the version up', async () => {
    // Prepare
    const session = await newSession();

    // Act
    const first = await repository.replaceSlots(session.sessionId, { a: slot }, 0);
    const second = await repository.replaceSlots(session.sessionId, { a: slot, b: slot }, 1);
    const stored = await repository.getResumable(session.sessionId);

    // Assess
    expect([first, second]).toEqual(['replaced', 'replaced']);
    expect(stored).toMatchObject({ slots: { a: slot, b: slot }, version: 2 });
  });

  it('lets only one of two writers of the same version win; the other is told to read again', async () => {
    // Prepare
    const session = await newSession();

    // Act
    const outcomes = await Promise.all([
      repository.replaceSlots(session.sessionId, { a: slot }, 0),
      repository.replaceSlots(session.sessionId, { b: slot }, 0),
    ]);

    // Assess
    expect(outcomes.sort()).toEqual(['conflict', 'replaced']);
    expect((await repository.getResumable(session.sessionId))?.version).toBe(1);
  });

  it('neither resumes nor writes the slots of an expired or absent session', async () => {
    // Prepare
    const expired = await newSession(-5);

    // Act
    const read = await repository.getResumable(expired.sessionId);
    const writeExpired = await repository.replaceSlots(expired.sessionId, { a: slot }, 0);
    const writeAbsent = await repository.replaceSlots(randomUUID(), { a: slot }, 0);

    // Assess
    expect(read).toBeUndefined();
    expect([writeExpired, writeAbsent]).toEqual(['conflict', 'conflict']);
  });

  it('keeps the slots when $connect of the resumed session runs createIfAbsent again', async () => {
    // Prepare
    const session = await newSession();
    await repository.replaceSlots(session.sessionId, { a: slot }, 0);

    // Act
    await repository.createIfAbsent({ ...session, lang: 'en' });

    // Assess
    expect(await repository.getResumable(session.sessionId)).toEqual({
      session,
      slots: { a: slot },
      version: 1,
    });
  });
});
