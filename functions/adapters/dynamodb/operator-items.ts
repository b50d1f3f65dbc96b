/**
 * The stored shape of an operator (OperatorsTable), parsed once at the storage boundary like the
 * items of `item-schemas.ts`.
 */
import { type Operator, operatorQueueSchema, operatorStatusSchema } from '#domain/operator-roster.ts';
import * as z from '#events/zod.ts';

/** An operator (OperatorsTable): `conversations` is a string set, absent when empty. */
export const operatorItem: z.ZodMiniType<Operator, unknown> = z.object({
  operatorId: z.string(),
  displayName: z.string(),
  role: z.enum(['operator', 'senior']),
  status: operatorStatusSchema,
  skills: z.array(operatorQueueSchema),
  maxChats: z.int().check(z.positive()),
  activeChats: z.int().check(z.gte(0)),
  conversations: z.pipe(
    z.optional(z.union([z.set(z.string()), z.array(z.string())])),
    z.transform((ids) => [...(ids ?? [])].sort()),
  ),
  updatedAt: z.string(),
  disconnectedAt: z.optional(z.string()),
  leaseUntil: z.optional(z.string()),
  leaseWatch: z.optional(z.string()),
});
