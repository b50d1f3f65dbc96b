/**
 * The shared Metrics instance speaks through the shared logger: an invocation that recorded no
 * metric leaves no warning line (most invocations of a route that can record one record none).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger, metrics } from './observability.ts';

describe('observability', () => {
  // The shared logger outlives this file (unit tests share a module graph: vitest.config.ts).
  const levelBefore = logger.getLevelName();
  afterEach(() => {
    vi.restoreAllMocks();
    logger.setLogLevel(levelBefore);
  });

  function written(): string[] {
    const lines: string[] = [];
    const capture = (chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => lines.push(args.join(' ')));
    return lines;
  }

  it('publishes an empty set of metrics without a warning line at the WARN level', () => {
    // Prepare
    logger.setLogLevel('WARN');
    const lines = written();

    // Act
    metrics.publishStoredMetrics();

    // Assess
    expect(lines.join('\n')).not.toContain('No application metrics');
  });

  it('still writes the metrics recorded, as EMF', () => {
    // Prepare
    logger.setLogLevel('WARN');
    const lines = written();
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => lines.push(args.join(' ')));

    // Act
    metrics.addMetric('Probe', 'Count', 1);
    metrics.publishStoredMetrics();

    // Assess
    const emf = lines.find((line) => line.includes('"Probe"'));
    expect(JSON.parse(emf ?? '{}')).toMatchObject({ Probe: 1 });
  });
});
