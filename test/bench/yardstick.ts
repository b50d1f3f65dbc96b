/**
 * The machine's yardstick, taken in the benchmark's own run (each throughput is reported also as
 * an efficiency measured in the same run, docs/benchmarks.md "Commands"): raw DynamoDB Local
 * PutItem round trips from W concurrent writers for S seconds, after a second to warm the JVM,
 * against the DynamoDB Local of the stack under test — no SDK and no project code, the method of the brief's
 * `shared/tools/calibrate.mjs`, so the figures compare. These machines differ 2–3× in speed and this
 * one varies within the hour: bot replies per second ÷ these puts per second does not.
 *
 * Its own table, deleted after; requests signed with a dummy signature, which DynamoDB Local does not
 * check, under the local stack's credentials and region.
 */

export interface Yardstick {
  writers: number;
  putsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export async function measureYardstick(
  endpoint: string,
  options: { writers: number; seconds: number; region: string },
): Promise<Yardstick> {
  const call = async (target: string, body: unknown): Promise<void> => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `DynamoDB_20120810.${target}`,
        authorization: `AWS4-HMAC-SHA256 Credential=local/20260101/${options.region}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: JSON.stringify(body),
    });
    const answer = await response.text();
    if (!response.ok) throw new Error(`yardstick ${target}: ${response.status} ${answer}`);
  };
  const table = `yardstick-${process.pid}-${Date.now()}`;
  await call('CreateTable', {
    TableName: table,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  });
  try {
    const put = (pk: string) =>
      call('PutItem', { TableName: table, Item: { pk: { S: pk }, text: { S: 'x'.repeat(200) } } });
    const writers = (until: number, each: (pk: string) => Promise<void>) =>
      Promise.all(
        Array.from({ length: options.writers }, async (_, w) => {
          for (let i = 0; performance.now() < until; i++) await each(`${w}-${i}`);
        }),
      );
    await writers(performance.now() + 1000, (pk) => put(`warm-${pk}`));
    const latencies: number[] = [];
    const started = performance.now();
    await writers(started + options.seconds * 1000, async (pk) => {
      const sent = performance.now();
      await put(pk);
      latencies.push(performance.now() - sent);
    });
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const at = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
    return {
      writers: options.writers,
      putsPerSecond: latencies.length / seconds,
      p50Ms: at(0.5),
      p99Ms: at(0.99),
    };
  } finally {
    await call('DeleteTable', { TableName: table }).catch(() => undefined);
  }
}
