/**
 * The order of an export's two writes: the journal's entry, then the files. The archive keeps what
 * it is given under Object Lock (nobody can delete it), so a journal that fails must leave no file.
 * The journal and the archive are in-memory doubles here: the fault (a journal write that fails)
 * is injected, which no emulator produces on demand; test/integration/audit.test.ts runs the real ones.
 */
import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../access-journal.ts';
import type { AuditSource } from '../ports/audit.ts';
import { exportAudit } from './export-audit.ts';

const NOW = new Date('2026-12-02T10:00:00Z');

function deps(journalFails: boolean) {
  const stored: string[] = [];
  const recorded: JournalEntry[] = [];
  let id = 0;
  return {
    stored,
    recorded,
    deps: {
      source: {} as AuditSource,
      archive: {
        store: async (exportId: string) => {
          stored.push(exportId);
          return { location: `s3://audit/exports/${exportId}/` };
        },
      },
      journal: {
        record: async (entry: JournalEntry) => {
          if (journalFails) throw new Error('journal unavailable');
          recorded.push(entry);
        },
        between: async () => [],
      },
      clock: { now: () => NOW },
      ids: { newId: () => `id-${++id}` },
    },
  };
}

const request = {
  scope: { kind: 'journal', from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z' },
  requestedBy: 'platform-engineer',
  reason: 'request 42',
} as const;

describe('exportAudit', () => {
  it('writes no file when the journal entry cannot be recorded', async () => {
    // Prepare
    const { deps: failing, stored } = deps(true);

    // Act
    const outcome = exportAudit(failing, request);

    // Assess
    await expect(outcome).rejects.toThrow('journal unavailable');
    expect(stored).toEqual([]);
  });

  it('records the export, then writes its files under the same id', async () => {
    // Prepare
    const { deps: working, stored, recorded } = deps(false);

    // Act
    const result = await exportAudit(working, request);

    // Assess
    expect(stored).toEqual([result.exportId]);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ action: 'audit.export', subject: { exportId: result.exportId } });
    expect(result.location).toBe(`s3://audit/exports/${result.exportId}/`);
  });
});
