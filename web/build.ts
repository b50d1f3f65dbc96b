/**
 * Builds the web pages with esbuild: the widget (`widget.js`, its CSS inside), the console
 * (`console/console.js`, `console/console.css`) and the two HTML pages. The same files are served
 * by the local stack (from memory, built at start) and uploaded to the hosting bucket (written to a
 * folder at synth). Paths are the URL paths, without the leading slash.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildSync, transformSync } from 'esbuild';
import { loadMfcDirectory } from '../functions/adapters/mfc-directory.ts';
import { checklistPath, renderChecklistPage } from '../functions/domain/mfc/checklist-page.ts';

const WEB_DIR = import.meta.dirname;
/** The MFC directory the printable checklists are built from: the knowledge-base layer's. */
const MFC_DIR = join(WEB_DIR, '..', 'layers', 'knowledge-base', 'mfc');

export interface WebFile {
  body: Uint8Array;
  contentType: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export function contentTypeOf(path: string): string {
  return TYPES[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream';
}

/** Every file of the site, keyed by its path (`index.html`, `widget.js`, `console/index.html`, …). */
export function buildWebFiles(): Map<string, WebFile> {
  const files = new Map<string, WebFile>();
  const bundled = buildSync({
    entryPoints: {
      widget: join(WEB_DIR, 'widget/index.ts'),
      feedback: join(WEB_DIR, 'portal/feedback.ts'),
      'console/console': join(WEB_DIR, 'console/console.ts'),
    },
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2022'],
    loader: { '.css': 'text' },
    outdir: join(WEB_DIR, 'dist'),
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  for (const output of bundled.outputFiles) {
    const path = output.path.slice(join(WEB_DIR, 'dist').length + 1);
    files.set(path, { body: output.contents, contentType: contentTypeOf(path) });
  }
  const css = transformSync(readFileSync(join(WEB_DIR, 'console/console.css'), 'utf8'), {
    loader: 'css',
    minify: true,
  });
  files.set('console/console.css', { body: Buffer.from(css.code), contentType: contentTypeOf('.css') });
  // Served as they are: the site path and the source under web/.
  const asIs: [site: string, source: string][] = [
    ['portal.css', 'portal/portal.css'],
    ['index.html', 'portal/index.html'],
    ['feedback.html', 'portal/feedback.html'],
    ['console/index.html', 'console/index.html'],
    // Named by every page (`<link rel="icon">`), so no browser asks for a /favicon.ico that is not there.
    ['favicon.svg', 'shared/favicon.svg'],
  ];
  for (const [site, source] of asIs) {
    files.set(site, {
      body: readFileSync(join(WEB_DIR, source)),
      contentType: contentTypeOf(source),
    });
  }
  // The printable checklist of every MFC service, in both languages (the bot links them).
  const directory = loadMfcDirectory(MFC_DIR);
  for (const service of directory.services) {
    for (const lang of ['ru', 'en'] as const) {
      files.set(checklistPath(service.id, lang), {
        body: Buffer.from(renderChecklistPage(directory, service, lang)),
        contentType: contentTypeOf('.html'),
      });
    }
  }
  return files;
}

/** Writes the site into `outDir` (the hosting stack's asset). */
export function writeWebFiles(outDir: string): void {
  for (const [path, file] of buildWebFiles()) {
    mkdirSync(dirname(join(outDir, path)), { recursive: true });
    writeFileSync(join(outDir, path), file.body);
  }
}

/** Where citizens' attachments travel: the POST of an upload, the presigned GET of a thumbnail. */
export interface AttachmentOrigins {
  /** Origins the widget posts uploads to (`connect-src`: XMLHttpRequest). */
  uploads: string[];
  /** Origins of the presigned GETs shown as thumbnails (`img-src`). */
  downloads: string[];
}

/**
 * The Content-Security-Policy of the pages: nothing inline, no eval, connections only where the
 * chat, sign-in and uploads are, images only from the site and the attachments' origin. Uploads
 * go by XMLHttpRequest, not by a form, so `form-action` stays `'self'`.
 */
export function contentSecurityPolicy(
  connectSources: string[],
  attachments: AttachmentOrigins = { uploads: [], downloads: [] },
): string {
  const unique = (sources: string[]) => [...new Set(sources)].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: ${unique(attachments.downloads)}`.trim(),
    `connect-src 'self' ${unique([...connectSources, ...attachments.uploads])}`.trim(),
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "manifest-src 'self'",
  ].join('; ');
}
