/**
 * The authorization matrix: guest / citizen / operator / senior × every action of docs/protocol.md,
 * against an expected table written from the rules (not from the policy), plus the resolution of a
 * guest who verified on its open connection.
 */
import { describe, expect, it } from 'vitest';
import type { Caller, Role } from '#events/authorizer-context.ts';
import {
  ACTIONS,
  authorizeAction,
  type CitizenSessionReader,
  type SessionStandingFacts,
} from './authorization.ts';
import { ChatError } from './errors.ts';

/** The connection every frame of these tests comes on. */
const CONNECTION = 'conn-1';

/** Every client → server action of docs/protocol.md (citizen actions, then operator actions). */
const PROTOCOL_ACTIONS = [
  'hello',
  'message.send',
  'history.get',
  'suggest',
  'operator.request',
  'auth.requestCode',
  'auth.verifyCode',
  'ticket.get',
  'ticket.list',
  'attachment.create',
  'attachment.url',
  'attachment.get',
  'feedback.submit',
  'push.register',
  'transcript.get',
  'typing',
  'session.end',
  'mfc.offices',
  'mfc.slots',
  'mfc.book',
  'mfc.cancel',
  'mfc.reschedule',
  'mfc.visits',
  'operator.status',
  'operator.next',
  'operator.heartbeat',
  'conversation.accept',
  'operator.reply',
  'operator.note',
  'operator.transfer',
  'ticket.setStatus',
  'canned.list',
  'queue.stats',
] as const;

type Outcome = 'admit' | 'UNAUTHORIZED' | 'FORBIDDEN';
type Row = readonly [guest: Outcome, citizen: Outcome, operator: Outcome, senior: Outcome];

const SHARED: Row = ['admit', 'admit', 'admit', 'admit'];
const CITIZEN_ONLY: Row = ['admit', 'admit', 'FORBIDDEN', 'FORBIDDEN'];
const VERIFIED_ONLY: Row = ['UNAUTHORIZED', 'admit', 'FORBIDDEN', 'FORBIDDEN'];
const STAFF_ONLY: Row = ['FORBIDDEN', 'FORBIDDEN', 'admit', 'admit'];

/** The rules of the issue: who gets what, written out for every action. */
const EXPECTED: Record<(typeof PROTOCOL_ACTIONS)[number], Row> = {
  hello: SHARED,
  'message.send': CITIZEN_ONLY,
  'history.get': SHARED,
  suggest: CITIZEN_ONLY,
  'operator.request': CITIZEN_ONLY,
  'auth.requestCode': CITIZEN_ONLY,
  'auth.verifyCode': CITIZEN_ONLY,
  'ticket.get': ['UNAUTHORIZED', 'admit', 'admit', 'admit'],
  'ticket.list': ['UNAUTHORIZED', 'admit', 'admit', 'admit'],
  'attachment.create': CITIZEN_ONLY,
  'attachment.url': SHARED,
  'attachment.get': SHARED,
  'feedback.submit': CITIZEN_ONLY,
  'push.register': VERIFIED_ONLY,
  'transcript.get': VERIFIED_ONLY,
  typing: SHARED,
  'session.end': CITIZEN_ONLY,
  'mfc.offices': CITIZEN_ONLY,
  'mfc.slots': CITIZEN_ONLY,
  'mfc.book': VERIFIED_ONLY,
  'mfc.cancel': VERIFIED_ONLY,
  'mfc.reschedule': VERIFIED_ONLY,
  'mfc.visits': VERIFIED_ONLY,
  'operator.status': STAFF_ONLY,
  'operator.next': STAFF_ONLY,
  'operator.heartbeat': STAFF_ONLY,
  'conversation.accept': STAFF_ONLY,
  'operator.reply': STAFF_ONLY,
  'operator.note': STAFF_ONLY,
  'operator.transfer': STAFF_ONLY,
  'ticket.setStatus': STAFF_ONLY,
  'canned.list': STAFF_ONLY,
  'queue.stats': STAFF_ONLY,
};

const ROLES: readonly Role[] = ['guest', 'citizen', 'operator', 'senior'];

function callerAs(role: Role): Caller {
  if (role === 'operator' || role === 'senior') {
    const sub = '3f2b8c1e-0000-4000-8000-00000000000a';
    return { principalId: sub, sessionId: sub, role, lang: 'ru', displayName: 'Анна' };
  }
  const sessionId = '6f1c2a9e-7d1b-4a8e-9c5e-2b7f0e3d4a11';
  return role === 'citizen'
    ? { principalId: sessionId, sessionId, role, lang: 'ru', verified: true, citizenId: 'cit-1' }
    : { principalId: sessionId, sessionId, role, lang: 'ru' };
}

/** A session store holding one session, counting its reads. */
function sessionsWith(session: SessionStandingFacts | undefined) {
  const reads: string[] = [];
  const sessions: CitizenSessionReader = {
    get: async (sessionId) => {
      reads.push(sessionId);
      return session;
    },
  };
  return { sessions, reads };
}

async function outcomeOf(routeKey: string, caller: Caller, sessions: CitizenSessionReader): Promise<Outcome> {
  try {
    await authorizeAction({ sessions }, routeKey, caller, CONNECTION);
    return 'admit';
  } catch (error) {
    if (error instanceof ChatError && (error.code === 'UNAUTHORIZED' || error.code === 'FORBIDDEN')) {
      return error.code;
    }
    throw error;
  }
}

