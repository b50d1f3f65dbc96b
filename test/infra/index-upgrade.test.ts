/**
 * The staged upgrade of the tables' indexes (docs/deploy.md, "Upgrade"): DynamoDB creates or
 * deletes one global secondary index per table and update, and never changes an index's keys or
 * projection in place. From the last release's indexes (the committed snapshot), each step of
 * `-c dataIndexStep=N` must be one CloudFormation update that DynamoDB accepts, and the last step
 * must be what a deploy without the key synthesizes.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { INDEX_UPGRADE } from '../../infra/constructs/data.ts';
import LAST_RELEASE from '../../infra/constructs/data-indexes.last-release.json' with { type: 'json' };
import { DataStack } from '../../infra/stacks/data-stack.ts';
import { resourcesOf, synthesizeApp } from './synth.ts';

interface CfnTable {
  readonly AttributeDefinitions: readonly { AttributeName: string; AttributeType: string }[];
  readonly GlobalSecondaryIndexes: readonly {
    IndexName: string;
    KeySchema: readonly { AttributeName: string; KeyType: string }[];
    Projection: unknown;
  }[];
}
/** Each table's key attribute types and indexes, by construct id. */
type Tables = Record<string, CfnTable>;

/** The tables of a Data stack's template, as the snapshot holds them. */
function tablesOf(template: Template): Tables {
  return Object.fromEntries(
    Object.entries(resourcesOf(template, 'AWS::DynamoDB::Table')).map(([id, table]) => [
      id.replace(/^Data/, '').replace(/[0-9A-F]{8}$/, ''),
      {
        AttributeDefinitions: table.Properties.AttributeDefinitions,
        GlobalSecondaryIndexes: table.Properties.GlobalSecondaryIndexes ?? [],
      } as CfnTable,
    ]),
  );
}

/** The Data stack's tables as after `step` (the default: no context key). */
function dataTablesAt(step?: number): Tables {
  const app = new App();
  const stack = new DataStack(app, 'Data', {
    stage: 'prod',
    retainData: true,
    attachmentRetentionDays: 365,
    auditExportRetentionDays: 5 * 365,
    auditLockMode: 'COMPLIANCE',
    ...(step === undefined ? {} : { indexStep: step }),
  });
  return tablesOf(Template.fromStack(stack));
}

/**
 * Why CloudFormation would refuse to update `before` into `after` in one deploy: a table with more
 * than one index created or deleted, or an index that keeps its name but not its keys (with their
 * types) or projection. A table new in `after` is created whole, which DynamoDB allows.
 */
function refusals(before: Tables, after: Tables): string[] {
  const problems: string[] = [];
  for (const [id, table] of Object.entries(after)) {
    const old = before[id];
    if (old === undefined) continue;
    const shape = (t: CfnTable, index: CfnTable['GlobalSecondaryIndexes'][number]) =>
      JSON.stringify({
        keys: index.KeySchema.map((k) => ({
          ...k,
          type: t.AttributeDefinitions.find((a) => a.AttributeName === k.AttributeName)?.AttributeType,
        })),
        projection: index.Projection,
      });
    const names = (t: CfnTable) => t.GlobalSecondaryIndexes.map((i) => i.IndexName);
    const created = names(table).filter((name) => !names(old).includes(name));
    const deleted = names(old).filter((name) => !names(table).includes(name));
    if (created.length + deleted.length > 1) {
      problems.push(`${id}: ${created.length} created (${created}), ${deleted.length} deleted (${deleted})`);
    }
    for (const index of table.GlobalSecondaryIndexes) {
      const previous = old.GlobalSecondaryIndexes.find((i) => i.IndexName === index.IndexName);
      if (previous !== undefined && shape(old, previous) !== shape(table, index)) {
        problems.push(`${id}: ${index.IndexName} changes its keys or projection in place`);
      }
    }
  }
  return problems;
}

// Prepare
const snapshot = LAST_RELEASE.tables as Tables;
const steps = Array.from({ length: INDEX_UPGRADE.steps.length + 1 }, (_, step) => dataTablesAt(step));
const final = dataTablesAt();

describe('the upgrade of the indexes from the last release', () => {
  it('starts, at step 0, from exactly the indexes of the last release (the snapshot)', () => {
    const start = steps[0] as Tables;
    for (const [id, table] of Object.entries(snapshot)) expect(start[id], id).toEqual(table);
    // Only new tables are not in the snapshot.
    expect(
      Object.keys(start)
        .filter((id) => !(id in snapshot))
        .sort(),
    ).toEqual(['AccessJournalTable', 'AttachmentsTable', 'LimitsTable', 'VisitsTable']);
  });

  it('cannot be deployed in one step: the guard refuses the last release → the final indexes', () => {
    const problems = refusals(snapshot, final);
    expect(problems).toContainEqual(expect.stringMatching(/^ConversationsTable: 2 created .*, 5 deleted/));
    expect(problems).toContainEqual(
      expect.stringMatching(/^SessionsTable: 1 created \(byCitizenSms\), 1 deleted/),
    );
  });

  it('refuses an index that keeps its name but changes its projection', () => {
    const sessions = snapshot.SessionsTable as CfnTable;
    const reprojected = {
      ...sessions,
      GlobalSecondaryIndexes: sessions.GlobalSecondaryIndexes.map((i) => ({
        ...i,
        Projection: { ProjectionType: 'KEYS_ONLY' },
      })),
    };
    expect(refusals(snapshot, { SessionsTable: reprojected })).toEqual([
      'SessionsTable: byCitizen changes its keys or projection in place',
    ]);
  });

  it.each(INDEX_UPGRADE.steps.map((changes, i) => [i + 1, changes] as const))(
    'takes step %i as one update DynamoDB accepts: %j',
    (step, changes) => {
      expect(refusals(steps[step - 1] as Tables, steps[step] as Tables)).toEqual([]);
      expect(changes.length).toBeGreaterThan(0);
    },
  );

  it('ends at the indexes a deploy without dataIndexStep synthesizes (a fresh stack gets them at once)', () => {
    expect(steps.at(-1)).toEqual(final);
  });

  it('creates every new index before it deletes any old one: the Chat stack is deployed between', () => {
    const kinds = INDEX_UPGRADE.steps.map((changes) => [...new Set(changes.map((c) => c.change))]);
    expect(kinds.slice(0, INDEX_UPGRADE.createSteps).every((k) => k.join() === 'create')).toBe(true);
    expect(kinds.slice(INDEX_UPGRADE.createSteps).every((k) => k.join() === 'delete')).toBe(true);
    // At the switch, both the last release's indexes and the final ones exist on every table.
    const between = steps[INDEX_UPGRADE.createSteps] as Tables;
    for (const [id, table] of Object.entries(final)) {
      const names = between[id]?.GlobalSecondaryIndexes.map((i) => i.IndexName) ?? [];
      const wanted = [...table.GlobalSecondaryIndexes, ...(snapshot[id]?.GlobalSecondaryIndexes ?? [])];
      expect(names, id).toEqual(expect.arrayContaining(wanted.map((i) => i.IndexName)));
    }
  });

  it('reads the step from -c dataIndexStep=N (a string on the command line)', () => {
    const { data } = synthesizeApp({ stage: 'prod', alarmEmail: 'oncall@example.org', dataIndexStep: '1' });
    expect(tablesOf(Template.fromStack(data))).toEqual(steps[1]);
  });
});
