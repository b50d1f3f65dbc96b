/**
 * The request budgets (test/budgets.ts): one bot turn, one whole bot conversation, one escalated
 * conversation, one operator reply and one citizen message to an operator, each driven alone on a
 * stack of its own (so that no other test's traffic is counted) and counted call by call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asBudget, FLOW_BUDGETS, type FlowBudget } from '../budgets.ts';
import {
  COUNTING_STACK_ENV,
  FLOW_NAMES,
  type FlowFigures,
  type FlowName,
  measureFlows,
} from '../support/flows.ts';
import { ownStackBaseEnv, type RunningLocalStack, startLocalStackProcess } from '../support/local-stack.ts';

let stack: RunningLocalStack;
let counted: Record<FlowName, FlowFigures>;

beforeAll(async () => {
  stack = await startLocalStackProcess({
    env: { LOG_LEVEL: 'ERROR', ...COUNTING_STACK_ENV },
    baseEnv: ownStackBaseEnv(),
    timeoutMs: 120_000,
  });
  counted = await measureFlows(stack);
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

/** The figures that are totals (every one but the invocations by function). */
type Totals = Exclude<keyof FlowBudget, 'invocationsByFunction'>;

const CEILINGS_ONLY: ReadonlySet<Totals> = new Set([
  'dynamodbReads',
  'dynamodbReadUnits',
  'dynamodbWriteUnits',
  'dynamodbReadUnitsInfrequentAccess',
  'dynamodbWriteUnitsInfrequentAccess',
  'storedBytes',
]);

/**
 * Floors: the cost model prices the bytes a conversation keeps outside the Standard-IA class as
 * Standard (`storedBytes` − `storedBytesInfrequentAccess`), so fewer bytes there than budgeted
 * would price it low: that fails ("is the count of the code"), more does not.
 */
const FLOORS_ONLY: ReadonlySet<Totals> = new Set(['storedBytesInfrequentAccess']);

describe.each(FLOW_NAMES)('the request budget of %s', (flow) => {
  it('counts every transaction from its items where DynamoDB Local would not (local/item-size.ts)', () => {
    // Assess
    expect(counted[flow].dynamodb.estimatedWrites, `counted: ${JSON.stringify(counted[flow])}`).toBe(0);
  });

  it('is not exceeded', () => {
    // Prepare
    const budget = FLOW_BUDGETS[flow];
    // Act
    const { invocationsByFunction, ...figures } = asBudget(counted[flow]);
    // Assess
    const over = Object.entries(figures).filter(
      ([name, n]) => !FLOORS_ONLY.has(name as Totals) && n > budget[name as Totals],
    );
    const overByFunction = Object.entries(invocationsByFunction).filter(
      ([fn, n]) => n > (budget.invocationsByFunction[fn] ?? 0),
    );
    expect(
      { ...Object.fromEntries(over), ...Object.fromEntries(overByFunction) },
      `counted: ${JSON.stringify(counted[flow])}`,
    ).toEqual({});
  });

  it('is the count of the code as it is (a cheaper flow lowers its budget, and docs/cost.md follows)', () => {
    // Prepare
    const budget = FLOW_BUDGETS[flow];
    // Act
    const { invocationsByFunction, ...figures } = asBudget(counted[flow]);
    // Assess
    const under = Object.entries(figures).filter(
      ([name, n]) => !CEILINGS_ONLY.has(name as Totals) && n < budget[name as Totals],
    );
    const message = `lower test/budgets.ts to these, then npm run cost (counted: ${JSON.stringify({ ...figures, invocationsByFunction })})`;
    expect(Object.fromEntries(under), message).toEqual({});
    expect(invocationsByFunction, message).toEqual(budget.invocationsByFunction);
  });
});
