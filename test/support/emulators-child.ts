/**
 * Starts the emulators (local/emulators.ts) in a process of its own, prints the DynamoDB Local
 * process id once they answer, and waits: `local/emulators.int.test.ts` kills this process without
 * warning and checks that nothing it started is left running.
 */
import { startEmulators } from '../../local/emulators.ts';

const [dynamoDbPort = 0, awsPort = 0] = process.argv.slice(2).map(Number);
const emulators = await startEmulators({ dynamoDbPort, awsPort, host: '127.0.0.1', region: 'eu-central-1' });
process.stdout.write(`ready ${emulators.dynamoDbEndpoint}\n`);
setInterval(() => {}, 60_000);
