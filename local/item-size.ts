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
 * 2 units per started kilobyte; the index units DynamoDB Local reported for the table are kept. A
 * table with one item, or with an item whose size the request does not hold (an update, a delete,
 * a condition check), keeps DynamoDB Local's figure: right for one item, and reported by
 * {@link TransactionUnits.estimated} for the other case.
 */

/** The units of one transaction, and whether any table's figure may be short (see the module's comment). */
export interface TransactionUnits {
  units: number;
  /** A table had several items, some of them not `Put`s: DynamoDB Local's figure was kept for it. */
  estimated: boolean;
}

interface ReportedTable {
  TableName?: string;
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
}

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
): TransactionUnits {
  const byTable = new Map<string, TransactItem[]>();
  for (const item of input.TransactItems ?? []) {
    const table = Object.values(item)[0]?.TableName;
    if (table === undefined) continue;
    byTable.set(table, [...(byTable.get(table) ?? []), item]);
  }
  let units = 0;
  let estimated = false;
  for (const entry of reported) {
    const total = entry.CapacityUnits ?? 0;
    const items = entry.TableName === undefined ? undefined : byTable.get(entry.TableName);
    if (!items || items.length < 2) {
      units += total;
      continue;
    }
    const puts = items.map((item) => item.Put?.Item).filter((item) => item !== undefined);
    if (puts.length < items.length) {
      units += total;
      estimated = true;
      continue;
    }
    const indexUnits = total - (entry.Table?.CapacityUnits ?? total);
    const tableUnits = puts.reduce<number>(
      (sum, item) => sum + 2 * Math.max(1, Math.ceil(itemSize(item, marshalled) / 1024)),
      0,
    );
    units += tableUnits + indexUnits;
  }
  return { units, estimated };
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
