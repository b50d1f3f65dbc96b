import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { javaMajorVersion } from './emulators.ts';
import { claimPort, PortTakenError } from './ports.ts';

describe('the start-up checks', () => {
  it('names the variable to change when a port is taken', async () => {
    // Prepare
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const address = holder.address();
    const port = typeof address === 'object' && address ? address.port : 0;

    // Act
    const claim = claimPort(port, '127.0.0.1', 'WebSocket', 'WS_PORT');

    // Assess
    await expect(claim).rejects.toBeInstanceOf(PortTakenError);
    await expect(claim).rejects.toThrow(`port ${port} (WebSocket) is already in use`);
    await expect(claim).rejects.toThrow('set WS_PORT to another port');
    holder.close();
  });

  it('hands out a free port for port 0', async () => {
    await expect(claimPort(0, '127.0.0.1', 'HTTP', 'HTTP_PORT')).resolves.toBeGreaterThan(0);
  });

  it.each([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['openjdk version "21" 2023-09-19', 21],
    ['java version "1.8.0_402"', 8],
    ['something else entirely', undefined],
  ])('reads the Java major version from %s', (text, major) => {
    expect(javaMajorVersion(text)).toBe(major);
  });
});
