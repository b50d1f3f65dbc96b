/**
 * `npm run audit:export -- --ticket GU-… | --conversation <id> | --from <ISO> --to <ISO> [--journal]
 * [--requested-by <name>] [--reason <text>] [--out <dir>]`: an export for a regulator from the
 * running local stack (the AuditExport function, as the platform team invokes it in AWS:
 * docs/runbooks.md "Export for a regulator"). Prints where the export is, its files' SHA-256 and
 * its counts; `--out` also copies the files into a folder (check them with `sha256sum -c SHA256SUMS`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod';
import { auditExportRequestSchema } from '#events/audit.ts';
import { defaultRequester, EXIT_USAGE, invokeLocally, runCommand } from './invoke.ts';

const USAGE = `usage: npm run audit:export -- (--ticket GU-YYYYMMDD-XXXXXX | --conversation <id> | --from <ISO time> --to <ISO time> [--journal])
                              [--requested-by <name>] [--reason <text>] [--out <dir>]
  --journal   export the access journal of the period instead of its conversations and tickets
  --out       also copy the export's files into <dir>
exit codes: 0 exported, 1 refused or failed, 2 wrong arguments`;

const answerSchema = z.object({
  status: z.literal('exported'),
  location: z.string(),
  files: z.array(z.object({ name: z.string() })),
});

async function main(): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        ticket: { type: 'string' },
        conversation: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        journal: { type: 'boolean' },
        'requested-by': { type: 'string' },
        reason: { type: 'string' },
        out: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  const chosen = ['ticket', 'conversation', 'from'].filter((k) => values[k] !== undefined);
  const requester = {
    requestedBy: String(values['requested-by'] ?? defaultRequester()),
    reason: String(values.reason ?? 'not given'),
  };
  const request = auditExportRequestSchema.safeParse(
    values.ticket !== undefined
      ? { ticket: values.ticket, ...requester }
      : values.conversation !== undefined
        ? { conversationId: values.conversation, ...requester }
        : { from: values.from, to: values.to, journal: values.journal === true, ...requester },
  );
  if (chosen.length !== 1 || !request.success) {
    const problems = request.success
      ? []
      : request.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    process.stderr.write(
      `${['give exactly one of --ticket, --conversation, --from/--to', ...problems].join('\n')}\n${USAGE}\n`,
    );
    return EXIT_USAGE;
  }
  const code = await invokeLocally('functions/handlers/audit-export.ts', request.data, (answer) =>
    typeof values.out === 'string' ? copyFiles(answer, values.out) : Promise.resolve(),
  );
  return code;
}

/** Copies the export's files from the audit bucket (the emulator) into `dir`. */
async function copyFiles(answer: unknown, dir: string): Promise<void> {
  const parsed = answerSchema.safeParse(answer);
  if (!parsed.success) return;
  const [, bucket = '', prefix = ''] = /^s3:\/\/([^/]+)\/(.*)$/.exec(parsed.data.location) ?? [];
  const s3 = new S3Client({ forcePathStyle: true });
  mkdirSync(dir, { recursive: true });
  for (const { name } of parsed.data.files) {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}${name}` }));
    writeFileSync(join(dir, name), await (object.Body?.transformToByteArray() ?? new Uint8Array()));
  }
}

runCommand(main);
