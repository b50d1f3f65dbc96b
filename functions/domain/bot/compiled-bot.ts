/**
 * The compiled bot's shape: what `kb/compiled/model.bin` holds (the vocabulary and the intent model,
 * with the revision and fingerprint that tell whether it still matches the content), the cheap
 * check the knowledge base's schema runs on it, and its file format. Compiling it is
 * `compile-bot.ts`'s job.
 *
 * The format is safetensors' idea: a JSON header (the strings, and where each numeric array lies),
 * then the numeric arrays as raw little-endian bytes, each aligned to 8. Loading it is a small JSON
 * parse and typed-array views over the file's bytes, where a JSON file of the same model (500 KB,
 * four fifths of it numbers) cost a cold function about 10 ms to decode, parse and convert.
 */
import type { IntentModelData, SpaceData } from './model.ts';
import type { VocabularyData } from './vocabulary.ts';

export interface CompiledBot {
  revision: string;
  fingerprint: string;
  vocabulary: VocabularyData;
  model: IntentModelData;
}

/** A cheap shape check (the file is machine-written; a full zod pass over its arrays costs ms). */
export function isCompiledBot(value: unknown): value is CompiledBot {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<CompiledBot>;
  const isSpace = (space: SpaceData | undefined) =>
    Array.isArray(space?.features) &&
    ArrayBuffer.isView(space.idf) &&
    ArrayBuffer.isView(space.offsets) &&
    ArrayBuffer.isView(space.examples) &&
    ArrayBuffer.isView(space.weights) &&
    space.offsets.length === space.features.length + 1 &&
    space.examples.length === space.weights.length;
  return (
    typeof v.revision === 'string' &&
    typeof v.fingerprint === 'string' &&
    Array.isArray(v.vocabulary?.words) &&
    ArrayBuffer.isView(v.model?.exampleIntent) &&
    isSpace(v.model?.words) &&
    isSpace(v.model?.chars)
  );
}

/** The file's first bytes: the format and its version. */
const MAGIC = 'SCBOTv1\n';
/** MAGIC, then the header's length in bytes (uint32, little-endian), then the header. */
const PREFIX_BYTES = MAGIC.length + 4;
const ALIGN = 8;

type ArrayKind = 'f64' | 'i32';
/** Where a numeric array lies: its kind, its byte offset from the data's start, its length. */
type ArrayPlace = [kind: ArrayKind, offset: number, length: number];

interface Header {
  revision: string;
  fingerprint: string;
  vocabulary: VocabularyData;
  intents: string[];
  features: { words: string[]; chars: string[] };
  arrays: Record<string, ArrayPlace>;
}

const SPACES = ['words', 'chars'] as const;
const SPACE_ARRAYS = { idf: 'f64', offsets: 'i32', examples: 'i32', weights: 'f64' } as const;
const BYTES: Record<ArrayKind, number> = { f64: 8, i32: 4 };

const alignUp = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

function assertLittleEndian(): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new Error('compiled bot: the file format is little-endian, and this machine is not');
  }
}

/** The header's JSON, with the fields the decoder reads checked for their shape. */
function readHeader(bytes: Uint8Array): Header {
  let header: Partial<Header>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes)) as Partial<Header>;
  } catch {
    throw new Error('compiled bot: the header is not JSON');
  }
  const strings = (value: unknown) => Array.isArray(value) && value.every((item) => typeof item === 'string');
  const valid =
    typeof header === 'object' &&
    header !== null &&
    typeof header.revision === 'string' &&
    typeof header.fingerprint === 'string' &&
    strings(header.vocabulary?.words) &&
    strings(header.vocabulary?.stems) &&
    Array.isArray(header.vocabulary?.frequencies) &&
    strings(header.intents) &&
    strings(header.features?.words) &&
    strings(header.features?.chars) &&
    typeof header.arrays === 'object' &&
    header.arrays !== null;
  if (!valid) throw new Error('compiled bot: the header lacks fields or has them of the wrong type');
  return header as Header;
}

