/**
 * `npm run bench:init`: for every function of the stack, the size of its production bundle (esbuild
 * with the house options, as `cdk synth` builds it) and its module init time — a fresh Node.js
 * process importing the bundle, as a Lambda cold start does. docs/requirements.md#numbers: ≤ 250 KB each, init ≤ 40 ms.
 *
 * BENCH_INIT_RUNS (default 7) fresh processes per function; the median is reported.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { houseEsbuildOptions } from '../../infra/constructs/bundling.ts';
import { repoRoot as REPO_ROOT } from '../../infra/paths.ts';
import { functionEnvironment } from '../../local/functions.ts';
import type { LocalAccount } from '../../local/resolve.ts';
import { physicalName } from '../../local/resolve.ts';
import { synthesizeTemplate } from '../../local/synth.ts';
import { functionSpecs, resourcesOfType } from '../../local/template.ts';

const runs = Number(process.env.BENCH_INIT_RUNS ?? 7);
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
// The functions' own environment; nothing is called during init, so no emulator is needed.
const env = {
  ...process.env,
  ...functionEnvironment(template, account, REPO_ROOT),
  AWS_REGION: account.region,
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

/** Imports the bundle in a fresh process and prints how long the import took, in ms. */
const probe = `const t = performance.now(); await import(process.argv[1]); console.log(performance.now() - t);`;

// Inside the repository, so that the bundles resolve the external @aws-sdk packages as Lambda's runtime would.
const outdir = mkdtempSync(join(REPO_ROOT, '.bench-init-'));
try {
  const rows: string[] = [];
  for (const spec of functionSpecs(template)) {
    const outfile = join(outdir, `${spec.logicalId}.mjs`);
    await build({ ...houseEsbuildOptions(join(REPO_ROOT, spec.entry)), outfile, logLevel: 'silent' });
    const sizeKb = statSync(outfile).size / 1024;
    const times = Array.from({ length: runs }, () =>
      Number(
        execFileSync(process.execPath, ['--input-type=module', '-e', probe, outfile], {
          env,
          encoding: 'utf8',
        }),
      ),
    ).sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] ?? Number.NaN;
    rows.push(
      `| ${spec.entry.padEnd(36)} | ${sizeKb.toFixed(0).padStart(6)} | ${median.toFixed(1).padStart(8)} | ${(times[0] ?? 0).toFixed(1).padStart(6)} |`,
    );
  }
  process.stdout.write(
    [
      `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${runs} fresh processes each`,
      '',
      '| function                             | bundle KB | init ms (median) | min ms |',
      '|--------------------------------------|-------:|---------:|-------:|',
      ...rows,
      '',
    ].join('\n'),
  );
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
