/**
 * What an attachment may be (docs/protocol.md#attachments), without zod: the backend's schemas
 * (./attachments.ts) and the widget's checks before an upload (web/widget/attachment-tray.ts) read
 * the same three types, the same 10 MB and the same rejection reasons, and the widget's bundle
 * does not carry a schema library for three constants.
 */

/** The types a citizen may attach: documents scanned or photographed. */
export const ATTACHMENT_CONTENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type AttachmentContentType = (typeof ATTACHMENT_CONTENT_TYPES)[number];

/** 10 MB (docs/requirements.md#attachments): the largest file `attachment.create` presigns. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** Why the check refused an upload (`attachment.rejected` {reason}). */
export const ATTACHMENT_REJECTIONS = ['type_mismatch', 'too_large', 'malware', 'unscannable'] as const;
export type AttachmentRejection = (typeof ATTACHMENT_REJECTIONS)[number];
