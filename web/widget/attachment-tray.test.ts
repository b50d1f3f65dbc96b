import { describe, expect, it } from 'vitest';
import { formatFileSize } from '../shared/attachment-links.ts';
import { problemBeforeUpload } from './attachment-tray.ts';

describe('the checks before an upload', () => {
  it('takes a PDF, a JPEG or a PNG of 1 byte to 10 MB', () => {
    for (const type of ['application/pdf', 'image/jpeg', 'image/png'])
      expect(problemBeforeUpload({ type, size: 10 * 1024 * 1024 })).toBeUndefined();
  });

  it('refuses another type, an empty file and one byte over 10 MB, each for its own reason', () => {
    expect(problemBeforeUpload({ type: 'image/gif', size: 10 })).toBe('wrong_type');
    expect(problemBeforeUpload({ type: '', size: 10 })).toBe('wrong_type');
    expect(problemBeforeUpload({ type: 'image/png', size: 0 })).toBe('empty');
    expect(problemBeforeUpload({ type: 'image/png', size: 10 * 1024 * 1024 + 1 })).toBe('too_large');
  });
});

describe('a file size in words', () => {
  it('says kilobytes below a megabyte and megabytes above, in the reader’s language', () => {
    expect(formatFileSize(200, 'ru')).toBe('1 кБ');
    expect(formatFileSize(340 * 1024, 'en')).toBe('340 kB');
    expect(formatFileSize(1.25 * 1024 * 1024, 'ru')).toBe('1,3 МБ');
    expect(formatFileSize(10 * 1024 * 1024, 'en')).toBe('10 MB');
  });
});
