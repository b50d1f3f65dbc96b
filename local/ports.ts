/** Port checks that turn "address already in use" into a sentence a person can act on. */
import { createServer } from 'node:net';

export class PortTakenError extends Error {
  constructor(
    readonly port: number,
    readonly what: string,
    readonly variable: string,
  ) {
    super(`port ${port} (${what}) is already in use: stop what holds it or set ${variable} to another port`);
  }
}

/** Resolves to `port` if it can be bound on `host`, or to a free port when `port` is 0. */
export function claimPort(port: number, host: string, what: string, variable: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', () => reject(new PortTakenError(port, what, variable)));
    server.listen(port, host, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      server.close(() => resolve(bound));
    });
  });
}
