/**
 * Order-preserving key encoding: for values a, b of a key's types, the byte order of
 * encodeKey(a) and encodeKey(b) is the SQL order of a and b (PostgreSQL's btree order, text
 * in the "C" collation). Every part encoding is prefix-free, so parts concatenate into
 * composite keys and a prefix of the parts is a range bound.
 *
 *   part := marker value?      marker: 0x00 NULL (NULLS FIRST), 0x01 a value, 0x02 NULL (NULLS LAST)
 *
 * A DESC part inverts its value bytes (inverting prefix-free codes reverses their order); the
 * marker is chosen for the final order, so NULLS FIRST/LAST works either way.
 *
 * Values:
 * - integers, date, time, timestamps: fixed-width big-endian with the sign bit flipped.
 * - float4/float8: the IEEE-754 double, sign bit flipped for positives, all bits inverted
 *   for negatives; -0 is 0 and NaN sorts above +Infinity, as in PostgreSQL.
 * - bool: 0x00 / 0x01. uuid: its 16 bytes (PostgreSQL compares uuids bytewise).
 * - text, varchar, bytea: bytes with 0x00 escaped as 0x00 0xFF, ended by 0x00 0x01. char(n)
 *   drops trailing spaces first (bpchar ignores them when comparing).
 * - numeric: class (−∞, negative, zero, positive, +∞, NaN), then for non-zero finite values
 *   the decimal exponent (i32, sign-flipped) and the significant digits two to a byte
 *   (1 + 0..99), ended by 0x00; negative values invert exponent and digits. Equal values
 *   encode equally whatever their scale ('1.5' = '1.50').
 * - interval: its span as PostgreSQL compares it (months as 30 days, days as 24 hours) in
 *   µs, a sign-flipped 128-bit integer; equal spans are equal keys ('1 mon' = '30 days').
 * - jsonb: PostgreSQL's jsonb btree order: null < string < number < boolean < array <
 *   object; arrays and objects by element count first, then element by element, object
 *   keys in jsonb's storage order (shorter first, then bytewise).
 * - arrays: each element (row-major) as 0x01 value or 0x02 for NULL (NULL elements sort last,
 *   as in PostgreSQL), ended by 0x00, so a shorter array sorts before its extensions. An array
 *   of several dimensions or another lower bound than 1 ends instead with 0x03, its dimension
 *   count (u8), lengths (u32) and lower bounds (i32, sign-flipped), so one-dimensional arrays
 *   from 1 keep the keys they had before shapes existed. That order is PostgreSQL's among
 *   arrays of equal elements (dimensions, then lengths, then lower bounds), except that one
 *   dimension from 1 sorts first; but such an array sorts after the arrays extending its
 *   elements, where PostgreSQL puts it before them (compareValues follows PostgreSQL).
 */
import { ByteReader, ByteWriter, copyOf } from './bytes.ts';
import { arrayElements, isShaped, makeArray, MAX_DIMENSIONS, shapeProblem, type ArrayValue } from './array-value.ts';
import { formatDecimal, parseDecimal, type Decimal } from './decimal.ts';
import { EngineError, SqlState } from './errors.ts';
import { checkValue, type ColumnType, type Interval, type Value } from './types.ts';

export interface KeyPart {
  readonly type: ColumnType;
  readonly desc?: boolean;
  /** Defaults to NULLS LAST (PostgreSQL's default for ASC). */
  readonly nullsFirst?: boolean;
}

const NULL_FIRST = 0x00;
const PRESENT = 0x01;
const NULL_LAST = 0x02;
/** Ends the elements of an array whose shape follows (see the header). */
const ARRAY_END = 0x00;
const SHAPED_ARRAY_END = 0x03;
/** Scratch space for building keys; `take()` copies out, so callers never share it. */
export const keyScratch = new ByteWriter();

/** Encodes values for a prefix of the key's parts (all parts for a full key). */
export function encodeKey(parts: readonly KeyPart[], values: readonly Value[]): Buffer {
  if (values.length > parts.length) {
    throw new EngineError(SqlState.invalidParameterValue, `key has ${parts.length} columns, got ${values.length} values`);
  }
  const w = keyScratch.reset();
  writeKeyParts(w, parts, values, values.length);
  return w.take();
}

