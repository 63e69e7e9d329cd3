/**
 * The binary row format of record versions (and of the write-after log's images).
 *
 *   row     := count:varint  nulls[ceil(count/8)]  value*      (one value per non-NULL column)
 *   nulls   := bit i (LSB first) set when column i is NULL
 *
 * Fixed-size values: int2 i16, int4 i32, int8 i64, float4 f32, float8 f64, bool u8, date i32,
 * time / timestamp / timestamptz i64 (µs), interval months:i32 days:i32 micros:i64, uuid 16
 * bytes; all big-endian. Variable-size values carry a varint byte length: text, varchar, char
 * and jsonb as UTF-8; bytea as is; numeric as kind:u8 (0 +, 1 −, 2 NaN, 3 +∞, 4 −∞)
 * scale:varint magnitude (big-endian unsigned, empty for zero); arrays as a nested
 * count / nulls / values block of the element type (the elements in row-major order), which an
 * array of several dimensions or another lower bound than 1 follows with its shape:
 * ndim:u8, then per dimension length:varint lower:i32. A one-dimensional array from 1 has no
 * shape, so arrays written before shapes existed read back unchanged.
 *
 * `count` lets a table gain columns without rewriting rows: columns past a stored row's count
 * read as NULL. Decoding checks every length against the buffer and fails with XX001.
 */
import { ByteReader, ByteWriter, copyOf } from './bytes.ts';
import { arrayElements, isShaped, makeArray, MAX_DIMENSIONS, shapeProblem, type ArrayValue } from './array-value.ts';
import { formatDecimal, parseDecimal } from './decimal.ts';
import { checkValue, NUMERIC_MAX_SCALE, type ColumnType, type Interval, type Row, type ScalarType, type Value } from './types.ts';

const rowWriter = new ByteWriter();
const NUMERIC_KIND = { finite: 0, NaN: 2, Infinity: 3, '-Infinity': 4 } as const;

/** Validates a row against the column types and encodes it. */
export function encodeRow(types: readonly ColumnType[], names: readonly string[], row: Row): Buffer {
  for (let i = 0; i < types.length; i++) checkValue(types[i], row[i], names[i]);
  const w = rowWriter.reset();
  writeValues(w, types, row);
  return w.take();
}

/** count, null bitmap, values: the shape shared by rows and arrays. */
function writeValues(w: ByteWriter, types: readonly ColumnType[] | ColumnType, values: readonly Value[]): void {
  const count = values.length;
  w.varint(count);
  const bitmapAt = w.at;
  const bitmapBytes = (count + 7) >>> 3;
  for (let i = 0; i < bitmapBytes; i++) w.u8(0);
  for (let i = 0; i < count; i++) {
    const value = values[i];
    if (value === null) {
      w.orByte(bitmapAt + (i >>> 3), 1 << (i & 7));
      continue;
    }
    writeValue(w, Array.isArray(types) ? (types as readonly ColumnType[])[i] : (types as ColumnType), value);
  }
}

function writeValue(w: ByteWriter, type: ColumnType, value: Value): void {
  switch (type.kind) {
    case 'int2': return w.i16(value as number);
    case 'int4':
    case 'date': return w.i32(value as number);
    case 'int8':
    case 'time':
    case 'timestamp':
    case 'timestamptz': return w.i64(value as bigint);
    case 'float4': return w.f32(value as number);
    case 'float8': return w.f64(value as number);
    case 'bool': return w.u8(value ? 1 : 0);
    case 'interval': {
      const { months, days, micros } = value as Interval;
      w.i32(months);
      w.i32(days);
      return w.i64(micros);
    }
    case 'uuid': return w.bytes(Buffer.from((value as string).replace(/-/g, ''), 'hex'));
    case 'text':
    case 'varchar':
    case 'char':
    case 'jsonb':
      w.varint(Buffer.byteLength(value as string));
      return w.utf8(value as string);
    case 'bytea':
      w.varint((value as Uint8Array).length);
      return w.bytes(value as Uint8Array);
    case 'numeric': return writeNumeric(w, value as string);
    case 'array': {
      const inner = new ByteWriter();
      writeValues(inner, type.element, arrayElements(value as ArrayValue));
      if (isShaped(value)) {
        inner.u8(value.lengths.length);
        for (let i = 0; i < value.lengths.length; i++) {
          inner.varint(value.lengths[i]);
          inner.i32(value.lowers[i]);
        }
      }
      w.varint(inner.at);
      return w.bytes(inner.take());
    }
  }
}

