/**
 * The write units of a `TransactWriteItems`, for the AWS call counter (local/aws-calls.ts), where
 * DynamoDB Local's own figure is wrong: it reports, per table, twice the sum of the **distinct**
 * unit counts of the transaction's items in that table, so two items of one kilobyte in the same
 * table are reported as 2 units where DynamoDB bills 4 (a transaction's items twice each). Measured
 * against DynamoDB Local 2.x: items of 300 and 1,500 bytes → 6 (right), 1,500 and 1,500 → 4 (8 in
 * AWS), three of 300 → 2 (6 in AWS).
 *
 * So a table with several items in one transaction is counted here from its items: a `Put`'s size
 * is in the request, computed as DynamoDB sizes items
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html),
 * 2 units per started kilobyte, and so are their index entries (the items holding the index's keys,
 * sized by its projection, from the table's schema in the template). A table with one item keeps
 * DynamoDB Local's figure (right for one item). A table with several items some of which the request
 * does not size (an update, a delete, a condition check), or with indexes whose schema is not given,
 * keeps DynamoDB Local's figure and says so ({@link TransactionUnits.estimated}): the request
 * budgets require that no counted flow has one (test/integration/budgets.test.ts).
 */

/** The units of one transaction, and whether any table's figure may be short (see the module's comment). */
export interface TransactionUnits {
  units: number;
  /** Of {@link units}, those written to tables of the Infrequent Access class (priced apart). */
  infrequentAccessUnits: number;
  /** A table had several items, some not `Put`s or writing an index: DynamoDB Local's figure was kept for those. */
  estimated: boolean;
}

