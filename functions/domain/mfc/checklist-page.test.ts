import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMfcDirectory } from '#adapters/mfc-directory.ts';
import { checklistPath, renderChecklistPage } from './checklist-page.ts';
import { parseMfcDirectory } from './directory.ts';

const directory = loadMfcDirectory(
  join(import.meta.dirname, '..', '..', '..', 'layers', 'knowledge-base', 'mfc'),
);

describe('the printable checklist page', () => {
  it('lives at one path per service and language', () => {
    expect(checklistPath('passport.foreign', 'en')).toBe('mfc/checklist/passport.foreign.en.html');
  });

  it('escapes what editors wrote, so a directory edit cannot put markup on the page', () => {
    const [service] = directory.services;
    if (!service) throw new Error('no service');
    const edited = parseMfcDirectory(
      { regions: [...directory.regions.values()], offices: directory.offices },
      {
        services: directory.services.map((s) =>
          s.id === service.id ? { ...s, title: { ru: '<script>alert(1)</script>', en: 'A & B' } } : s,
        ),
      },
    );
    const page = renderChecklistPage(edited, edited.services[0] ?? service, 'ru');
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
