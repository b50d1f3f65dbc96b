/**
 * `npm run bench:init`: for every function of the stack, the size of its production bundle (esbuild
 * with the house options, as `cdk synth` builds it) and its module init time — a fresh Node.js
 * process importing the bundle, as a Lambda cold start does. docs/requirements.md#numbers: ≤ 250 KB each, init ≤ 40 ms.
 *
 * - BENCH_INIT_RUNS (default 7): fresh processes per function (and per tree); the median is
 *   reported. The runs go round the functions, one process each per round, so a busy moment of this
 *   shared machine lands on every function alike instead of on one function's runs.
 * - BENCH_INIT_FUNCTIONS: only these, by file name without `.ts` (comma-separated), e.g.
 *   `suggest,message-send`.
 * - BENCH_INIT_AGAINST: a git revision to compare with (e.g. `main`, `HEAD~3`): its tree is checked
 *   out into a temporary worktree, bundled with its own house options and run with its own layers
 *   (knowledge base, directory), alternating with this tree's processes in every round; the table
 *   then shows both medians and the difference. Two medians of one tree on this VM differ by up to
 *   about 10 %: a difference smaller than that is none.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { houseEsbuildOptions } from '../../infra/constructs/bundling.ts';
import { repoRoot as REPO_ROOT } from '../../infra/paths.ts';
import { functionEnvironment } from '../../local/functions.ts';
import type { LocalAccount } from '../../local/resolve.ts';
import { physicalName } from '../../local/resolve.ts';
import { synthesizeTemplate } from '../../local/synth.ts';
import { functionSpecs, resourcesOfType } from '../../local/template.ts';

const runs = Number(process.env.BENCH_INIT_RUNS ?? 7);
const only = process.env.BENCH_INIT_FUNCTIONS?.split(',').map((name) => name.trim());
const against = process.env.BENCH_INIT_AGAINST;

const template = synthesizeTemplate();
const account: LocalAccount = {
  region: 'eu-central-1',
  accountId: '000000000000',
  connectionsEndpoint: 'http://127.0.0.1:3001/v1',
  queueUrls: new Map(
    resourcesOfType(template, 'AWS::SQS::Queue').map(([id, queue]) => [
      id,
      `https://sqs.eu-central-1.amazonaws.com/000000000000/${physicalName(id, queue)}`,
    ]),
  ),
};

/** The functions' own environment, layers from `root`; nothing is called during init, so no emulator is needed. */
function environmentOf(root: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...functionEnvironment(template, account, root),
    AWS_REGION: account.region,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  };
}

/** A tree to bundle and run: this one, or the revision compared with. */
interface Tree {
  label: string;
  root: string;
  options: (entryPoint: string) => BuildOptions;
  env: NodeJS.ProcessEnv;
}

/** Imports the bundle in a fresh process and prints how long the import took, in ms. */
const probe = `const t = performance.now(); await import(process.argv[1]); console.log(performance.now() - t);`;

function importMs(bundle: string, env: NodeJS.ProcessEnv): number {
  return Number(
    execFileSync(process.execPath, ['--input-type=module', '-e', probe, bundle], { env, encoding: 'utf8' }),
  );
}

const median = (times: number[]) =>
  [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? Number.NaN;
const ms = (value: number) => value.toFixed(1).padStart(8);

/** A worktree of `revision` sharing this checkout's node_modules; removed by the caller. */
function checkOut(revision: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-init-against-'));
  rmSync(dir, { recursive: true });
  execFileSync('git', ['worktree', 'add', '--detach', dir, revision], { cwd: REPO_ROOT, stdio: 'ignore' });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

const specs = functionSpecs(template).filter(
  (spec) => !only || only.includes(spec.entry.replace(/^.*\//, '').replace(/\.ts$/, '')),
);
// Inside the repository, so that the bundles resolve the external @aws-sdk packages as Lambda's runtime would.
const outdir = mkdtempSync(join(REPO_ROOT, '.bench-init-'));
const worktree = against ? checkOut(against) : undefined;
try {
  const trees: Tree[] = [
    { label: 'this tree', root: REPO_ROOT, options: houseEsbuildOptions, env: environmentOf(REPO_ROOT) },
  ];
  if (worktree && against) {
    const theirs = (await import(join(worktree, 'infra/constructs/bundling.ts'))) as {
      houseEsbuildOptions: (entryPoint: string) => BuildOptions;
    };
    trees.unshift({
      label: against,
      root: worktree,
      options: theirs.houseEsbuildOptions,
      env: environmentOf(worktree),
    });
  }

  // Bundle every function of every tree (a function the other tree lacks is left out of its column).
  const bundles = new Map<string, { file: string; sizeKb: number; times: number[] }>();
  for (const spec of specs) {
    for (const [index, tree] of trees.entries()) {
      const entry = join(tree.root, spec.entry);
      if (!existsSync(entry)) continue;
      const file = join(outdir, `${spec.logicalId}-${index}.mjs`);
      await build({ ...tree.options(entry), outfile: file, logLevel: 'silent' });
      bundles.set(`${spec.logicalId}/${index}`, { file, sizeKb: statSync(file).size / 1024, times: [] });
    }
  }

  const loadBefore = loadavg()[0] ?? 0;
  for (let round = 0; round < runs; round++) {
    for (const spec of specs) {
      for (const [index, tree] of trees.entries()) {
        const bundle = bundles.get(`${spec.logicalId}/${index}`);
        bundle?.times.push(importMs(bundle.file, tree.env));
      }
    }
  }
  const loadAfter = loadavg()[0] ?? 0;

  const header = [
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${runs} fresh processes each, in rounds; load average ${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)}`,
    '',
  ];
  const rows = specs.map((spec) => {
    const [first, second] = trees.map((_, index) => bundles.get(`${spec.logicalId}/${index}`));
    const name = spec.entry.padEnd(42);
    if (trees.length === 1) {
      return `| ${name} | ${(first?.sizeKb ?? 0).toFixed(0).padStart(6)} | ${ms(median(first?.times ?? []))} | ${ms(Math.min(...(first?.times ?? [])))} |`;
    }
    const before = first ? median(first.times) : Number.NaN;
    const after = second ? median(second.times) : Number.NaN;
    const change =
      Number.isNaN(before) || Number.isNaN(after)
        ? '       —'
        : `${(((after - before) / before) * 100).toFixed(0).padStart(7)}%`;
    return `| ${name} | ${(first?.sizeKb ?? 0).toFixed(0).padStart(6)} | ${(second?.sizeKb ?? 0).toFixed(0).padStart(6)} | ${ms(before)} | ${ms(after)} | ${change} |`;
  });
  const table =
    trees.length === 1
      ? [
          `| ${'function'.padEnd(42)} | bundle KB | init ms (median) | min ms |`,
          `|${'-'.repeat(44)}|-------:|---------:|-------:|`,
        ]
      : [
          `| ${'function'.padEnd(42)} | KB, ${against} | KB, this tree | init ms (median), ${against} | init ms (median), this tree | change |`,
          `|${'-'.repeat(44)}|-------:|-------:|---------:|---------:|-------:|`,
        ];
  process.stdout.write([...header, ...table, ...rows, ''].join('\n'));
} finally {
  rmSync(outdir, { recursive: true, force: true });
  if (worktree)
    execFileSync('git', ['worktree', 'remove', '--force', worktree], { cwd: REPO_ROOT, stdio: 'ignore' });
}
