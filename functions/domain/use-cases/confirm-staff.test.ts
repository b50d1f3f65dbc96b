/**
 * The staff check of every operator frame, over a directory that answers what the test sets (the
 * chat's own port; the Cognito calls themselves run against the local Cognito in
 * test/integration/staff-access.test.ts): roles as the pool says, the administrator's name, the
 * cache and its recheck, and the last answer kept when the pool cannot be asked.
 */
import { describe, expect, it } from 'vitest';
import type { Caller } from '#events/authorizer-context.ts';
import { ChatError } from '../errors.ts';
import type { StaffAccount } from '../ports/staff-directory.ts';
import { staffConfirmer } from './confirm-staff.ts';

const senior: Caller = {
  principalId: 'sub-1',
  sessionId: 'sub-1',
  role: 'senior',
  lang: 'ru',
  displayName: 'Name from the token',
  username: 'boris',
};

function harness(first: StaffAccount | undefined | Error) {
  let now = 0;
  let answer = first;
  const asked: string[] = [];
  const confirmer = staffConfirmer({
    directory: {
      account: async (username) => {
        asked.push(username);
        if (answer instanceof Error) throw answer;
        return answer;
      },
    },
    clock: { now: () => new Date(now) },
    recheckSeconds: 30,
  });
  return {
    confirmer,
    asked,
    advance: (seconds: number) => {
      now += seconds * 1000;
    },
    answer: (next: StaffAccount | undefined | Error) => {
      answer = next;
    },
  };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'admitted';
  } catch (error) {
    return error instanceof ChatError ? error.code : 'thrown';
  }
}

describe('confirming a staff caller with the user pool', () => {
  it('acts for the role and the given_name the pool has now, not the token’s', async () => {
    const { confirmer } = harness({ enabled: true, groups: ['operator'], givenName: 'Борис' });

    expect(await confirmer.confirm(senior)).toEqual({ ...senior, role: 'operator', displayName: 'Борис' });
  });

  it.each([
    [undefined, 'UNAUTHORIZED'],
    [{ enabled: false, groups: ['senior'] }, 'UNAUTHORIZED'],
    [{ enabled: true, groups: ['auditors'] }, 'FORBIDDEN'],
  ])('refuses %j with %s', async (account, code) => {
    const { confirmer } = harness(account);

    expect(await codeOf(confirmer.confirm(senior))).toBe(code);
  });

  it('asks the pool again only once the recheck time has passed, and then sees the change', async () => {
    const { confirmer, asked, advance, answer } = harness({ enabled: true, groups: ['senior'] });
    await confirmer.confirm(senior);
    answer({ enabled: false, groups: ['senior'] });

    advance(29);
    const cached = await codeOf(confirmer.confirm(senior));
    advance(2);
    const rechecked = await codeOf(confirmer.confirm(senior));

    expect([cached, rechecked]).toEqual(['admitted', 'UNAUTHORIZED']);
    expect(asked).toEqual(['boris', 'boris']);
  });

  it('keeps the last answer while the pool cannot be asked, and fails without one', async () => {
    const kept = harness({ enabled: true, groups: ['senior'] });
    await kept.confirmer.confirm(senior);
    kept.answer(new Error('ThrottlingException'));
    kept.advance(60);
    const none = harness(new Error('ThrottlingException'));

    expect(await codeOf(kept.confirmer.confirm(senior))).toBe('admitted');
    expect(await codeOf(none.confirmer.confirm(senior))).toBe('thrown');
  });

  it('leaves citizens and guests alone', async () => {
    const { confirmer, asked } = harness(undefined);
    const citizen: Caller = { principalId: 's', sessionId: 's', role: 'citizen', lang: 'ru' };

    expect(await confirmer.confirm(citizen)).toBe(citizen);
    expect(asked).toEqual([]);
  });
});
