import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../test/support/chat-errors.ts';
import { judgeUpload, requireAttachableFile } from './attachments.ts';

const declared = { contentType: 'image/png' as const, size: 1000 };

describe('the verdict on an upload', () => {
  it('makes a clean PNG declared as a PNG ready', () => {
    expect(judgeUpload(declared, { size: 1000, detectedType: 'image/png', scan: 'clean' })).toEqual({
      status: 'ready',
    });
  });

  it.each([
    ['infected, whatever its type', { size: 10, detectedType: 'image/png', scan: 'infected' }, 'malware'],
    [
      'one the scan could not read',
      { size: 10, detectedType: 'image/png', scan: 'unscannable' },
      'unscannable',
    ],
    ['larger than declared', { size: 1001, detectedType: 'image/png', scan: 'clean' }, 'too_large'],
    [
      'a PDF declared as a PNG',
      { size: 10, detectedType: 'application/pdf', scan: 'clean' },
      'type_mismatch',
    ],
    ['bytes of no known type', { size: 10, detectedType: undefined, scan: 'clean' }, 'type_mismatch'],
  ] as const)('rejects %s', (_, findings, reason) => {
    expect(judgeUpload(declared, findings)).toEqual({ status: 'rejected', reason });
  });
});

describe('what attachment.create accepts', () => {
  it('refuses a type other than PDF, JPEG or PNG (BAD_REQUEST) and over 10 MB (PAYLOAD_TOO_LARGE)', () => {
    expect(thrownBy(() => requireAttachableFile('image/gif', 10)).code).toBe('BAD_REQUEST');
    expect(thrownBy(() => requireAttachableFile('image/png', 10 * 1024 * 1024 + 1)).code).toBe(
      'PAYLOAD_TOO_LARGE',
    );
    expect(requireAttachableFile('application/pdf', 10 * 1024 * 1024)).toBe('application/pdf');
  });
});