/**
 * Appends the first `count` parts of a key to `w`. Part i's value is `values[columns[i]]`,
 * or `values[i]` without `columns`, so a row's key columns encode without being copied out.
 */
export function writeKeyParts(w: ByteWriter, parts: readonly KeyPart[], values: readonly Value[], count: number, columns?: readonly number[]): void {
  for (let i = 0; i < count; i++) {
    const part = parts[i];
    const value = values[columns === undefined ? i : columns[i]];
    if (value === null) {
      w.u8(part.nullsFirst === true ? NULL_FIRST : NULL_LAST);
      continue;
    }
    checkValue(part.type, value, `key column ${i + 1}`);
    w.u8(PRESENT);
    const from = w.at;
    writeKeyValue(w, part.type, value);
    if (part.desc === true) w.invertFrom(from);
  }
}

/**
 * Decodes a full key. Values come back in canonical form: a numeric without trailing
 * fraction zeros, an interval as its span (months, days, µs), char(n) without trailing
 * spaces, jsonb as normalized text.
 */
export function decodeKey(parts: readonly KeyPart[], bytes: Uint8Array): Value[] {
  let r = new ByteReader(bytes, 'key');
  const values: Value[] = [];
  for (const part of parts) {
    const marker = r.u8();
    if (marker === NULL_FIRST || marker === NULL_LAST) {
      values.push(null);
      continue;
    }
    if (marker !== PRESENT) throw r.corrupt(`unknown marker 0x${marker.toString(16)}`);
    if (part.desc !== true) {
      values.push(readKeyValue(r, part.type));
      continue;
    }
    // The part's length is known only once it is decoded: decode from an inverted copy of the rest.
    const rest = Buffer.from(r.buf.subarray(r.at)).map((b) => ~b & 0xff);
    const inverted = new ByteReader(rest, 'key');
    values.push(readKeyValue(inverted, part.type));
    const next = new ByteReader(r.buf, 'key');
    next.at = r.at + inverted.at;
    r = next;
  }
  if (!r.done) throw r.corrupt('trailing bytes');
  return values;
}

/** The smallest key greater than every key that starts with `prefix`; null if there is none. */
export function prefixEnd(prefix: Uint8Array): Buffer | null {
  for (let i = prefix.length - 1; i >= 0; i--) {
    if (prefix[i] !== 0xff) {
      const end = copyOf(prefix.subarray(0, i + 1));
      end[i]++;
      return end;
    }
  }
  return null;
}

// ---- values ------------------------------------------------------------------------------------

const SIGN64 = 2n ** 63n;
const SIGN128 = 2n ** 127n;
const MICROS_PER_DAY = 86_400_000_000n;
const MICROS_PER_MONTH = 30n * MICROS_PER_DAY;
const floatBits = new DataView(new ArrayBuffer(8));

function writeKeyValue(w: ByteWriter, type: ColumnType, value: Value): void {
  switch (type.kind) {
    case 'int2': return w.u16((value as number) + 0x8000);
    case 'int4':
    case 'date': return w.u32(((value as number) ^ 0x80000000) >>> 0);
    case 'int8':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      // Two's complement with the sign bit flipped, without allocating a BigInt for the sum.
      w.i64(value as bigint);
      return w.flipBits(w.at - 8, 0x80);
    case 'float4': return writeFloat(w, Math.fround(value as number));
    case 'float8': return writeFloat(w, value as number);
    case 'bool': return w.u8(value ? 1 : 0);
    case 'uuid': return w.bytes(Buffer.from((value as string).replace(/-/g, ''), 'hex'));
    case 'text':
    case 'varchar': return writeEscaped(w, Buffer.from(value as string, 'utf8'));
    case 'char': return writeEscaped(w, Buffer.from((value as string).replace(/ +$/, ''), 'utf8'));
    case 'bytea': return writeEscaped(w, value as Uint8Array);
    case 'numeric': return writeDecimal(w, parseDecimal(value as string));
    case 'interval': {
      const { months, days, micros } = value as Interval;
      const span = BigInt(months) * MICROS_PER_MONTH + BigInt(days) * MICROS_PER_DAY + micros + SIGN128;
      w.u64(span >> 64n);
      return w.u64(span & 0xffffffffffffffffn);
    }
    case 'jsonb': return writeJson(w, parseJson(value as string));
    case 'array': {
      for (const element of arrayElements(value as ArrayValue)) {
        if (element === null) w.u8(NULL_LAST);
        else {
          w.u8(PRESENT);
          writeKeyValue(w, type.element, element);
        }
      }
      if (!isShaped(value)) return w.u8(ARRAY_END);
      w.u8(SHAPED_ARRAY_END);
      w.u8(value.lengths.length);
      for (const length of value.lengths) w.u32(length);
      for (const lower of value.lowers) w.u32((lower ^ 0x80000000) >>> 0);
      return;
    }
  }
}

