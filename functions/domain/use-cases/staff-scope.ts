/**
 * Use case: which tickets a member of staff works with (`StaffScope`, functions/domain/tickets.ts),
 * read from their operator item: a senior all; an operator the categories of the queues they serve
 * (their skills — every category for one who has not said `operator.status` yet, as the assignment
 * counts them) and the conversations they hold.
 */
import type { Caller } from '#events/authorizer-context.ts';
import { defaultSkills } from '../operator-roster.ts';
import type { OperatorRepository } from '../ports/operator-roster.ts';
import type { StaffScope } from '../tickets.ts';

export async function staffScopeOf(
  deps: { operators: Pick<OperatorRepository, 'get'> },
  caller: Pick<Caller, 'role' | 'principalId'>,
): Promise<StaffScope> {
  if (caller.role === 'senior') return { senior: true };
  const operator = await deps.operators.get(caller.principalId);
  return {
    senior: false,
    queues: new Set(operator?.skills ?? defaultSkills('operator')),
    holds: new Set(operator?.conversations ?? []),
  };
}
