/**
 * Use case: every frame of an operator or senior is checked against the user pool, so that a
 * removal, a disablement or a demotion takes effect at their next frame, not when their ID token
 * (1 hour) or their connection (2 hours) runs out.
 *
 * Primary course:
 *  1. Look the caller up (`cognito:username`, carried in the authorizer context) in the pool, or in
 *     this instance's cache of answers younger than STAFF_RECHECK_SECONDS (a change shows within it).
 *  2. Deleted or disabled → UNAUTHORIZED. In neither staff group any more → FORBIDDEN.
 *  3. Act for the role the pool gives now (`senior` wins over `operator`: a demoted senior is an
 *     operator from here on, and the senior queue is theirs no more), with the display name from
 *     `given_name` — the administrator's, not one the operator could set.
 *
 * When the pool cannot be asked (throttled, unreachable), the last answer this instance had is used
 * however old; with none, the frame fails (INTERNAL) rather than admit a caller unchecked.
 */
import type { Caller } from '#events/authorizer-context.ts';
import { ChatError } from '../errors.ts';
import { displayNameOf, staffRole } from '../operator-identity.ts';
import type { StaffAccount, StaffDirectory } from '../ports/staff-directory.ts';
import type { Clock } from '../ports/system.ts';

export interface ConfirmStaffDeps {
  directory: StaffDirectory;
  clock: Clock;
  /** How long an answer of the pool is reused (STAFF_RECHECK_SECONDS). */
  recheckSeconds: number;
}

/** What a staff route confirms its caller with (`routeHandler`'s `staff`). */
export interface StaffConfirmer {
  confirm(caller: Caller): Promise<Caller>;
}

interface Cached {
  account: StaffAccount | undefined;
  fetchedAt: number;
}

/** A confirmer with its own cache: create one per Lambda instance (module scope). */
export function staffConfirmer(deps: ConfirmStaffDeps): StaffConfirmer {
  const cache = new Map<string, Cached>();

  const accountOf = async (username: string): Promise<StaffAccount | undefined> => {
    const now = deps.clock.now().getTime();
    const cached = cache.get(username);
    if (cached && now - cached.fetchedAt < deps.recheckSeconds * 1000) return cached.account;
    try {
      const account = await deps.directory.account(username);
      cache.set(username, { account, fetchedAt: now });
      return account;
    } catch (error) {
      if (cached) return cached.account;
      throw error;
    }
  };

  return {
    async confirm(caller) {
      if (caller.role !== 'operator' && caller.role !== 'senior') return caller;
      const account = await accountOf(caller.username ?? caller.principalId);
      if (!account?.enabled) throw new ChatError('UNAUTHORIZED');
      const role = staffRole(account.groups);
      if (role === undefined) throw new ChatError('FORBIDDEN');
      const displayName = displayNameOf({
        sub: caller.principalId,
        groups: account.groups,
        ...(account.givenName === undefined ? {} : { givenName: account.givenName }),
        ...(caller.username === undefined ? {} : { username: caller.username }),
      });
      return { ...caller, role, displayName };
    },
  };
}
