import { describe, expect, it } from 'vitest';
import { itemBytes, valueBytes } from './stored-bytes.ts';

describe('the bytes DynamoDB bills for an item', () => {
  it('counts a Binary value by its bytes, as a compressed message body is stored', () => {
    // Prepare
    const body = new Uint8Array(300);

    // Act
    const bytes = valueBytes(body);

    // Assess
    expect(bytes).toBe(300);
  });

  it('counts names and values: strings in UTF-8, binary by length, numbers by their digits', () => {
    // Prepare: "text" 4 + "ж" 2; "body" 4 + 3 bytes; "seq" 3 + 2 (12: two digits in 1 byte, plus 1).
    const item = { text: 'ж', body: Buffer.from([1, 2, 3]), seq: 12 };

    // Act
    const bytes = itemBytes(item);

    // Assess
    expect(bytes).toBe(4 + 2 + 4 + 3 + 3 + 2);
  });
});
