/**
 * Synthesizes the CDK app once for the whole test run and hands the template to every local stack
 * the run starts (`LOCAL_TEMPLATE_FILE`, local/config.ts): the shared stack of the global setup and
 * the stacks of the `own-stack` files. Each would otherwise synthesize the same template again,
 * seconds of CPU each while the other tests run.
 *
 * The global setup of two projects: whichever runs first synthesizes, the other finds the file this
 * run wrote (a marker on `globalThis`, which both share in vitest's main process). A
 * `LOCAL_TEMPLATE_FILE` the run inherited is not trusted: it may hold an older template.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSynthesizedTemplate } from '../local/synth.ts';

const RUN_TEMPLATE = Symbol.for('support-chat.test-run-template');
type WithRunTemplate = typeof globalThis & { [RUN_TEMPLATE]?: { dir: string; file: string } };
const shared = globalThis as WithRunTemplate;

export function setup() {
  if (!shared[RUN_TEMPLATE]) {
    const dir = mkdtempSync(join(tmpdir(), 'support-chat-template-'));
    const file = join(dir, 'template.json');
    writeSynthesizedTemplate(file);
    shared[RUN_TEMPLATE] = { dir, file };
  }
  process.env.LOCAL_TEMPLATE_FILE = shared[RUN_TEMPLATE].file;
}

export function teardown() {
  const written = shared[RUN_TEMPLATE];
  if (!written) return;
  rmSync(written.dir, { recursive: true, force: true });
  delete shared[RUN_TEMPLATE];
  delete process.env.LOCAL_TEMPLATE_FILE;
}
