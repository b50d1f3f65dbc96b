/**
 * docs/cost.md is generated (`npm run cost`), never typed: it must be exactly what the cost model
 * renders from the current budgets (the counted flows) and the current app's resources.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLOW_BUDGETS } from '../budgets.ts';
import { computeCost, renderCostModel } from './cost-model.ts';
import { countFixedResources } from './fixed-resources.ts';

const COST_DOC = join(import.meta.dirname, '..', '..', 'docs', 'cost.md');
// Prepare (once: synthesizing takes seconds, as for test/infra)
const fixed = countFixedResources();

describe('docs/cost.md', () => {
  it('is what npm run cost computes from the counted flows and the synthesized app', () => {
    // Act
    const expected = renderCostModel(FLOW_BUDGETS, fixed);
    // Assess
    expect(readFileSync(COST_DOC, 'utf8'), 'run npm run cost').toBe(expected);
  });

  it('prices more work higher: one more write unit per bot turn raises the bot-only figure', () => {
    // Prepare
    const heavier = {
      ...FLOW_BUDGETS,
      botConversation: {
        ...FLOW_BUDGETS.botConversation,
        dynamodbWriteUnits: FLOW_BUDGETS.botConversation.dynamodbWriteUnits + 6,
      },
    };
    // Act
    const before = computeCost(FLOW_BUDGETS, fixed);
    const after = computeCost(heavier, fixed);
    // Assess
    expect(after.botPer1000 - before.botPer1000).toBeCloseTo((6 * 0.7625) / 1000, 9);
  });
});
