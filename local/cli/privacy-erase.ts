/**
 * `npm run privacy:erase -- --phone <number> | --email <address> [--requested-by <name>]
 * [--reason <text>]`: erases a citizen's personal data on the running local stack (the PrivacyErase
 * function, as the platform team invokes it in AWS: docs/runbooks.md "Erase a citizen's data").
 * Prints the erasure's id and what it removed or anonymised, by kind; never the phone or e-mail.
 */
import { parseArgs } from 'node:util';
import { privacyEraseRequestSchema } from '#events/audit.ts';
import { defaultRequester, EXIT_USAGE, invokeLocally, runCommand } from './invoke.ts';

const USAGE = `usage: npm run privacy:erase -- (--phone <number> | --email <address>) [--requested-by <name>] [--reason <text>]
exit codes: 0 erased, 1 refused or failed, 2 wrong arguments`;

async function main(): Promise<number> {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        phone: { type: 'string' },
        email: { type: 'string' },
        'requested-by': { type: 'string' },
        reason: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  const requester = {
    requestedBy: values['requested-by'] ?? defaultRequester(),
    reason: values.reason ?? 'not given',
  };
  const request = privacyEraseRequestSchema.safeParse(
    values.phone !== undefined
      ? { phone: values.phone, ...requester }
      : { email: values.email, ...requester },
  );
  if ((values.phone === undefined) === (values.email === undefined) || !request.success) {
    process.stderr.write(`give exactly one of --phone, --email\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  return invokeLocally('functions/handlers/privacy-erase.ts', request.data);
}

runCommand(main);
