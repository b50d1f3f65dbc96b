import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMfcDirectory } from './mfc-directory.ts';

const SHIPPED = join(import.meta.dirname, '..', '..', 'layers', 'knowledge-base', 'mfc');

function withEdited(edit: (offices: { offices: Array<Record<string, unknown>> }) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'mfc-'));
  const offices = JSON.parse(readFileSync(join(SHIPPED, 'offices.json'), 'utf8'));
  edit(offices);
  writeFileSync(join(dir, 'offices.json'), JSON.stringify(offices));
  writeFileSync(join(dir, 'services.json'), readFileSync(join(SHIPPED, 'services.json')));
  return dir;
}

describe('the shipped MFC directory', () => {
  const directory = loadMfcDirectory(SHIPPED);

  it('has at least 20 offices in at least 3 regions and 3 time zones', () => {
    expect(directory.offices.length).toBeGreaterThanOrEqual(20);
    const regions = new Set(directory.offices.map((office) => office.region));
    const zones = new Set(directory.offices.map((office) => directory.regionOf(office).timeZone));
    expect(regions.size).toBeGreaterThanOrEqual(3);
    expect(zones.size).toBeGreaterThanOrEqual(3);
  });

  it('has at least 15 services, each with what to bring, and offices with breaks and holidays', () => {
    expect(directory.services.length).toBeGreaterThanOrEqual(15);
    expect(directory.services.every((service) => service.documents.length > 0)).toBe(true);
    expect(directory.offices.some((office) => office.hours.mon.length > 1)).toBe(true);
    expect([...directory.regions.values()].every((region) => region.holidays.length > 0)).toBe(true);
  });

  it('every service is offered somewhere', () => {
    const offered = new Set(directory.offices.flatMap((office) => Object.keys(office.services)));
    expect(directory.services.filter((service) => !offered.has(service.id))).toEqual([]);
  });
});

describe('a broken edit of the directory', () => {
  it('names the office and the unknown service', () => {
    const dir = withEdited((file) => {
      const first = file.offices[0] as { services: Record<string, number> };
      first.services['passport.teleport'] = 1;
    });
    expect(() => loadMfcDirectory(dir)).toThrow(/msk-tverskoy: unknown service "passport\.teleport"/);
  });

  it('names the field of a malformed opening time', () => {
    const dir = withEdited((file) => {
      (file.offices[1] as { hours: { mon: unknown } }).hours.mon = [{ open: '8:00', close: '20:00' }];
    });
    expect(() => loadMfcDirectory(dir)).toThrow(/offices\.json: offices\.1\.hours\.mon\.0\.open/);
  });

  it('takes a zone a formatter knows though the runtime does not list it (UTC)', () => {
    const dir = withEdited((file) => {
      const [first] = (file as unknown as { regions: Array<{ timeZone: string }> }).regions;
      if (first) first.timeZone = 'UTC';
    });
    expect(Intl.supportedValuesOf('timeZone')).not.toContain('UTC');
    expect(loadMfcDirectory(dir).regions.get('moscow')?.timeZone).toBe('UTC');
  });

  it('refuses an unknown time zone', () => {
    const dir = withEdited((file) => {
      const [first] = (file as unknown as { regions: Array<{ timeZone: string }> }).regions;
      if (first) first.timeZone = 'Asia/Atlantis';
    });
    expect(() => loadMfcDirectory(dir)).toThrow(/regions\.0\.timeZone/);
  });
});
