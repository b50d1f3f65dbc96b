import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildWebFiles, contentSecurityPolicy } from './build.ts';

const WIDGET_BUDGET_GZIP_BYTES = 60 * 1024;

describe('the web build', () => {
  const files = buildWebFiles();

  it('keeps the widget (its JS with its CSS inside) within 60 KB gzipped', () => {
    const widget = files.get('widget.js');
    const gzipped = widget ? gzipSync(widget.body).byteLength : Number.POSITIVE_INFINITY;
    expect(gzipped).toBeLessThanOrEqual(WIDGET_BUDGET_GZIP_BYTES);
  });

  it('builds every page and asset the site serves', () => {
    expect([...files.keys()].filter((path) => !path.startsWith('mfc/checklist/')).sort()).toEqual([
      'console/console.css',
      'console/console.js',
      'console/index.html',
      'favicon.svg',
      'feedback.html',
      'feedback.js',
      'index.html',
      'portal.css',
      'widget.js',
    ]);
  });

  it('builds the printable MFC checklist of every service in Russian and English, under the strict CSP', () => {
    const checklists = [...files.keys()].filter((path) => path.startsWith('mfc/checklist/'));
    expect(checklists.length).toBeGreaterThanOrEqual(30);
    const page = Buffer.from(files.get('mfc/checklist/passport.replace.ru.html')?.body ?? []).toString(
      'utf8',
    );
    expect(page).toContain('<html lang="ru">');
    expect(page).toContain('Две фотографии 35×45 мм — оригинал');
    expect(page).toContain('Госпошлина: 300 ₽');
    expect(page).toContain('Владивосток');
    expect(page).not.toMatch(/<script|<style|\bon[a-z]+=/);
    const english = Buffer.from(files.get('mfc/checklist/passport.replace.en.html')?.body ?? []).toString(
      'utf8',
    );
    expect(english).toContain('Two photos, 35×45 mm — original');
  });

  it('ships no HTML parsing of data and no eval, so the pages run under the strict CSP', () => {
    for (const path of ['widget.js', 'feedback.js', 'console/console.js']) {
      const code = Buffer.from(files.get(path)?.body ?? []).toString('utf8');
      expect(code, path).not.toMatch(
        /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function\(/,
      );
    }
    for (const path of ['index.html', 'feedback.html', 'console/index.html']) {
      const html = Buffer.from(files.get(path)?.body ?? []).toString('utf8');
      expect(html, path).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>|<style|\bon[a-z]+=/);
      // Each names the site's icon, which is served: no request for a missing /favicon.ico.
      expect(html, path).toContain('<link rel="icon" href="/favicon.svg"');
    }
    expect(files.get('favicon.svg')?.contentType).toBe('image/svg+xml');
  });

  it('allows scripts and styles from the site only and connections only to the given origins', () => {
    const csp = contentSecurityPolicy([
      'wss://chat.example',
      'https://cognito-idp.eu-central-1.amazonaws.com',
    ]);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain(
      "connect-src 'self' wss://chat.example https://cognito-idp.eu-central-1.amazonaws.com",
    );
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });

  it('admits the attachments: uploads by XMLHttpRequest to their origin, thumbnails from theirs, no form posts', () => {
    const csp = contentSecurityPolicy(['wss://chat.example'], {
      uploads: ['https://files.s3.eu-central-1.amazonaws.com'],
      downloads: ['https://files.s3.eu-central-1.amazonaws.com'],
    });
    expect(csp).toContain("img-src 'self' data: https://files.s3.eu-central-1.amazonaws.com;");
    expect(csp).toContain(
      "connect-src 'self' wss://chat.example https://files.s3.eu-central-1.amazonaws.com;",
    );
    expect(csp).toContain("form-action 'self';");
    expect(contentSecurityPolicy(['wss://chat.example'])).toContain("img-src 'self' data:;");
  });
});