function writeNumeric(w: ByteWriter, text: string): void {
  const decimal = parseDecimal(text);
  if (decimal.kind !== 'finite') {
    w.varint(1);
    return w.u8(NUMERIC_KIND[decimal.kind]);
  }
  const hex = decimal.unscaled === 0n ? '' : decimal.unscaled.toString(16);
  const magnitude = Buffer.from(hex.length % 2 === 1 ? `0${hex}` : hex, 'hex');
  const scaleBytes = decimal.scale < 0x80 ? 1 : decimal.scale < 0x4000 ? 2 : 3;
  w.varint(1 + scaleBytes + magnitude.length);
  w.u8(decimal.negative ? 1 : 0);
  w.varint(decimal.scale);
  w.bytes(magnitude);
}

/**
 * Decodes a row written by `encodeRow` for these column types, from `bytes[start…]` to the
 * end. Values never share memory with `bytes`.
 */
export function decodeRow(types: readonly ColumnType[], bytes: Uint8Array, start = 0): Value[] {
  const r = new ByteReader(bytes, 'row');
  r.at = start;
  const row = readValues(r, types, types.length);
  if (!r.done) throw r.corrupt('trailing bytes after the last column');
  return row;
}

function readValues(r: ByteReader, types: readonly ColumnType[] | ScalarType, limit: number): Value[] {
  const count = r.varint();
  if (count > limit) throw r.corrupt(`${count} values where at most ${limit} fit`);
  // Every value takes at least its null bit, so a count beyond that is damage, not data.
  if (count > (r.buf.length - r.at) * 8) throw r.corrupt(`${count} values in ${r.buf.length - r.at} bytes`);
  const bitmapAt = r.at;
  const bitmapBytes = Math.ceil(count / 8);
  r.need(bitmapBytes);
  r.at += bitmapBytes;
  const bitmap = r.buf;
  const perColumn = Array.isArray(types);
  const values: Value[] = new Array(perColumn ? limit : count).fill(null);
  for (let i = 0; i < count; i++) {
    if ((bitmap[bitmapAt + (i >>> 3)] & (1 << (i & 7))) !== 0) continue;
    values[i] = readValue(r, perColumn ? (types as readonly ColumnType[])[i] : (types as ScalarType));
  }
  return values;
}

function readValue(r: ByteReader, type: ColumnType): Value {
  switch (type.kind) {
    case 'int2': return r.i16();
    case 'int4':
    case 'date': return r.i32();
    case 'int8':
    case 'time':
    case 'timestamp':
    case 'timestamptz': return r.i64();
    case 'float4': return r.f32();
    case 'float8': return r.f64();
    case 'bool': return r.u8() !== 0;
    case 'interval': return { months: r.i32(), days: r.i32(), micros: r.i64() };
    case 'uuid': {
      const hex = r.view(16).toString('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    }
    case 'text':
    case 'varchar':
    case 'char':
    case 'jsonb': return r.utf8(r.varint());
    case 'bytea': return copyOf(r.view(r.varint()));
    case 'numeric': return readNumeric(new ByteReader(r.view(r.varint()), 'numeric value'));
    case 'array': {
      const inner = new ByteReader(r.view(r.varint()), 'array value');
      const elements = readValues(inner, type.element, Number.MAX_SAFE_INTEGER);
      return inner.done ? elements : readShaped(inner, elements);
    }
  }
}

/** The shape after an array's elements (see the header); the one-dimensional-from-1 shape has
 * its own form, so it is damage here. */
function readShaped(r: ByteReader, elements: Value[]): Value {
  const ndim = r.u8();
  if (ndim > MAX_DIMENSIONS) throw r.corrupt(`${ndim} dimensions`);
  const lengths: number[] = [];
  const lowers: number[] = [];
  for (let i = 0; i < ndim; i++) {
    lengths.push(r.varint());
    lowers.push(r.i32());
  }
  if (!r.done) throw r.corrupt('trailing bytes');
  const problem = shapeProblem(lengths, lowers, elements.length) ?? (ndim === 1 && lowers[0] === 1 ? 'a shape for one dimension from 1' : undefined);
  if (problem !== undefined) throw r.corrupt(problem);
  return makeArray(elements, lengths, lowers);
}

function readNumeric(r: ByteReader): string {
  const kind = r.u8();
  if (kind === NUMERIC_KIND.NaN) return 'NaN';
  if (kind === NUMERIC_KIND.Infinity) return 'Infinity';
  if (kind === NUMERIC_KIND['-Infinity']) return '-Infinity';
  if (kind > 1) throw r.corrupt(`unknown numeric kind ${kind}`);
  const scale = r.varint();
  if (scale > NUMERIC_MAX_SCALE) throw r.corrupt(`numeric scale ${scale} out of range`);
  const magnitude = r.view(r.buf.length - r.at);
  const unscaled = magnitude.length === 0 ? 0n : BigInt(`0x${magnitude.toString('hex')}`);
  return formatDecimal(kind === 1, unscaled, scale);
}