/** The compiled bot as the bytes of `model.bin`: deterministic, so a test can compare files. */
export function encodeCompiledBot(bot: CompiledBot): Uint8Array {
  assertLittleEndian();
  const numeric: [name: string, kind: ArrayKind, values: ArrayLike<number>][] = [
    ['exampleIntent', 'i32', bot.model.exampleIntent],
    ...SPACES.flatMap((space) =>
      Object.entries(SPACE_ARRAYS).map(([field, kind]): [string, ArrayKind, ArrayLike<number>] => [
        `${space}.${field}`,
        kind,
        bot.model[space][field as keyof typeof SPACE_ARRAYS],
      ]),
    ),
  ];
  const arrays: Record<string, ArrayPlace> = {};
  let dataBytes = 0;
  for (const [name, kind, values] of numeric) {
    arrays[name] = [kind, dataBytes, values.length];
    dataBytes = alignUp(dataBytes + values.length * BYTES[kind]);
  }
  const header: Header = {
    revision: bot.revision,
    fingerprint: bot.fingerprint,
    vocabulary: bot.vocabulary,
    intents: bot.model.intents,
    features: { words: bot.model.words.features, chars: bot.model.chars.features },
    arrays,
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = alignUp(PREFIX_BYTES + headerBytes.length);
  const bytes = new Uint8Array(dataStart + dataBytes);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(bytes.buffer).setUint32(MAGIC.length, headerBytes.length, true);
  bytes.set(headerBytes, PREFIX_BYTES);
  for (const [name, kind, values] of numeric) {
    const [, offset] = arrays[name] as ArrayPlace;
    const typed = kind === 'f64' ? Float64Array.from(values) : Int32Array.from(values);
    bytes.set(new Uint8Array(typed.buffer), dataStart + offset);
  }
  return bytes;
}

/**
 * The compiled bot in `bytes` (a `model.bin`), its numeric arrays viewing those bytes where they
 * are aligned (copied where not). Throws on anything that is not a whole file of this format.
 */
export function decodeCompiledBot(bytes: Uint8Array): CompiledBot {
  assertLittleEndian();
  if (bytes.length < PREFIX_BYTES || new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) {
    throw new Error(`compiled bot: not a ${MAGIC.trim()} file`);
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(
    MAGIC.length,
    true,
  );
  if (PREFIX_BYTES + headerLength > bytes.length) throw new Error('compiled bot: the header is cut short');
  const header = readHeader(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength));
  const dataStart = alignUp(PREFIX_BYTES + headerLength);
  const array = (name: string, expected: ArrayKind): Float64Array | Int32Array => {
    const place = header.arrays[name];
    if (!Array.isArray(place) || place[0] !== expected) {
      throw new Error(`compiled bot: no ${expected} array ${name}`);
    }
    const [kind, offset, length] = place;
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) {
      throw new Error(`compiled bot: ${name} has no valid place`);
    }
    const from = dataStart + offset;
    const byteLength = length * BYTES[kind];
    if (from + byteLength > bytes.length) throw new Error(`compiled bot: ${name} is cut short`);
    const at = bytes.byteOffset + from;
    // A view where the bytes are aligned; else a copy (a new Uint8Array of the range, never `slice`,
    // which a Node Buffer answers with a view of the same memory).
    const aligned = at % BYTES[kind] === 0;
    const source = aligned ? bytes.buffer : new Uint8Array(bytes.subarray(from, from + byteLength)).buffer;
    const start = aligned ? at : 0;
    return kind === 'f64' ? new Float64Array(source, start, length) : new Int32Array(source, start, length);
  };
  const space = (name: (typeof SPACES)[number]): SpaceData => ({
    features: header.features[name],
    idf: array(`${name}.idf`, 'f64'),
    offsets: array(`${name}.offsets`, 'i32'),
    examples: array(`${name}.examples`, 'i32'),
    weights: array(`${name}.weights`, 'f64'),
  });
  return {
    revision: header.revision,
    fingerprint: header.fingerprint,
    vocabulary: header.vocabulary,
    model: {
      intents: header.intents,
      exampleIntent: array('exampleIntent', 'i32'),
      words: space('words'),
      chars: space('chars'),
    },
  };
}
