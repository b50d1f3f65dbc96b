/**
 * What the `$connect` REQUEST authorizer hands API Gateway, and what API Gateway then puts into
 * `requestContext.authorizer` of every event of that connection. API Gateway only carries strings,
 * numbers and booleans in the context, so the shape stays flat.
 */
import { langSchema } from './lang.ts';
import * as z from './zod.ts';

export const roleSchema = z.enum(['guest', 'citizen', 'operator', 'senior']);
export type Role = z.infer<typeof roleSchema>;

// API Gateway may hand a context boolean to later routes as the string "true"/"false".
const contextBoolean = z.union([
  z.boolean(),
  z.pipe(
    z.enum(['true', 'false']),
    z.transform((v) => v === 'true'),
  ),
]);

/** The context the authorizer returns (the `context` of its policy document). */
const authorizerContextSchema = z.object({
  sessionId: z.string().check(z.minLength(1)),
  role: roleSchema,
  lang: langSchema,
  /** Set on a resumed session: whether the session went through identification. */
  verified: z.optional(contextBoolean),
  /**
   * Set on a resumed session: the id of the resume-token slot it came in with (an id, never the
   * token or its hash), so that the connection's `hello` can retire that token.
   */
  resumeTokenId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  /**
   * Set for a verified citizen: the stable pseudonymous citizen id (a keyed hash of the normalised
   * phone or e-mail, never the destination itself). Conversations and tickets are theirs by this id.
   */
  citizenId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  /**
   * Set for an operator or senior: the name shown to citizens and colleagues (Cognito `name`,
   * `given_name` or `cognito:username`). For them `principalId` = `sessionId` = the Cognito `sub`.
   */
  displayName: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  /**
   * Set for an operator or senior: `cognito:username`, what every frame of theirs is checked against
   * the user pool by (functions/domain/use-cases/confirm-staff.ts).
   */
  username: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
});
export type AuthorizerContext = z.infer<typeof authorizerContextSchema>;

/**
 * `requestContext.authorizer` as API Gateway delivers it to a route: the context plus the principal.
 * Guests and citizens: `principalId` = `sessionId`. Operators and seniors: `principalId` = `sessionId` =
 * the Cognito `sub`. A guest who verified on an open connection still arrives as `guest` (API Gateway
 * fixes the context at `$connect`): `frameRoute` resolves the effective caller from the session for the
 * actions that need a verified citizen, and handlers read that resolved caller from `route.input()`.
 */
export const callerSchema = z.extend(authorizerContextSchema, {
  principalId: z.string().check(z.minLength(1)),
});
export type Caller = z.infer<typeof callerSchema>;