function readKeyValue(r: ByteReader, type: ColumnType): Value {
  switch (type.kind) {
    case 'int2': return r.u16() - 0x8000;
    case 'int4':
    case 'date': return (r.u32() ^ 0x80000000) | 0;
    case 'int8':
    case 'time':
    case 'timestamp':
    case 'timestamptz': return r.u64() - SIGN64;
    case 'float4':
    case 'float8': return readFloat(r);
    case 'bool': return r.u8() === 1;
    case 'uuid': {
      const hex = r.view(16).toString('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    }
    case 'text':
    case 'varchar':
    case 'char': return readEscaped(r).toString('utf8');
    case 'bytea': return readEscaped(r);
    case 'numeric': return formatKeyDecimal(readDecimal(r));
    case 'interval': {
      const span = ((r.u64() << 64n) | r.u64()) - SIGN128;
      const months = span / MICROS_PER_MONTH;
      const days = (span - months * MICROS_PER_MONTH) / MICROS_PER_DAY;
      return { months: Number(months), days: Number(days), micros: span - months * MICROS_PER_MONTH - days * MICROS_PER_DAY };
    }
    case 'jsonb': return readJson(r);
    case 'array': {
      const elements: Value[] = [];
      for (;;) {
        const marker = r.u8();
        if (marker === ARRAY_END) return elements;
        if (marker === SHAPED_ARRAY_END) return readArrayShape(r, elements);
        if (marker === NULL_LAST) elements.push(null);
        else if (marker === PRESENT) elements.push(readKeyValue(r, type.element));
        else throw r.corrupt(`unknown array element marker 0x${marker.toString(16)}`);
      }
    }
  }
}

function readArrayShape(r: ByteReader, elements: Value[]): Value {
  const ndim = r.u8();
  if (ndim > MAX_DIMENSIONS) throw r.corrupt(`array of ${ndim} dimensions`);
  const lengths: number[] = [];
  const lowers: number[] = [];
  for (let i = 0; i < ndim; i++) lengths.push(r.u32());
  for (let i = 0; i < ndim; i++) lowers.push((r.u32() ^ 0x80000000) | 0);
  const problem = shapeProblem(lengths, lowers, elements.length) ?? (ndim === 1 && lowers[0] === 1 ? 'a shape for one dimension from 1' : undefined);
  if (problem !== undefined) throw r.corrupt(`array: ${problem}`);
  return makeArray(elements, lengths, lowers);
}

function writeFloat(w: ByteWriter, value: number): void {
  floatBits.setFloat64(0, value === 0 ? 0 : Number.isNaN(value) ? NaN : value);
  const bits = floatBits.getBigUint64(0);
  w.u64(bits >= SIGN64 ? ~bits & 0xffffffffffffffffn : bits | SIGN64);
}

function readFloat(r: ByteReader): number {
  const raw = r.u64();
  floatBits.setBigUint64(0, raw >= SIGN64 ? raw ^ SIGN64 : ~raw & 0xffffffffffffffffn);
  return floatBits.getFloat64(0);
}

function writeEscaped(w: ByteWriter, bytes: Uint8Array): void {
  let from = 0;
  for (let i = bytes.indexOf(0); i !== -1; i = bytes.indexOf(0, from)) {
    w.bytes(bytes.subarray(from, i));
    w.u8(0x00);
    w.u8(0xff);
    from = i + 1;
  }
  w.bytes(bytes.subarray(from));
  w.u8(0x00);
  w.u8(0x01);
}

function readEscaped(r: ByteReader): Buffer {
  const chunks: Buffer[] = [];
  for (;;) {
    const zero = r.buf.indexOf(0, r.at);
    if (zero === -1) throw r.corrupt('unterminated string');
    chunks.push(r.view(zero - r.at));
    r.u8();
    const next = r.u8();
    if (next === 0x01) return Buffer.concat(chunks);
    if (next !== 0xff) throw r.corrupt('bad escape in string');
    chunks.push(Buffer.from([0]));
  }
}

// ---- numeric -----------------------------------------------------------------------------------

const DECIMAL_CLASS = { '-Infinity': 0x01, negative: 0x02, zero: 0x03, positive: 0x04, Infinity: 0x05, NaN: 0x06 } as const;

function writeDecimal(w: ByteWriter, decimal: Decimal): void {
  if (decimal.kind !== 'finite') return w.u8(DECIMAL_CLASS[decimal.kind]);
  if (decimal.unscaled === 0n) return w.u8(DECIMAL_CLASS.zero);
  w.u8(decimal.negative ? DECIMAL_CLASS.negative : DECIMAL_CLASS.positive);
  const from = w.at;
  const digits = decimal.unscaled.toString().replace(/0+$/, '');
  // value = 0.digits × 10^exponent
  const exponent = decimal.unscaled.toString().length - decimal.scale;
  w.u32((exponent ^ 0x80000000) >>> 0);
  for (let i = 0; i < digits.length; i += 2) w.u8(1 + Number(digits[i]) * 10 + Number(digits[i + 1] ?? '0'));
  w.u8(0x00);
  if (decimal.negative) w.invertFrom(from);
}

function readDecimal(r: ByteReader): Decimal {
  const cls = r.u8();
  switch (cls) {
    case DECIMAL_CLASS['-Infinity']: return { kind: '-Infinity' };
    case DECIMAL_CLASS.Infinity: return { kind: 'Infinity' };
    case DECIMAL_CLASS.NaN: return { kind: 'NaN' };
    case DECIMAL_CLASS.zero: return { kind: 'finite', negative: false, unscaled: 0n, scale: 0 };
    case DECIMAL_CLASS.negative:
    case DECIMAL_CLASS.positive: break;
    default: throw r.corrupt(`unknown numeric class 0x${cls.toString(16)}`);
  }
  const negative = cls === DECIMAL_CLASS.negative;
  const flip = (b: number): number => (negative ? ~b & 0xff : b);
  const exponent = ((flip(r.u8()) << 24) | (flip(r.u8()) << 16) | (flip(r.u8()) << 8) | flip(r.u8())) ^ 0x80000000;
  let digits = '';
  for (let pair = flip(r.u8()); pair !== 0; pair = flip(r.u8())) {
    if (pair > 100) throw r.corrupt('bad numeric digits');
    digits += String(pair - 1).padStart(2, '0');
  }
  digits = digits.replace(/0+$/, '');
  const scale = digits.length - exponent;
  return scale >= 0
    ? { kind: 'finite', negative, unscaled: BigInt(digits), scale }
    : { kind: 'finite', negative, unscaled: BigInt(digits) * 10n ** BigInt(-scale), scale: 0 };
}

function formatKeyDecimal(decimal: Decimal): string {
  return decimal.kind === 'finite' ? formatDecimal(decimal.negative, decimal.unscaled, decimal.scale) : decimal.kind;
}

// ---- jsonb -------------------------------------------------------------------------------------

type Json = null | boolean | { readonly number: Decimal } | string | readonly Json[] | { readonly pairs: readonly (readonly [string, Json])[] };

const JSON_TAG = { null: 0x01, string: 0x02, number: 0x03, boolean: 0x04, array: 0x05, object: 0x06 } as const;
const JSON_NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const JSON_STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/**
 * Parses JSON text keeping numbers exact (JSON.parse would round them to doubles) and object
 * keys in jsonb's order (shorter first, then bytewise; the last duplicate wins).
 */
function parseJson(text: string): Json {
  let at = 0;
  const fail = (): never => {
    throw new EngineError(SqlState.invalidTextRepresentation, 'invalid input syntax for type json');
  };
  const space = (): void => {
    while (at < text.length && ' \t\n\r'.includes(text[at])) at++;
  };
  const token = (pattern: RegExp): string => {
    pattern.lastIndex = at;
    const match = pattern.exec(text) ?? fail();
    at += match[0].length;
    return match[0];
  };
  const value = (): Json => {
    space();
    const c = text[at];
    if (c === '{') {
      at++;
      const pairs = new Map<string, Json>();
      space();
      if (text[at] === '}') at++;
      else {
        for (;;) {
          space();
          const key = JSON.parse(token(JSON_STRING)) as string;
          space();
          if (text[at++] !== ':') fail();
          pairs.set(key, value());
          space();
          const next = text[at++];
          if (next === '}') break;
          if (next !== ',') fail();
        }
      }
      return { pairs: [...pairs].sort(([a], [b]) => jsonKeyOrder(a, b)) };
    }
    if (c === '[') {
      at++;
      const items: Json[] = [];
      space();
      if (text[at] === ']') at++;
      else {
        for (;;) {
          items.push(value());
          space();
          const next = text[at++];
          if (next === ']') break;
          if (next !== ',') fail();
        }
      }
      return items;
    }
    if (c === '"') return JSON.parse(token(JSON_STRING)) as string;
    for (const [word, result] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return result;
      }
    }
    return { number: decimalOfJsonNumber(token(JSON_NUMBER)) };
  };
  const result = value();
  space();
  if (at !== text.length) fail();
  return result;
}

function jsonKeyOrder(a: string, b: string): number {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ab.length - bb.length || Buffer.compare(ab, bb);
}

function decimalOfJsonNumber(text: string): Decimal {
  const [mantissa, exponentText = '0'] = text.toLowerCase().split('e');
  const parsed = parseDecimal(mantissa) as Extract<Decimal, { kind: 'finite' }>;
  const scale = parsed.scale - Number(exponentText);
  return scale >= 0
    ? { ...parsed, scale }
    : { ...parsed, unscaled: parsed.unscaled * 10n ** BigInt(-scale), scale: 0 };
}

function writeJson(w: ByteWriter, json: Json): void {
  if (json === null) return w.u8(JSON_TAG.null);
  if (typeof json === 'string') {
    w.u8(JSON_TAG.string);
    return writeEscaped(w, Buffer.from(json, 'utf8'));
  }
  if (typeof json === 'boolean') {
    w.u8(JSON_TAG.boolean);
    return w.u8(json ? 1 : 0);
  }
  if ('number' in json) {
    w.u8(JSON_TAG.number);
    return writeDecimal(w, json.number);
  }
  if ('pairs' in json) {
    w.u8(JSON_TAG.object);
    w.u32(json.pairs.length);
    for (const [key, item] of json.pairs) {
      writeEscaped(w, Buffer.from(key, 'utf8'));
      writeJson(w, item);
    }
    return;
  }
  w.u8(JSON_TAG.array);
  w.u32(json.length);
  for (const item of json) writeJson(w, item);
}

/** Reads a jsonb key value back as normalized JSON text. */
function readJson(r: ByteReader): string {
  const tag = r.u8();
  switch (tag) {
    case JSON_TAG.null: return 'null';
    case JSON_TAG.string: return JSON.stringify(readEscaped(r).toString('utf8'));
    case JSON_TAG.boolean: return r.u8() === 1 ? 'true' : 'false';
    case JSON_TAG.number: return formatKeyDecimal(readDecimal(r));
    case JSON_TAG.array: {
      const count = r.u32();
      const items: string[] = [];
      for (let i = 0; i < count; i++) items.push(readJson(r));
      return `[${items.join(', ')}]`;
    }
    case JSON_TAG.object: {
      const count = r.u32();
      const pairs: string[] = [];
      for (let i = 0; i < count; i++) pairs.push(`${JSON.stringify(readEscaped(r).toString('utf8'))}: ${readJson(r)}`);
      return `{${pairs.join(', ')}}`;
    }
    default: throw r.corrupt(`unknown jsonb tag 0x${tag.toString(16)}`);
  }
}
