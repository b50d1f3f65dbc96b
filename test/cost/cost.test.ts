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

  it("holds the product's target: $0.20 per 1,000 blended conversations, all in, at today's volume and ten times it", () => {
    // Act
    const { blendedAllInPer1000 } = computeCost(FLOW_BUDGETS, fixed);
    // Assess: more work per conversation or more monthly resources than the target allows fail here.
    expect(blendedAllInPer1000).toHaveLength(2);
    for (const perThousand of blendedAllInPer1000) expect(perThousand).toBeLessThanOrEqual(0.2);
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

  it('prices what the Standard-IA class keeps at 0.4 times and its write units at 1.25 times Standard', () => {
    // Prepare: the same bot-only conversation with none of its bytes or units in the Standard-IA class.
    const bot = FLOW_BUDGETS.botConversation;
    const allStandard = {
      ...FLOW_BUDGETS,
      botConversation: {
        ...bot,
        dynamodbReadUnitsInfrequentAccess: 0,
        dynamodbWriteUnitsInfrequentAccess: 0,
        storedBytesInfrequentAccess: 0,
      },
    };
    // Act
    const asIs = computeCost(FLOW_BUDGETS, fixed).botPer1000;
    const standard = computeCost(allStandard, fixed).botPer1000;
    // Assess: a year of storage cheaper by (0.306 - 0.1224) a GB-month, requests a quarter dearer.
    const gbYear = (bot.storedBytesInfrequentAccess / 1024 ** 3) * 12;
    const saved =
      gbYear * (0.306 - 0.1224) -
      (bot.dynamodbWriteUnitsInfrequentAccess * (0.953 - 0.7625) +
        bot.dynamodbReadUnitsInfrequentAccess * (0.1906 - 0.1525)) /
        1e6;
    expect(bot.storedBytesInfrequentAccess).toBeGreaterThan(0);
    expect(standard - asIs).toBeCloseTo(saved * 1000, 9);
    expect(asIs).toBeLessThan(standard);
  });
});
