/**
 * The repository stands alone: no file points at a spec, a brief or a path outside it, and every
 * link to a document of the repository (a file, and the section its anchor names) resolves. The
 * product's requirements are docs/requirements.md; the one contract is docs/protocol.md.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoPath, repoRoot } from '../../infra/paths.ts';

/** Every tracked text file (data and generated files aside). */
const files = execFileSync('git', ['ls-files'], { cwd: repoRoot, encoding: 'utf8' })
  .split('\n')
  .filter((path) => /\.(ts|mjs|js|json|md|yml|yaml|sh|html|css)$|^\.ci\//.test(path))
  .filter((path) => !/package-lock\.json$|phone-metadata\.json$/.test(path))
  .filter((path) => existsSync(repoPath(path)));

/** What points outside the repository. */
const OUTSIDE = [
  { what: 'the brief of the product owner', pattern: /\bSPEC\b|PROTOCOL\.md|INTENTS\.md|bot-samples\.jsonl/ },
  // The brief lay in ../shared/ beside the repository (web/shared/ is the pages' own code, and fine).
  { what: 'a path outside the repository', pattern: /\.\.\/shared\/(?:[A-Z]|bot-samples|tools\/)|\/work\// },
  { what: 'an issue of the tracker', pattern: /\bissues? #?\d+\b/i },
  // Capability numbers of the brief (C1…C15) and item labels of issues (E3); the JVM's C1/C2 compilers are no reference.
  {
    what: 'a capability or item number of the brief',
    pattern: /\bC(?:1[0-5]|[1-9])\b(?! (?:compiler|JIT|and C2))|\bE[1-9]\b/,
  },
];

/** The table of docs/requirements.md that maps the old labels to its sections is the one place they may appear. */
function withoutLabelTable(path: string, text: string): string {
  if (path !== 'docs/requirements.md') return text;
  return text.replace(/^## Old capability labels[\s\S]*?(?=^## |(?![\s\S]))/m, '');
}

/** GitHub's anchor of a Markdown heading. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

const anchors = new Map<string, Set<string>>();
function anchorsOf(path: string): Set<string> {
  let found = anchors.get(path);
  if (!found) {
    const text = readFileSync(repoPath(path), 'utf8').replace(/^```[\s\S]*?^```/gm, '');
    found = new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1] as string)));
    anchors.set(path, found);
  }
  return found;
}

/** Links of a file to documents of the repository: Markdown links in docs, `docs/….md#…` anywhere. */
function documentLinks(path: string, text: string): { target: string; anchor?: string }[] {
  const links: { target: string; anchor?: string }[] = [];
  if (path.endsWith('.md')) {
    for (const [, href] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:|^mailto:/i.test(href as string)) continue;
      const [file, anchor] = (href as string).split('#');
      const target = file ? normalize(join(dirname(path), file)) : path;
      links.push({ target, anchor });
    }
  }
  for (const [, file, anchor] of text.matchAll(/\b(docs\/[a-z0-9-]+\.md)(?:#([a-z0-9-]+))?/g)) {
    links.push({ target: file as string, anchor });
  }
  return links;
}

describe('the repository stands alone', () => {
  it.each(OUTSIDE.map((o) => [o.what, o.pattern] as const))('no file points at %s', (_, pattern) => {
    const hits = files.flatMap((path) =>
      withoutLabelTable(path, readFileSync(repoPath(path), 'utf8'))
        .split('\n')
        .flatMap((line, i) =>
          pattern.test(line) && path !== 'test/docs/references.test.ts'
            ? [`${path}:${i + 1}: ${line.trim()}`]
            : [],
        ),
    );
    expect(hits).toEqual([]);
  });

  it('every link to a document of the repository finds the file and the section it names', () => {
    const broken = files.flatMap((path) =>
      documentLinks(path, readFileSync(repoPath(path), 'utf8')).flatMap(({ target, anchor }) => {
        if (!existsSync(repoPath(target))) return [`${path} → ${target} (no such file)`];
        if (anchor && target.endsWith('.md') && !anchorsOf(target).has(anchor)) {
          return [`${path} → ${target}#${anchor} (no such section)`];
        }
        return [];
      }),
    );
    expect(broken).toEqual([]);
  });

  it('is live: it sees a capability number and a broken section link', () => {
    const pattern = OUTSIDE[3]?.pattern as RegExp;
    expect(pattern.test('the SLA of C7')).toBe(true);
    expect(pattern.test('the JVM C1 compiler')).toBe(false);
    expect(anchorsOf('docs/requirements.md').has('sla')).toBe(true);
    expect(anchorsOf('docs/requirements.md').has('no-such-section')).toBe(false);
  });
});