interface ReportedTable {
  TableName?: string;
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

/** A table's key attributes and its global secondary indexes, as the template declares them. */
export interface TableSchema {
  keys: string[];
  indexes: {
    name: string;
    keys: string[];
    projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
    include?: string[];
  }[];
  /** The table is of the Standard-IA class (`TableClass` STANDARD_INFREQUENT_ACCESS): its units cost more. */
  infrequentAccess?: boolean;
}

/** The schemas of the stack's tables, by table name (local/resources.ts `tableSchemas`). */
export type TableSchemas = ReadonlyMap<string, TableSchema>;

type TransactItem = Partial<
  Record<'Put' | 'Update' | 'Delete' | 'ConditionCheck', { TableName?: string; Item?: unknown }>
>;

/**
 * `input`: the request as sent (`TransactItems`); `marshalled`: its items are DynamoDB
 * `AttributeValue`s (the client's command) rather than plain values (the DocumentClient's);
 * `reported`: the response's `ConsumedCapacity`.
 */
export function transactionWriteUnits(
  input: { TransactItems?: TransactItem[] },
  marshalled: boolean,
  reported: ReportedTable[],
  schemas: TableSchemas = new Map(),
): TransactionUnits {
  const byTable = new Map<string, TransactItem[]>();
  for (const item of input.TransactItems ?? []) {
    const table = Object.values(item)[0]?.TableName;
    if (table === undefined) continue;
    byTable.set(table, [...(byTable.get(table) ?? []), item]);
  }
  let units = 0;
  let infrequentAccessUnits = 0;
  let estimated = false;
  for (const entry of reported) {
    const schema = entry.TableName === undefined ? undefined : schemas.get(entry.TableName);
    const counted = tableUnits(entry, byTable, schema, marshalled);
    units += counted.units;
    if (schema?.infrequentAccess) infrequentAccessUnits += counted.units;
    estimated ||= counted.estimated;
  }
  return { units, infrequentAccessUnits, estimated };
}

/** One table's units of a transaction: DynamoDB Local's figure, or counted from its items (see the module's comment). */
function tableUnits(
  entry: ReportedTable,
  byTable: ReadonlyMap<string, TransactItem[]>,
  schema: TableSchema | undefined,
  marshalled: boolean,
): { units: number; estimated: boolean } {
  const total = entry.CapacityUnits ?? 0;
  const items = entry.TableName === undefined ? undefined : byTable.get(entry.TableName);
  if (!items || items.length < 2) return { units: total, estimated: false };
  const puts = items.map((item) => item.Put?.Item).filter((item) => item !== undefined);
  if (puts.length < items.length) return { units: total, estimated: true };
  const itemUnits = puts.reduce<number>((sum, item) => sum + transactionUnits(itemSize(item, marshalled)), 0);
  const indexes = Object.keys(entry.GlobalSecondaryIndexes ?? {});
  // The index writes of several items may be reported as short as the table's.
  if (indexes.length > 0 && !schema) return { units: total, estimated: true };
  const indexUnits = (schema?.indexes ?? [])
    .filter((index) => indexes.includes(index.name))
    .reduce(
      (sum, index) =>
        sum +
        puts
          .filter((item) => index.keys.every((key) => present(item, key)))
          .reduce<number>(
            (n, item) => n + transactionUnits(projectedSize(item, schema?.keys ?? [], index, marshalled)),
            0,
          ),
      0,
    );
  return { units: itemUnits + indexUnits, estimated: false };
}

/** A transaction's write units for one item (or index entry) of `bytes`: twice one per started kilobyte. */
function transactionUnits(bytes: number): number {
  return 2 * Math.max(1, Math.ceil(bytes / 1024));
}

function present(item: unknown, attribute: string): boolean {
  const value = (item as Record<string, unknown>)[attribute];
  return value !== undefined && value !== null;
}

/** What an index entry holds of an item: everything, or the table's and the index's keys (and the included attributes). */
function projectedSize(
  item: unknown,
  tableKeys: string[],
  index: TableSchema['indexes'][number],
  marshalled: boolean,
): number {
  if (index.projection === 'ALL') return itemSize(item, marshalled);
  const kept = new Set([
    ...tableKeys,
    ...index.keys,
    ...(index.projection === 'INCLUDE' ? (index.include ?? []) : []),
  ]);
  const entries = Object.entries(item as Record<string, unknown>).filter(([name]) => kept.has(name));
  return itemSize(Object.fromEntries(entries), marshalled);
}

/** An item's size in bytes as DynamoDB counts it: each attribute's name and value. */
export function itemSize(item: unknown, marshalled: boolean): number {
  if (item === null || typeof item !== 'object') return 0;
  return Object.entries(item as Record<string, unknown>).reduce(
    (sum, [name, value]) =>
      value === undefined
        ? sum
        : sum + utf8(name) + (marshalled ? attributeValueSize(value) : plainValueSize(value)),
    0,
  );
}

function utf8(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * A number: its digits in pairs aligned on the decimal point (1.5 is 01.50: two pairs), leading and
 * trailing pairs of zeros left out, a byte per pair and one more, and one more again when negative;
 * zero is one byte. Checked against DynamoDB Local (local/item-size.int.test.ts).
 */
function numberSize(text: string): number {
  const negative = text.trim().startsWith('-');
  const [mantissa = '', exponent = '0'] = text.trim().replace(/^[-+]/, '').toLowerCase().split('e');
  const [whole = '', fraction = ''] = mantissa.split('.');
  let digits = whole + fraction;
  let point = whole.length + Number(exponent);
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  }
  if (point > digits.length) digits += '0'.repeat(point - digits.length);
  if (point % 2 !== 0) digits = `0${digits}`;
  if (digits.length % 2 !== 0) digits += '0';
  const pairs = (digits.match(/../g) ?? [])
    .join(' ')
    .replace(/^(00 )+|( 00)+$/g, '')
    .split(' ');
  if (pairs.every((pair) => pair === '00' || pair === '')) return 1;
  return pairs.length + 1 + (negative ? 1 : 0);
}

/** A value of the DocumentClient's input (before marshalling). */
function plainValueSize(value: unknown): number {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number' || typeof value === 'bigint') return numberSize(String(value));
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce<number>((sum, v) => sum + plainValueSize(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce<number>((sum, v) => sum + 1 + plainValueSize(v), 0);
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return 3 + entries.reduce((sum, [name, v]) => sum + 1 + utf8(name) + plainValueSize(v), 0);
  }
  return 0;
}

/** A DynamoDB `AttributeValue` (`{ S: … }`, `{ N: … }`, `{ M: … }`…). */
function attributeValueSize(value: unknown): number {
  const [type, inner] = Object.entries(value as Record<string, unknown>)[0] ?? [];
  switch (type) {
    case 'S':
      return utf8(String(inner));
    case 'N':
      return numberSize(String(inner));
    case 'B':
      return (inner as Uint8Array).byteLength;
    case 'BOOL':
    case 'NULL':
      return 1;
    case 'SS':
      return (inner as string[]).reduce((sum, v) => sum + utf8(v), 0);
    case 'NS':
      return (inner as string[]).reduce((sum, v) => sum + numberSize(v), 0);
    case 'BS':
      return (inner as Uint8Array[]).reduce((sum, v) => sum + v.byteLength, 0);
    case 'L':
      return 3 + (inner as unknown[]).reduce<number>((sum, v) => sum + 1 + attributeValueSize(v), 0);
    case 'M':
      return (
        3 +
        Object.entries(inner as Record<string, unknown>).reduce(
          (sum, [name, v]) => sum + 1 + utf8(name) + attributeValueSize(v),
          0,
        )
      );
    default:
      return 0;
  }
}
