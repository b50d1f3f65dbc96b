import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DynamoDBClient as ImportedClient } from '@aws-sdk/client-dynamodb';
import { GetCommand as ImportedGet } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDBClient } from './client-dynamodb.ts';
import { GetCommand } from './lib-dynamodb.ts';
import { loadSdk } from './load.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const HERE = relative(ROOT, import.meta.dirname);

/** Every production source file of the bundles: functions/ and events/, tests aside. */
function productionSources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return productionSources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The `@aws-sdk/*` packages a file imports values from (an `import type` brings none). */
function valueImportsOfSdk(source: string): string[] {
  return [...source.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+'(@aws-sdk\/[^']+)'/g)]
    .filter(([, wholeType, names = '']) => {
      if (wholeType) return false;
      return names
        .split(',')
        .map((name) => name.trim())
        .some((name) => name !== '' && !name.startsWith('type '));
    })
    .map(([, , , pkg]) => pkg as string);
}

describe('the AWS SDK in the functions', () => {
  it('is loaded through functions/shared/aws-sdk only: no value import from @aws-sdk/* elsewhere', () => {
    // Act
    const offenders = [...productionSources('functions'), ...productionSources('events')]
      .filter((file) => !file.startsWith(`${HERE}/`))
      .flatMap((file) =>
        valueImportsOfSdk(readFileSync(join(ROOT, file), 'utf8')).map((pkg) => `${file}: ${pkg}`),
      );
    // Assess
    expect(offenders, 'import it from #shared/aws-sdk/<package>.ts (load.ts says why)').toEqual([]);
  });

  it('finds a value import where there is one, and lets a type-only import be', () => {
    expect(valueImportsOfSdk("import { type A, B } from '@aws-sdk/client-sqs';")).toEqual([
      '@aws-sdk/client-sqs',
    ]);
    expect(valueImportsOfSdk("import type { A } from '@aws-sdk/client-sqs';")).toEqual([]);
    expect(valueImportsOfSdk("import { type A } from '@aws-sdk/client-sqs';")).toEqual([]);
  });

  it('hands out the very classes an import gives: instanceof and prototype spies see one SDK', () => {
    expect(DynamoDBClient).toBe(ImportedClient);
    expect(GetCommand).toBe(ImportedGet);
    expect(new GetCommand({ TableName: 't', Key: { k: 'v' } })).toBeInstanceOf(ImportedGet);
  });

  it('fails at load, naming them, when the package lacks a name the functions use (an older runtime SDK)', () => {
    expect(() =>
      loadSdk<Record<string, unknown>>('@aws-sdk/client-dynamodb', ['DynamoDBClient', 'NoSuchClient']),
    ).toThrow('@aws-sdk/client-dynamodb has no NoSuchClient');
    expect(
      loadSdk<Record<string, unknown>>('@aws-sdk/client-dynamodb', ['DynamoDBClient']).DynamoDBClient,
    ).toBe(ImportedClient);
  });
});
