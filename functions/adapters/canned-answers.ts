/**
 * Loads the canned answers from a directory of JSON files (the knowledge-base layer's `canned/`:
 * `/opt/canned` in AWS, `layers/knowledge-base/canned` locally; env CANNED_ANSWERS_DIR). Synchronous:
 * it runs once at module init. A broken file throws with its name and the zod issues, so a bad content
 * change fails the tests instead of reaching operators.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CannedAnswerEntry, cannedFileSchema } from '#domain/canned-answers.ts';

export function loadCannedAnswers(dir: string): CannedAnswerEntry[] {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort();
  if (files.length === 0) throw new Error(`canned answers: no JSON file in ${dir}`);
  return files.flatMap((name) => {
    const path = join(dir, name);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new Error(`canned answers: cannot read ${path}: ${(error as Error).message}`);
    }
    const parsed = cannedFileSchema.safeParse(raw);
    if (!parsed.success) {
      const details = parsed.error.issues
        .map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)
        .join('\n');
      throw new Error(`canned answers in ${path} are invalid:\n${details}`);
    }
    return parsed.data;
  });
}
