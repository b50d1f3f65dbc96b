/**
 * Frames of identification by one-time code (docs/protocol.md, `auth.requestCode`, `auth.verifyCode`).
 * The schemas only type the fields: what a valid phone or e-mail is, and how it is normalised, is
 * the domain's (`functions/domain/identification.ts`), which answers BAD_REQUEST naming the field.
 */
import { frameEnvelopeSchema } from './client-frames.ts';
import * as z from './zod.ts';

/** Where a one-time code is sent. */
export const codeChannelSchema = z.enum(['sms', 'email']);
export type CodeChannel = z.infer<typeof codeChannelSchema>;

/** Digits of a one-time code. */
export const CODE_LENGTH = 6;

/**
 * Exactly one of `phone` (E.164, or a Russian number without `+`) and `email`. `smsOptIn` (with a
 * phone only): the citizen agrees to get ticket updates by SMS on this phone while offline; the
 * phone is kept on the session for that once it is verified, and not otherwise.
 */
export const authRequestCodeFrameSchema = z
  .extend(frameEnvelopeSchema, {
    action: z.literal('auth.requestCode'),
    phone: z.optional(z.string().check(z.minLength(1), z.maxLength(32))),
    email: z.optional(z.string().check(z.minLength(1), z.maxLength(254))),
    smsOptIn: z.optional(z.boolean()),
  })
  .check(
    z.refine((frame) => (frame.phone === undefined) !== (frame.email === undefined), {
      message: 'give exactly one of phone and email',
      path: ['phone'],
    }),
    z.refine((frame) => frame.smsOptIn === undefined || frame.phone !== undefined, {
      message: 'only with a phone',
      path: ['smsOptIn'],
    }),
  );
export type AuthRequestCodeFrame = z.infer<typeof authRequestCodeFrameSchema>;

/** A code is exactly six ASCII digits, as a string (a number would lose leading zeros). */
export const authVerifyCodeFrameSchema = z.extend(frameEnvelopeSchema, {
  action: z.literal('auth.verifyCode'),
  code: z.string().check(z.length(CODE_LENGTH), z.regex(/^[0-9]+$/, 'digits only')),
});
export type AuthVerifyCodeFrame = z.infer<typeof authVerifyCodeFrameSchema>;

/** A code was sent: where (masked), how long it is valid, when another may be asked for. */
export const authCodeSentFrameSchema = z.object({
  type: z.literal('auth.codeSent'),
  requestId: z.optional(z.string()),
  channel: codeChannelSchema,
  /** The destination masked, e.g. `+7 *** ***-**-67` or `i***@example.ru`. */
  destination: z.string(),
  /** Seconds the code is valid. */
  expiresIn: z.int().check(z.nonnegative()),
  /** Seconds until another code may be requested for this destination. */
  resendIn: z.int().check(z.nonnegative()),
});
export type AuthCodeSentFrame = z.infer<typeof authCodeSentFrameSchema>;

/** The session is verified: its citizen id and a resume token that resumes it as that citizen. */
export interface AuthVerifiedFrame {
  type: 'auth.verified';
  requestId?: string;
  citizenId: string;
  /** A secret: never logged. Replaces every token the session had before. */
  resumeToken: string;
}
