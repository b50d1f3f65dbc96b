/** The real type of a file from its first bytes, by `file-type` (magic numbers, not the name). */
import { fileTypeFromBuffer } from 'file-type';
import type { FileTypeReader } from '#domain/ports/attachments.ts';

export const magicNumberFileTypes: FileTypeReader = {
  async mimeOf(firstBytes: Uint8Array): Promise<string | undefined> {
    return (await fileTypeFromBuffer(firstBytes))?.mime;
  },
};
