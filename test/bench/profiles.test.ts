import { describe, expect, it } from 'vitest';
import { type CpuProfile, codeRoom, jfrSamples, summarizeCpuProfile, summarizeJfr } from './profiles.ts';

const ROOT = '/repo';

describe('codeRoom', () => {
  it('names a package of node_modules, a folder of the repository, Node and V8', () => {
    const frame = (url: string, functionName = 'f') => codeRoom({ url, functionName }, ROOT);
    expect(frame('file:///repo/node_modules/@smithy/core/dist-cjs/index.js')).toBe('@smithy/core');
    expect(frame('/repo/node_modules/ws/lib/sender.js')).toBe('ws');
    expect(frame('file:///repo/functions/domain/messages.ts')).toBe('functions/domain');
    expect(frame('file:///repo/local/gateway/gateway.ts')).toBe('local/gateway');
    expect(frame('node:internal/streams/writable')).toBe('node:internal');
    expect(frame('node:zlib')).toBe('node:zlib');
    expect(frame('wasm://wasm/0234e0ae')).toBe('wasm');
    expect(frame('', '(garbage collector)')).toBe('(garbage collector)');
    expect(frame('', 'writev')).toBe('(native writev)');
    expect(frame('file:///elsewhere/x.js')).toBe('other');
  });
});

describe('summarizeCpuProfile', () => {
  // Samples 1 ms apart from t = 1000 µs: the span [2000, 4000] holds the second to the fourth.
  const profile: CpuProfile = {
    startTime: 0,
    nodes: [
      { id: 1, callFrame: { functionName: '(idle)', url: '' } },
      { id: 2, callFrame: { functionName: 'send', url: 'file:///repo/node_modules/@smithy/core/a.js' } },
      { id: 3, callFrame: { functionName: 'plan', url: 'file:///repo/functions/domain/bot.ts' } },
    ],
    samples: [3, 2, 2, 1, 2],
    timeDeltas: [1000, 1000, 1000, 1000, 1000],
  };
  const span = { monotonicFromUs: 2000, monotonicToUs: 4000, wallFromMs: 0, wallToMs: 0 };

  it('counts only the samples of the span, idle left out of the shares', () => {
    expect(summarizeCpuProfile(profile, span, ROOT)).toEqual([
      { name: '@smithy/core', share: 1, milliseconds: 2 },
    ]);
  });

  it('shares the busy time between the rooms', () => {
    const rows = summarizeCpuProfile(profile, { ...span, monotonicFromUs: 0, monotonicToUs: 10_000 }, ROOT);
    expect(rows.map((row) => [row.name, row.share])).toEqual([
      ['@smithy/core', 0.75],
      ['functions/domain', 0.25],
    ]);
  });
});

describe('summarizeJfr', () => {
  const sample = (startTime: string, frames: string[]) => ({
    type: 'jdk.ExecutionSample',
    values: {
      startTime,
      stackTrace: {
        frames: frames.map((frame) => {
          const dot = frame.lastIndexOf('.');
          return {
            method: { type: { name: frame.slice(0, dot).replaceAll('.', '/') }, name: frame.slice(dot + 1) },
          };
        }),
      },
    },
  });
  const document = {
    recording: {
      events: [
        sample('2026-12-04T10:00:00.000Z', [
          'java.util.HashMap.hash',
          'com.amazon.dynamodb.grammar.DynamoDbGrammarParser.expression',
          'software.amazon.dynamodb.Sql.getTableInfo',
          'software.amazon.dynamodb.Sql.getTableInfo',
          'software.amazon.dynamodb.Txn.apply',
        ]),
        sample('2026-12-04T10:00:01.000Z', ['software.amazon.dynamodb.Txn.apply', 'java.lang.Thread.run']),
        sample('2026-12-04T10:00:09.000Z', ['software.amazon.dynamodb.Query.run']),
        { type: 'jdk.ExecutionSample', values: { startTime: '2026-12-04T10:00:01.000Z', stackTrace: null } },
      ],
    },
  };
  const span = {
    monotonicFromUs: 0,
    monotonicToUs: 0,
    wallFromMs: Date.parse('2026-12-04T10:00:00.000Z'),
    wallToMs: Date.parse('2026-12-04T10:00:05.000Z'),
  };

  it('reads the samples of `jfr print --json`, a stack without frames left out', () => {
    const samples = jfrSamples(document);
    expect(samples).toHaveLength(3);
    expect(samples[1]).toEqual({
      startTime: '2026-12-04T10:00:01.000Z',
      frames: ['software.amazon.dynamodb.Txn.apply', 'java.lang.Thread.run'],
    });
  });

  it("counts DynamoDB Local's methods once per sample, within the span", () => {
    const summary = summarizeJfr(jfrSamples(document), span);
    expect(summary.total).toBe(2);
    expect(summary.inclusive).toEqual([
      { name: 'software.amazon.dynamodb.Txn.apply', share: 1, milliseconds: 20 },
      // Its expression grammar is its own code too; the JDK's is not.
      { name: 'com.amazon.dynamodb.grammar.DynamoDbGrammarParser.expression', share: 0.5, milliseconds: 10 },
      { name: 'software.amazon.dynamodb.Sql.getTableInfo', share: 0.5, milliseconds: 10 },
    ]);
    expect(summary.self.map((row) => row.name)).toEqual([
      'java.util.HashMap.hash',
      'software.amazon.dynamodb.Txn.apply',
    ]);
  });
});
