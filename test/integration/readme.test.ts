/**
 * The README as a newcomer meets it: every shell block runs exactly as written, from the repository
 * root, against a local stack started for this file as `npm start` starts it, and exits 0.
 *
 * Which blocks run: every ```sh block, unless the line above its fence says
 * `<!-- not run: reason -->` (then a test checks it only installs, starts or tests the whole system, or deploys). Blocks tagged
 * `console` (sample output), `mermaid`, `json`, `http` or `html` (an embed snippet) are not commands and never run; a block
 * with no tag or another tag fails the test, so nothing slips through untried.
 *
 * The snippets are written for the default ports and read `WS_PORT` / `HTTP_PORT` (the variables
 * `npm start` itself reads) when set: this stack runs on free ports and hands them over that way.
 * They run in a reader's environment: no `node_modules/.bin` on the PATH (so `node` is the
 * machine's own, as in a terminal) and none of the test run's variables.
 *
 * And every repository path the README names in a code span (`functions/handlers/…`) exists, so a
 * rename cannot leave the reader a way through the folders that is no longer there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot, runCommand } from '../support/commands.ts';
import { type RunningLocalStack, startLocalStackProcess } from '../support/local-stack.ts';
import { codeBlocksOf } from '../support/markdown-blocks.ts';

const RUN = 'sh';
const NOT_COMMANDS = ['console', 'mermaid', 'json', 'http', 'html'];

const readme = readFileSync(join(repositoryRoot, 'README.md'), 'utf8');
const blocks = codeBlocksOf(readme);
const shellBlocks = blocks.filter((block) => block.lang === RUN);

/** A terminal's environment: the machine's PATH and locale, nothing the test run added. */
function readersEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['HOME', 'TMPDIR', 'JAVA_HOME', 'LANG']) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  env.PATH = (process.env.PATH ?? '')
    .split(':')
    .filter((dir) => !dir.includes('node_modules'))
    .join(':');
  return env;
}

let stack: RunningLocalStack;

beforeAll(async () => {
  // Its own stack: the walk-through signs in the seeded operator, whom no other test may share.
  stack = await startLocalStackProcess({ baseEnv: readersEnvironment(), timeoutMs: 120_000 });
}, 150_000);

afterAll(async () => {
  await stack?.stop();
});

describe('README.md', () => {
  it('tags every code block, and gives a reason for each shell block it does not run', () => {
    // Assess
    const problems = blocks.flatMap((block) => {
      const where = `README.md:${block.line}`;
      if (block.lang === '') return [`${where}: a block without a language tag`];
      if (block.lang !== RUN && !NOT_COMMANDS.includes(block.lang)) {
        return [`${where}: \`${block.lang}\` is neither \`${RUN}\` nor one of ${NOT_COMMANDS.join(', ')}`];
      }
      if (block.notRun !== undefined && block.lang !== RUN)
        return [`${where}: a not-run marker on a block that never runs`];
      if (block.notRun === '') return [`${where}: a not-run marker without a reason`];
      return [];
    });
    expect(problems).toEqual([]);
    expect(shellBlocks.filter((block) => block.notRun === undefined).length).toBeGreaterThan(0);
  });

  it('names in code spans only files and folders that are in the repository', () => {
    // Prepare: `infra/app.ts`, `functions/domain/bot/` and the like, wherever the README names one
    const named =
      readme.match(/(?<=`)(?:docs|events|functions|infra|layers|local|test|web)\/[^`\s]*(?=`)/g) ?? [];

    // Assess
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((path) => !existsSync(join(repositoryRoot, path)))).toEqual([]);
  });

  for (const block of shellBlocks) {
    const title = `README.md:${block.line} (${block.heading})`;
    if (block.notRun !== undefined) {
      // Not run here, and not skipped either: only a block that installs, starts or tests the whole
      // system, or deploys to AWS, may be left out, so no ordinary snippet can hide behind a marker.
      it(`${title} — not run here (${block.notRun}): it installs, starts or tests the whole system, or deploys`, () => {
        expect(block.text).toMatch(/\bnpm (ci|start|test)\b|\bcdk (bootstrap|deploy|destroy)\b/);
      });
      continue;
    }
    it(`${title} — runs as written and exits 0`, { timeout: 90_000 }, async () => {
      // Act
      const { code, stdout, stderr } = await runCommand('sh', ['-e', '-c', block.text], {
        env: {
          ...readersEnvironment(),
          WS_PORT: new URL(stack.wsUrl).port,
          HTTP_PORT: new URL(stack.httpUrl).port,
        },
        timeoutMs: 80_000,
      });

      // Assess
      expect(code, `stdout:\n${stdout}\nstderr:\n${stderr}`).toBe(0);
    });
  }
});
