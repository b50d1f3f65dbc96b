/**
 * The stored shape of an operator (OperatorsTable), parsed once at the storage boundary like the
 * items of `item-schemas.ts`.
 */
import * as z from 'zod';
import { type Operator, operatorQueueSchema, operatorStatusSchema } from '#domain/operator-roster.ts';

/** An operator (OperatorsTable): `conversations` is a string set, absent when empty. */
export const operatorItem: z.ZodType<Operator, unknown> = z.object({
  operatorId: z.string(),
  displayName: z.string(),
  role: z.enum(['operator', 'senior']),
  status: operatorStatusSchema,
  skills: z.array(operatorQueueSchema),
  maxChats: z.number().int().positive(),
  activeChats: z.number().int().min(0),
  conversations: z
    .union([z.set(z.string()), z.array(z.string())])
    .optional()
    .transform((ids) => [...(ids ?? [])].sort()),
  updatedAt: z.string(),
  disconnectedAt: z.string().optional(),
  leaseUntil: z.string().optional(),
  leaseWatch: z.string().optional(),
});
