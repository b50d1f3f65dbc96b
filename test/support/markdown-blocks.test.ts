import { describe, expect, it } from 'vitest';
import { codeBlocksOf } from './markdown-blocks.ts';

describe('codeBlocksOf', () => {
  it('reads each fenced block with its line, heading, language and text, and the reason it is not run', () => {
    // Prepare
    const markdown = [
      '# Title',
      '```sh',
      'npm run smoke',
      '```',
      '<!-- not run: needs an AWS account -->',
      '',
      '```sh',
      'npx cdk deploy --all',
      '```',
      '````console',
      '```',
      'output',
      '````',
      '## Section',
      '```',
      '# not a heading inside a block',
      '```',
      '1. a step:',
      '   ```sh',
      '   npm test',
      '   ```',
    ].join('\n');

    // Act
    const blocks = codeBlocksOf(markdown);

    // Assess
    expect(blocks).toEqual([
      { line: 2, heading: 'Title', lang: 'sh', text: 'npm run smoke' },
      { line: 7, heading: 'Title', lang: 'sh', text: 'npx cdk deploy --all', notRun: 'needs an AWS account' },
      { line: 10, heading: 'Title', lang: 'console', text: '```\noutput' },
      { line: 15, heading: 'Section', lang: '', text: '# not a heading inside a block' },
      { line: 19, heading: 'Section', lang: 'sh', text: '   npm test' },
    ]);
  });

  it('takes a marker only from the line just above the fence, and an empty reason as given', () => {
    // Prepare
    const markdown = [
      '<!-- not run: far away -->',
      'text',
      '```sh',
      'a',
      '```',
      '<!-- not run: -->',
      '```sh',
      'b',
      '```',
    ].join('\n');

    // Act
    const blocks = codeBlocksOf(markdown);

    // Assess
    expect(blocks.map((block) => block.notRun)).toEqual([undefined, '']);
  });
});
