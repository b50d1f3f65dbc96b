/**
 * The web pages on the local stack's HTTP side: the demo portal page with the widget at `GET /`,
 * the operator console at `GET /console/`, and their scripts and styles — built by esbuild when
 * the stack starts (web/build.ts), served from memory with the same strict Content-Security-Policy
 * the hosting stack sets in AWS (no inline script, no eval; connections to the gateway, the local
 * Cognito and the upload endpoint only; images from the site and the emulator's presigned GETs).
 */
import type { ServerResponse } from 'node:http';
import { type AttachmentOrigins, buildWebFiles, contentSecurityPolicy, type WebFile } from '../web/build.ts';
import type { LocalHttp } from './http.ts';

/** URL path → the built file's path. */
function routesOf(files: Map<string, WebFile>): Map<string, WebFile> {
  const routes = new Map<string, WebFile>();
  for (const [path, file] of files) {
    routes.set(`/${path}`, file);
    if (path.endsWith('index.html')) routes.set(`/${path.slice(0, -'index.html'.length)}`, file);
  }
  return routes;
}

export function serveWebPages(
  http: LocalHttp,
  options: { connectSources: string[]; attachments: AttachmentOrigins },
): void {
  const origin = (url: string) => new URL(url).origin;
  const csp = contentSecurityPolicy(options.connectSources.map(origin), {
    uploads: options.attachments.uploads.map(origin),
    downloads: options.attachments.downloads.map(origin),
  });
  for (const [path, file] of routesOf(buildWebFiles())) {
    http.addRoute(`GET ${path}`, (_, response) => send(response, file, csp));
  }
}

function send(response: ServerResponse, file: WebFile, csp: string): void {
  response.writeHead(200, {
    'content-type': file.contentType,
    'content-length': file.body.byteLength,
    'cache-control': 'no-cache',
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'x-frame-options': 'DENY',
  });
  response.end(file.body);
}
