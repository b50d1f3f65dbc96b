/**
 * The files of an audit export and their SHA-256 manifest: `export.json`, `transcript.html`, and
 * `SHA256SUMS` (the format `sha256sum -c` checks) naming both with their hashes. The manifest's own
 * hash goes into the access journal's entry for the export, so a file changed afterwards, or a
 * manifest rewritten to match, is found out.
 */
import { createHash } from 'node:crypto';
import type { AuditDocument } from './document.ts';
import { renderTranscript } from './transcript-html.ts';

export const MANIFEST_FILE = 'SHA256SUMS';

export interface ExportFile {
  name: string;
  contentType: string;
  body: Uint8Array;
  sha256: string;
}

export function sha256Hex(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

function file(name: string, contentType: string, text: string): ExportFile {
  const body = new TextEncoder().encode(text);
  return { name, contentType, body, sha256: sha256Hex(body) };
}

/** The export's files, the manifest last (it lists the others). */
export function exportFiles(document: AuditDocument): ExportFile[] {
  const content = [
    file('export.json', 'application/json; charset=utf-8', `${JSON.stringify(document, null, 2)}\n`),
    file('transcript.html', 'text/html; charset=utf-8', renderTranscript(document, { lang: 'ru' })),
  ];
  const manifest = content.map((f) => `${f.sha256}  ${f.name}\n`).join('');
  return [...content, file(MANIFEST_FILE, 'text/plain; charset=utf-8', manifest)];
}

/** The manifest's lines as {name → hash}: what a checker compares the files with. */
export function parseManifest(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (match?.[1] && match[2]) entries.set(match[2], match[1]);
  }
  return entries;
}
