/**
 * Synthesizes the CDK app once for the whole test run and hands the template to every local stack
 * the run starts (`LOCAL_TEMPLATE_FILE`, local/config.ts): the shared stack of the global setup and
 * the stacks of the `own-stack` files. Each would otherwise synthesize the same template again,
 * seconds of CPU each while the other tests run.
 *
 * The global setup of two projects: whichever runs first synthesizes, the other finds the file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSynthesizedTemplate } from '../local/synth.ts';

let synthesized: string | undefined;

export function setup() {
  if (process.env.LOCAL_TEMPLATE_FILE) return;
  synthesized = mkdtempSync(join(tmpdir(), 'support-chat-template-'));
  const file = join(synthesized, 'template.json');
  writeSynthesizedTemplate(file);
  process.env.LOCAL_TEMPLATE_FILE = file;
}

export function teardown() {
  if (!synthesized) return;
  rmSync(synthesized, { recursive: true, force: true });
  synthesized = undefined;
  delete process.env.LOCAL_TEMPLATE_FILE;
}
