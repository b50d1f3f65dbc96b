/**
 * What the platform team sends the AuditExport and PrivacyErase functions (an `aws lambda invoke`
 * payload, or the same built by `npm run audit:export` / `npm run privacy:erase` on the local stack),
 * and what they answer. Parsed once by the handler; the CLIs build it from their options.
 */
import * as z from './zod.ts';

const instant = z.pipe(
  z.iso.datetime({ offset: true }),
  z.transform((s) => new Date(s).toISOString()),
);
/** Who asks and why: recorded in the access journal with the export or erasure. */
const requester = {
  requestedBy: z.string().check(z.trim(), z.minLength(1), z.maxLength(128)),
  reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(500)),
};

export const auditExportRequestSchema = z
  .union([
    z.object({ ticket: z.string().check(z.trim(), z.minLength(1), z.maxLength(32)), ...requester }),
    z.object({ conversationId: z.string().check(z.trim(), z.minLength(1), z.maxLength(64)), ...requester }),
    z.object({ from: instant, to: instant, journal: z.optional(z.boolean()), ...requester }),
  ])
  .check(
    z.superRefine((request, ctx) => {
      if ('from' in request && !(request.from < request.to)) {
        ctx.addIssue({ code: 'custom', path: ['to'], message: '`to` must be after `from`' });
      }
    }),
  );
export type AuditExportRequest = z.infer<typeof auditExportRequestSchema>;

export const privacyEraseRequestSchema = z.union([
  z.object({ phone: z.string().check(z.trim(), z.minLength(1), z.maxLength(32)), ...requester }),
  z.object({ email: z.string().check(z.trim(), z.minLength(1), z.maxLength(254)), ...requester }),
]);
export type PrivacyEraseRequest = z.infer<typeof privacyEraseRequestSchema>;
