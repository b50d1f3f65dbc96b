/**
 * The stored shape of a citizen's attachment (AttachmentsTable), parsed once at the storage
 * boundary like the items of `item-schemas.ts`.
 */
import type { Attachment } from '#domain/attachments.ts';
import { ATTACHMENT_CONTENT_TYPES, ATTACHMENT_REJECTIONS } from '#events/attachments.ts';
import * as z from '#events/zod.ts';

const expiresAt = z.int();

export const attachmentItem: z.ZodMiniType<Attachment> = z.object({
  attachmentId: z.string(),
  conversationId: z.string(),
  uploaderId: z.string(),
  key: z.string(),
  fileName: z.string(),
  contentType: z.enum(ATTACHMENT_CONTENT_TYPES),
  size: z.int(),
  status: z.enum(['pending', 'ready', 'rejected']),
  createdAt: z.string(),
  decidedAt: z.optional(z.string()),
  rejection: z.optional(z.enum(ATTACHMENT_REJECTIONS)),
  etag: z.optional(z.string()),
  versionId: z.optional(z.string()),
  expiresAt,
});
