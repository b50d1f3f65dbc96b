/**
 * The knowledge base as data: the zod schema every entry of `layers/knowledge-base/kb/*.json` must
 * satisfy. Content editors change those files; this schema is what keeps a typo in them from
 * reaching citizens (the loader and the tests both run it, and a broken entry fails loudly).
 */
import { escalationCategorySchema } from '#events/escalation.ts';
import * as z from '#events/zod.ts';
import { type CompiledBot, isCompiledBot } from './compiled-bot.ts';

/** The categories (operator queues) an intent escalates to: the escalation event's own. */
export { escalationCategorySchema };

/** A text in both languages of the portal. */
const localizedText = z.strictObject({
  ru: z.string().check(z.trim(), z.minLength(1)),
  en: z.string().check(z.trim(), z.minLength(1)),
});

/** Example phrasings, many per language: the model is built from them. */
const localizedExamples = z.strictObject({
  ru: z.array(z.string().check(z.trim(), z.minLength(2))).check(z.minLength(3)),
  en: z.array(z.string().check(z.trim(), z.minLength(2))).check(z.minLength(3)),
});

const intentEntrySchema = z.strictObject({
  intent: z.string().check(z.regex(/^[a-z]+(\.[a-z_]+)?$/, 'intent id like "auth.password_reset"')),
  category: escalationCategorySchema,
  /** Short label shown on a suggestion chip. */
  title: localizedText,
  answer: localizedText,
  /** What a guest is told instead of `answer` when the intent needs identification. */
  guestAnswer: z.optional(localizedText),
  examples: localizedExamples,
  /** Intent ids offered as next steps after this answer (at most 3 are shown). */
  suggestions: z._default(z.array(z.string()), []),
  needsIdentification: z._default(z.boolean(), false),
  /** The bot answers briefly and hands the conversation to an operator. */
  operatorOnly: z._default(z.boolean(), false),
});

/** What the bot says around a handover and during intake; not tied to one intent. */
const dialogueSchema = z.strictObject({
  /** Appended to an answer when the bot hands over to an operator. */
  handover: localizedText,
  /** The citizen said the answer did not help. */
  repeatProblem: localizedText,
  /** The bot failed to understand twice in a row. */
  repeatedFallback: localizedText,
  /** Questions of the intake, asked before an operator takes over (docs/protocol.md, intake). */
  intake: z.strictObject({
    service: localizedText,
    problem: localizedText,
    occurredAt: localizedText,
    errorCode: localizedText,
    desiredResult: localizedText,
    attachments: localizedText,
    done: localizedText,
  }),
});

export const knowledgeBaseSchema = z
  .object({
    intents: z.array(intentEntrySchema).check(z.minLength(1)),
    dialogue: dialogueSchema,
    /** The model compiled ahead of time (kb/compiled/model.bin); rebuilt at start when absent or stale. */
    compiled: z.optional(z.custom<CompiledBot>(isCompiledBot, 'not a compiled bot model')),
  })
  .check(
    z.superRefine((kb, ctx) => {
      const ids = new Set<string>();
      for (const [index, entry] of kb.intents.entries()) {
        if (ids.has(entry.intent)) {
          ctx.addIssue({
            code: 'custom',
            path: ['intents', index, 'intent'],
            message: `duplicate intent ${entry.intent}`,
          });
        }
        ids.add(entry.intent);
        if (entry.needsIdentification && !entry.guestAnswer) {
          ctx.addIssue({
            code: 'custom',
            path: ['intents', index, 'guestAnswer'],
            message: `${entry.intent} needs identification, so it needs a guestAnswer`,
          });
        }
      }
      for (const required of ['fallback', 'support.operator']) {
        if (!ids.has(required))
          ctx.addIssue({ code: 'custom', path: ['intents'], message: `missing intent ${required}` });
      }
      for (const [index, entry] of kb.intents.entries()) {
        for (const target of entry.suggestions) {
          if (!ids.has(target)) {
            ctx.addIssue({
              code: 'custom',
              path: ['intents', index, 'suggestions'],
              message: `${entry.intent} suggests unknown intent ${target}`,
            });
          }
        }
      }
    }),
  );

export type KnowledgeBase = z.infer<typeof knowledgeBaseSchema>;
export type IntentEntry = z.infer<typeof intentEntrySchema>;
export type Dialogue = z.infer<typeof dialogueSchema>;
export type EscalationCategory = z.infer<typeof escalationCategorySchema>;
