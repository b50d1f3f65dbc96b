/**
 * vitest's order of the files, but for the files named here, which start first in their project.
 *
 * vitest runs a project's files longest first by their last run's durations; on a fresh clone (CI)
 * it has none and runs the largest files first. The `own-stack` project's longest file, the request
 * budgets (80 s: every flow driven alone on a counting stack, waiting for quiet), is its smallest, so
 * it started last and ran alone for a minute while the other worker had nothing left
 * (docs/benchmarks.md, "The test suite under its 10 minutes").
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The longest files of their projects, the longest first. */
const LONGEST_FIRST = ['test/integration/budgets.test.ts', 'test/integration/readme.test.ts'];

const rank = (spec: TestSpecification): number => {
  const index = LONGEST_FIRST.findIndex((file) => spec.moduleId.endsWith(`/${file}`));
  return index === -1 ? LONGEST_FIRST.length : index;
};

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    // Within a project's files (contiguous in vitest's order), the named ones first; the rest keep
    // their order (Array.prototype.sort is stable).
    const projectAt = new Map<string, number>();
    sorted.forEach((spec, i) => {
      if (!projectAt.has(spec.project.name)) projectAt.set(spec.project.name, i);
    });
    return sorted
      .map((spec, i) => ({ spec, i }))
      .sort(
        (a, b) =>
          (projectAt.get(a.spec.project.name) ?? 0) - (projectAt.get(b.spec.project.name) ?? 0) ||
          rank(a.spec) - rank(b.spec) ||
          a.i - b.i,
      )
      .map(({ spec }) => spec);
  }
}
