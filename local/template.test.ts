/**
 * `LOCAL_TEMPLATE_FILE` (local/config.ts): a template written by `writeSynthesizedTemplate` is read
 * back; anything else stops the start with the variable named, not a bare parse error.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSynthesizedTemplate } from './template.ts';

const dir = mkdtempSync(join(tmpdir(), 'template-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a template file handed to the local stack', () => {
  it('is read back as the template it holds', () => {
    // Prepare
    const file = join(dir, 'good.json');
    writeFileSync(
      file,
      JSON.stringify({ Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: {} } } }),
    );

    // Act
    const template = readSynthesizedTemplate(file);

    // Assess
    expect(Object.keys(template.Resources)).toEqual(['Queue']);
  });

  it.each([
    ['missing', join(dir, 'absent.json'), undefined],
    ['not JSON', join(dir, 'broken.json'), '{"Resources":'],
    ['not a template', join(dir, 'other.json'), '[1, 2]'],
  ])('stops with LOCAL_TEMPLATE_FILE named when the file is %s', (_, file, content) => {
    // Prepare
    if (content !== undefined) writeFileSync(file, content);

    // Act
    const read = () => readSynthesizedTemplate(file);

    // Assess
    expect(read).toThrow(/^LOCAL_TEMPLATE_FILE .* is not a synthesized template/);
  });
});
