/**
 * The stored shape of a citizen's attachment (AttachmentsTable), parsed once at the storage
 * boundary like the items of `item-schemas.ts`.
 */
import * as z from 'zod';
import type { Attachment } from '#domain/attachments.ts';
import { ATTACHMENT_CONTENT_TYPES, ATTACHMENT_REJECTIONS } from '#events/attachments.ts';

const expiresAt = z.number().int();

export const attachmentItem: z.ZodType<Attachment> = z.object({
  attachmentId: z.string(),
  conversationId: z.string(),
  uploaderId: z.string(),
  key: z.string(),
  fileName: z.string(),
  contentType: z.enum(ATTACHMENT_CONTENT_TYPES),
  size: z.number().int(),
  status: z.enum(['pending', 'ready', 'rejected']),
  createdAt: z.string(),
  decidedAt: z.string().optional(),
  rejection: z.enum(ATTACHMENT_REJECTIONS).optional(),
  etag: z.string().optional(),
  versionId: z.string().optional(),
  expiresAt,
});
