/**
 * The fenced code blocks of a Markdown page, as the README's test reads them: where each starts,
 * under which heading, its language tag, its text, and the reason given in a `<!-- not run: … -->`
 * comment on the line just above its fence (blank lines between are allowed), if any.
 */
export interface CodeBlock {
  /** The 1-based line of the opening fence. */
  line: number;
  /** The text of the last heading above the block; empty before the first one. */
  heading: string;
  /** The info string's first word (`sh`, `console`…); empty when the fence has none. */
  lang: string;
  text: string;
  /** Why the block is not run, from its `<!-- not run: reason -->` comment. */
  notRun?: string;
}

/** Also an indented fence (in a list item): none may slip past the test unseen. */
const FENCE = /^\s*(`{3,}|~{3,})\s*([^\s`]*)/;
const HEADING = /^#{1,6}\s+(.*?)\s*$/;
const NOT_RUN = /^<!--\s*not run:\s*(.*?)\s*-->$/;

export function codeBlocksOf(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  let heading = '';
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    heading = HEADING.exec(line)?.[1] ?? heading;
    const open = FENCE.exec(line);
    if (!open) continue;
    const [, fence = '', lang = ''] = open;
    const start = index;
    const body: string[] = [];
    for (index++; index < lines.length && !closes(lines[index] ?? '', fence); index++) {
      body.push(lines[index] ?? '');
    }
    const notRun = markerAbove(lines, start);
    blocks.push({
      line: start + 1,
      heading,
      lang,
      text: body.join('\n'),
      ...(notRun === undefined ? {} : { notRun }),
    });
  }
  return blocks;
}

/** A closing fence: the opening's character, at least as many, and nothing else on the line. */
function closes(line: string, fence: string): boolean {
  const trimmed = line.trim();
  return trimmed.startsWith(fence) && /^(`+|~+)$/.test(trimmed);
}

function markerAbove(lines: readonly string[], fenceIndex: number): string | undefined {
  for (let index = fenceIndex - 1; index >= 0; index--) {
    const line = (lines[index] ?? '').trim();
    if (line === '') continue;
    return NOT_RUN.exec(line)?.[1];
  }
  return undefined;
}
