/**
 * `npm run cost`: writes docs/cost.md, the cost model computed from the counted flows of
 * test/budgets.ts and the resources of the synthesized production app (test/cost/cost-model.ts).
 * Run it after lowering a budget; test/cost/cost.test.ts fails until it has been.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FLOW_BUDGETS } from '../budgets.ts';
import { computeCost, renderCostModel } from './cost-model.ts';
import { countFixedResources } from './fixed-resources.ts';

const COST_DOC = join(import.meta.dirname, '..', '..', 'docs', 'cost.md');

const fixed = countFixedResources();
writeFileSync(COST_DOC, renderCostModel(FLOW_BUDGETS, fixed));
const result = computeCost(FLOW_BUDGETS, fixed);
process.stdout.write(
  `docs/cost.md written: bot-only $${result.botPer1000.toFixed(4)}, escalated $${result.escalatedPer1000.toFixed(4)}, blended $${result.blendedPer1000.toFixed(4)} per 1,000 conversations before fixed costs; fixed $${result.fixedPerMonth.toFixed(2)} a month\n`,
);