describe('the authorization policy', () => {
  it('has a row for exactly the actions of docs/protocol.md', () => {
    expect([...ACTIONS].sort()).toEqual([...PROTOCOL_ACTIONS].sort());
  });

  const cases = PROTOCOL_ACTIONS.flatMap((action) =>
    ROLES.map((role, index) => [action, role, EXPECTED[action][index] as Outcome] as const),
  );

  it.each(cases)('%s by a %s: %s', async (action, role, expected) => {
    // Prepare: a guest's session is not verified.
    const { sessions } = sessionsWith({ verified: false });

    // Act
    const outcome = await outcomeOf(action, callerAs(role), sessions);

    // Assess
    expect(outcome).toBe(expected);
  });

  it('refuses a route it has no row for (fail closed), for every role', async () => {
    const { sessions } = sessionsWith({ verified: true, citizenId: 'cit-1' });
    for (const role of ROLES) {
      expect(await outcomeOf('admin.dropTables', callerAs(role), sessions)).toBe('FORBIDDEN');
      expect(await outcomeOf('constructor', callerAs(role), sessions)).toBe('FORBIDDEN');
    }
  });

  it('admits a guest who verified on this connection as a citizen, with its citizenId', async () => {
    // Prepare
    const { sessions, reads } = sessionsWith({
      verified: true,
      citizenId: 'cit-42',
      verifiedConnectionId: CONNECTION,
    });
    const guest = callerAs('guest');

    // Act
    const caller = await authorizeAction({ sessions }, 'ticket.list', guest, CONNECTION);

    // Assess
    expect(caller).toEqual({ ...guest, role: 'citizen', verified: true, citizenId: 'cit-42' });
    expect(reads).toEqual([guest.sessionId]);
  });

  it.each(['push.register', 'ticket.get', 'ticket.list'])(
    'answers UNAUTHORIZED to a guest whose session is unverified or gone (%s)',
    async (action) => {
      for (const session of [{ verified: false }, undefined, { verified: true }]) {
        const { sessions } = sessionsWith(session);
        expect(await outcomeOf(action, callerAs('guest'), sessions)).toBe('UNAUTHORIZED');
      }
    },
  );

  it('resolves a verified guest where ownership may be by citizen, and leaves an unverified one a guest', async () => {
    const verified = sessionsWith({ verified: true, citizenId: 'cit-7', verifiedConnectionId: CONNECTION });
    const unverified = sessionsWith({ verified: false });

    const asCitizen = await authorizeAction(verified, 'history.get', callerAs('guest'), CONNECTION);
    const asGuest = await authorizeAction(unverified, 'history.get', callerAs('guest'), CONNECTION);

    expect(asCitizen).toMatchObject({ role: 'citizen', citizenId: 'cit-7' });
    expect(asGuest).toEqual(callerAs('guest'));
  });

  it('reads no session for callers whose context decides (staff, guests and citizens on plain actions)', async () => {
    const { sessions, reads } = sessionsWith({ verified: true, citizenId: 'cit-1' });

    await authorizeAction({ sessions }, 'ticket.get', callerAs('operator'), CONNECTION);
    await authorizeAction({ sessions }, 'message.send', callerAs('guest'), CONNECTION);
    await authorizeAction({ sessions }, 'message.send', callerAs('citizen'), CONNECTION);
    await outcomeOf('operator.next', callerAs('guest'), sessions);

    expect(reads).toEqual([]);
  });

  it.each(['history.get', 'ticket.get', 'ticket.list', 'push.register', 'feedback.submit'])(
    'refuses (UNAUTHORIZED) a guest connection of a session identified on another connection: a copied guest token (%s)',
    async (action) => {
      // Prepare: the session was identified on conn-2; this guest connection is conn-1.
      const { sessions } = sessionsWith({
        verified: true,
        citizenId: 'cit-9',
        verifiedConnectionId: 'conn-2',
      });

      // Act
      const outcome = await outcomeOf(action, callerAs('guest'), sessions);

      // Assess
      expect(outcome).toBe('UNAUTHORIZED');
    },
  );

  it.each(['history.get', 'ticket.get', 'ticket.list'])(
    'refuses (UNAUTHORIZED) a citizen connection of a signed-out session (%s), reading the session to know',
    async (action) => {
      const { sessions, reads } = sessionsWith({
        verified: true,
        citizenId: 'cit-3',
        endedAt: '2026-12-02T10:00:00.000Z',
      });

      const outcome = await outcomeOf(action, callerAs('citizen'), sessions);

      expect(outcome).toBe('UNAUTHORIZED');
      expect(reads).toHaveLength(1);
    },
  );

  it('never turns an operator into a citizen, even on a citizen-only action', async () => {
    const { sessions } = sessionsWith({ verified: true, citizenId: 'cit-1' });
    for (const action of ['push.register', 'feedback.submit', 'auth.verifyCode']) {
      expect(await outcomeOf(action, callerAs('operator'), sessions)).toBe('FORBIDDEN');
      expect(await outcomeOf(action, callerAs('senior'), sessions)).toBe('FORBIDDEN');
    }
  });
});
