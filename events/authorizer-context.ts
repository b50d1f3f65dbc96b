/**
 * What the `$connect` REQUEST authorizer hands API Gateway, and what API Gateway then puts into
 * `requestContext.authorizer` of every event of that connection. API Gateway only carries strings,
 * numbers and booleans in the context, so the shape stays flat.
 */
import * as z from 'zod';
import { langSchema } from './lang.ts';

export const roleSchema = z.enum(['guest', 'citizen', 'operator', 'senior']);
export type Role = z.infer<typeof roleSchema>;

// API Gateway may hand a context boolean to later routes as the string "true"/"false".
const contextBoolean = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

/** The context the authorizer returns (the `context` of its policy document). */
export const authorizerContextSchema = z.object({
  sessionId: z.string().min(1),
  role: roleSchema,
  lang: langSchema,
  /** Set on a resumed session: whether the session went through identification. */
  verified: contextBoolean.optional(),
  /**
   * Set on a resumed session: the id of the resume-token slot it came in with (an id, never the
   * token or its hash), so that the connection's `hello` can retire that token.
   */
  resumeTokenId: z.string().min(1).max(64).optional(),
});
export type AuthorizerContext = z.infer<typeof authorizerContextSchema>;

/** `requestContext.authorizer` as API Gateway delivers it to a route: the context plus the principal. */
export const callerSchema = authorizerContextSchema.extend({
  principalId: z.string().min(1),
});
export type Caller = z.infer<typeof callerSchema>;
