/**
 * Loads the MFC directory (`offices.json`, `services.json`) from the knowledge-base layer: `/opt/mfc`
 * in AWS, `layers/knowledge-base/mfc` locally (env `MFC_DIRECTORY_DIR`). Synchronous, once at module
 * init; a broken file throws naming the file and the field, so a bad edit fails `npm test`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type MfcDirectory, parseMfcDirectory } from '#domain/mfc/directory.ts';

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`MFC directory: cannot read ${path}: ${(error as Error).message}`);
  }
}

export function loadMfcDirectory(dir: string): MfcDirectory {
  return parseMfcDirectory(readJson(join(dir, 'offices.json')), readJson(join(dir, 'services.json')));
}
