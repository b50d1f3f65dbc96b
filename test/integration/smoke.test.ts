/**
 * `npm run smoke` against the local stack, run as a platform engineer runs it after a deploy: the
 * real npm script in a child process, judged by its exit code and its one line per step.
 */
import { describe, expect, inject, it } from 'vitest';
import { runCommand } from '../support/commands.ts';

const wsUrl = inject('localWsUrl');
const httpUrl = inject('localHttpUrl');

const smoke = (...args: string[]) =>
  runCommand('npm', ['run', '--silent', 'smoke', '--', ...args], { timeoutMs: 60_000 });

describe('npm run smoke', () => {
  it('passes every step against the local stack and exits 0', { timeout: 60_000 }, async () => {
    // Act
    const { code, stdout, stderr } = await smoke(wsUrl, httpUrl);

    // Assess
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    const steps = stdout.split('\n').filter((line) => /^(ok|FAIL) /.test(line));
    expect(steps.map((line) => line.slice(0, 4))).toEqual(Array(7).fill('ok  '));
    expect(stdout).toContain('intent auth.password_reset');
    expect(stdout).toContain('error BAD_REQUEST');
    expect(stdout).toContain('error UNKNOWN_ACTION');
    expect(stdout).toContain('400 BAD_REQUEST');
    expect(stdout).toMatch(/smoke passed in \d+\.\d s/);
  });

  it('accepts the feedback form URL itself, as the stack output FeedbackApiUrl gives it', {
    timeout: 60_000,
  }, async () => {
    // Act
    const { code, stdout } = await smoke(wsUrl, `${httpUrl}/feedback`);

    // Assess
    expect(code, stdout).toBe(0);
    expect(stdout).toContain('POST /feedback {} → 400 BAD_REQUEST');
  });

  it('exits 1 and names the step when an answer is not the documented one', { timeout: 60_000 }, async () => {
    // Act: an HTTP URL where no feedback API listens
    const { code, stdout } = await smoke(wsUrl, `${httpUrl}/elsewhere`);

    // Assess
    expect(code).toBe(1);
    expect(stdout).toMatch(/^FAIL feedback API refuses .* got 404$/m);
    expect(stdout).toContain('smoke FAILED');
  });

  it('exits 2 with the usage when an argument is missing', async () => {
    // Act
    const { code, stderr } = await smoke(wsUrl);

    // Assess
    expect(code).toBe(2);
    expect(stderr).toContain('usage: npm run smoke -- <ws(s) url> <http(s) url>');
  });
});
