/**
 * Constants in SBLR, encoded by their type: a presence byte (0 NULL, 1 value), then
 *
 * | type                                   | value                                           |
 * |----------------------------------------|-------------------------------------------------|
 * | int2 / int4, date                      | i16 / i32 big-endian                            |
 * | int8, time, timestamp, timestamptz     | i64 big-endian                                  |
 * | float4, float8                         | f64 big-endian (float4 too: the IR's value is a double) |
 * | numeric                                | sign u8 (0 +, 1 −, 2 NaN, 3 +∞, 4 −∞); finite: scale uint, magnitude (uint length, big-endian bytes without leading zero) |
 * | bool                                   | u8 0 / 1                                        |
 * | text, varchar, char, jsonb, json, name, unknown, "char" | string (uint byte length, UTF-8) |
 * | interval                               | months i32, days i32, micros i64                |
 * | uuid                                   | 16 bytes                                        |
 * | bytea                                  | uint length, bytes                              |
 * | oid, reg*                              | uint                                            |
 * | T[]                                    | uint dimensions (0 for an empty array), then per dimension uint length (≥ 1) and i32 lower bound, then each element (row-major) as a T constant |
 * | int2vector / oidvector                 | uint count, then i16 / uint elements            |
 * | record                                 | uint count, then self-describing fields (RECORD_FIELD_TAGS) |
 * | void                                   | NULL only                                       |
 *
 * Both directions check the value is a valid value of its type (the engine's `checkValue`
 * for stored types, PostgreSQL's rules for the others), so a verified constant can be used as
 * it is. Numerics decode to the engine's canonical spelling, uuids to lower case.
 */
import { arrayElements, arrayShape, makeArray, MAX_DIMENSIONS, shapeProblem, type ArrayValue } from '../engine/array-value.ts';
import { copyOf } from '../engine/bytes.ts';
import { formatDecimal, parseDecimal } from '../engine/decimal.ts';
import { EngineError } from '../engine/errors.ts';
import { checkValue, type Interval, type Value } from '../engine/types.ts';
import { isColumnType, type SqlType } from '../sql/types/sql-type.ts';
import {
  MAX_DEPTH, MAX_UINT, NAME_MAX_BYTES, NUMERIC_MAX_MAGNITUDE_BYTES, NUMERIC_MAX_SCALE, NUMERIC_SIGNS, RECORD_FIELD_TAGS,
} from '../../sblr/format.ts';
import { invalidProgram, unencodable } from './errors.ts';
import type { ProgramReader } from './reader.ts';
import { typeName } from './types.ts';
import type { ProgramWriter } from './writer.ts';

/** Charges decoded elements against the program's budget. */
export type Spend = (elements: number) => void;

const CANONICAL_NAN = Buffer.alloc(8);
CANONICAL_NAN.writeDoubleBE(NaN);
const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

// ---- validity ----------------------------------------------------------------------------

/** Why `value` is not a valid non-NULL constant of `type`, or undefined when it is. */
function constantProblem(type: SqlType, value: Value): string | undefined {
  if (isColumnType(type)) {
    try {
      checkValue(type, value, 'constant');
      return undefined;
    } catch (error) {
      if (error instanceof EngineError) return error.message;
      throw error;
    }
  }
  switch (type.kind) {
    case 'oid': case 'regclass': case 'regtype': case 'regproc': case 'regnamespace': case 'regrole':
      return isUint32(value) ? undefined : 'not an unsigned 32-bit integer';
    case 'name':
      return typeof value === 'string' && !value.includes('\0') && Buffer.byteLength(value) <= NAME_MAX_BYTES ? undefined : `not a name of at most ${NAME_MAX_BYTES} bytes`;
    case 'unknown':
      return typeof value === 'string' && !value.includes('\0') ? undefined : 'not a string without NUL';
    case 'char1':
      return typeof value === 'string' && value.length <= 1 && (value === '' || (value.charCodeAt(0) >= 1 && value.charCodeAt(0) <= 255)) ? undefined : 'not a single byte';
    case 'json':
      return typeof value === 'string' && isJson(value) ? undefined : 'not JSON text';
    case 'int2vector':
      return Array.isArray(value) && value.every((n) => Number.isInteger(n) && (n as number) >= -32768 && (n as number) <= 32767) ? undefined : 'not a list of int2 values';
    case 'oidvector':
      return Array.isArray(value) && value.every(isUint32) ? undefined : 'not a list of oids';
    case 'record':
      return Array.isArray(value) ? undefined : 'not a row';
    case 'void':
      return 'void has no value but NULL';
  }
}

function isUint32(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_UINT;
}

function isInt32(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= -2147483648 && value <= 2147483647;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

// ---- writing -----------------------------------------------------------------------------

export function writeConstant(w: ProgramWriter, type: SqlType, value: Value): void {
  if (value === null) {
    w.u8(0);
    return;
  }
  const problem = constantProblem(type, value);
  if (problem !== undefined) throw unencodable(`constant of type ${typeName(type)}: ${problem}`);
  w.u8(1);
  writeValue(w, type, value);
}

function writeValue(w: ProgramWriter, type: SqlType, value: Value): void {
  switch (type.kind) {
    case 'int2': return w.i16(value as number);
    case 'int4': case 'date': return w.i32(value as number);
    case 'int8': case 'time': case 'timestamp': case 'timestamptz': return w.i64(value as bigint);
    case 'float4': case 'float8': return w.f64(value as number);
    case 'numeric': return writeNumeric(w, value as string);
    case 'bool': return w.u8(value ? 1 : 0);
    case 'text': case 'varchar': case 'char': case 'jsonb': case 'json': case 'name': case 'unknown': case 'char1':
      return w.string(value as string);
    case 'interval': return writeInterval(w, value as Interval);
    case 'uuid': return w.bytes(Buffer.from((value as string).replace(/-/g, ''), 'hex'));
    case 'bytea':
      w.varint((value as Uint8Array).length);
      return w.bytes(value as Uint8Array);
    case 'oid': case 'regclass': case 'regtype': case 'regproc': case 'regnamespace': case 'regrole':
      return w.varint(value as number);
    case 'array': {
      const { lengths, lowers } = arrayShape(value as ArrayValue);
      w.varint(lengths.length);
      for (let i = 0; i < lengths.length; i++) {
        w.varint(lengths[i]);
        w.i32(lowers[i]);
      }
      for (const element of arrayElements(value as ArrayValue)) writeConstant(w, type.element, element);
      return;
    }
    case 'int2vector':
      w.varint((value as number[]).length);
      for (const n of value as number[]) w.i16(n);
      return;
    case 'oidvector':
      w.varint((value as number[]).length);
      for (const n of value as number[]) w.varint(n);
      return;
    case 'record':
      return writeField(w, value, 0);
    case 'void':
      throw unencodable('void has no value but NULL');
  }
}

function writeInterval(w: ProgramWriter, value: Interval): void {
  w.i32(value.months);
  w.i32(value.days);
  w.i64(value.micros);
}

function writeNumeric(w: ProgramWriter, text: string): void {
  const decimal = parseDecimal(text);
  if (decimal.kind !== 'finite') {
    w.u8(NUMERIC_SIGNS[decimal.kind]);
    return;
  }
  w.u8(decimal.negative ? NUMERIC_SIGNS.negative : NUMERIC_SIGNS.positive);
  if (decimal.scale > NUMERIC_MAX_SCALE) throw unencodable(`numeric scale ${decimal.scale}`);
  w.varint(decimal.scale);
  const hex = decimal.unscaled === 0n ? '' : decimal.unscaled.toString(16);
  const magnitude = Buffer.from(hex.length % 2 === 1 ? `0${hex}` : hex, 'hex');
  if (magnitude.length > NUMERIC_MAX_MAGNITUDE_BYTES) throw unencodable('numeric constant with too many digits');
  w.varint(magnitude.length);
  w.bytes(magnitude);
}

/** A record field: its value says its own kind, as a record type names no field types. */
function writeField(w: ProgramWriter, value: Value, depth: number): void {
  if (depth >= MAX_DEPTH) throw unencodable(`record constant nested deeper than ${MAX_DEPTH}`);
  if (value === null) return w.u8(RECORD_FIELD_TAGS.null);
  switch (typeof value) {
    case 'boolean': return w.u8(value ? RECORD_FIELD_TAGS.true : RECORD_FIELD_TAGS.false);
    case 'number':
      w.u8(RECORD_FIELD_TAGS.number);
      return w.f64(value);
    case 'bigint':
      if (value < INT8_MIN || value > INT8_MAX) throw unencodable('record field bigint beyond 64 bits');
      w.u8(RECORD_FIELD_TAGS.bigint);
      return w.i64(value);
    case 'string':
      w.u8(RECORD_FIELD_TAGS.string);
      return w.string(value);
  }
  if (value instanceof Uint8Array) {
    w.u8(RECORD_FIELD_TAGS.bytes);
    w.varint(value.length);
    return w.bytes(value);
  }
  if (Array.isArray(value)) {
    w.u8(RECORD_FIELD_TAGS.array);
    w.varint(value.length);
    for (const field of value as readonly Value[]) writeField(w, field, depth + 1);
    return;
  }
  const interval = value as Interval;
  if (!isInt32(interval.months) || !isInt32(interval.days) || typeof interval.micros !== 'bigint' || interval.micros < INT8_MIN || interval.micros > INT8_MAX) {
    throw unencodable('record field is neither a value nor a valid interval');
  }
  w.u8(RECORD_FIELD_TAGS.interval);
  writeInterval(w, interval);
}

// ---- reading -----------------------------------------------------------------------------

export function readConstant(r: ProgramReader, type: SqlType, spend: Spend): Value {
  if (!r.bool()) return null;
  const at = r.at;
  const value = readValue(r, type, spend);
  const problem = constantProblem(type, value);
  if (problem !== undefined) throw invalidProgram(`constant of type ${typeName(type)}: ${problem}`, at);
  return value;
}

function readValue(r: ProgramReader, type: SqlType, spend: Spend): Value {
  switch (type.kind) {
    case 'int2': return r.i16();
    case 'int4': case 'date': return r.i32();
    case 'int8': case 'time': case 'timestamp': case 'timestamptz': return r.i64();
    case 'float4': case 'float8': return readFloat(r);
    case 'numeric': return readNumeric(r);
    case 'bool': return r.bool();
    case 'text': case 'varchar': case 'char': case 'jsonb': case 'json': case 'name': case 'unknown': case 'char1':
      return r.string();
    case 'interval': return { months: r.i32(), days: r.i32(), micros: r.i64() };
    case 'uuid': {
      const hex = r.view(16).toString('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    }
    case 'bytea': {
      const length = r.uint();
      return copyOf(r.view(length));
    }
    case 'oid': case 'regclass': case 'regtype': case 'regproc': case 'regnamespace': case 'regrole':
      return r.uint();
    case 'array':
      return readArray(r, type.element, spend);
    case 'int2vector': {
      const count = r.count(2, 'int2vector element');
      spend(count);
      const elements: number[] = [];
      for (let i = 0; i < count; i++) elements.push(r.i16());
      return elements;
    }
    case 'oidvector': {
      const count = r.count(1, 'oidvector element');
      spend(count);
      const elements: number[] = [];
      for (let i = 0; i < count; i++) elements.push(r.uint());
      return elements;
    }
    case 'record': {
      const at = r.at;
      if (r.u8() !== RECORD_FIELD_TAGS.array) throw invalidProgram('a record constant is not a row', at);
      return readFields(r, spend, 1);
    }
    case 'void':
      throw invalidProgram('void has no value but NULL', r.at);
  }
}

function readArray(r: ProgramReader, element: SqlType, spend: Spend): Value {
  const at = r.at;
  const dimensions = r.uint();
  if (dimensions > MAX_DIMENSIONS) throw invalidProgram(`array of ${dimensions} dimensions`, at);
  const lengths: number[] = [];
  const lowers: number[] = [];
  let count = dimensions === 0 ? 0 : 1;
  for (let i = 0; i < dimensions; i++) {
    lengths.push(r.uint());
    lowers.push(r.i32());
    count *= lengths[i];
    // Each element takes at least its presence byte.
    if (count > r.remaining) throw invalidProgram(`array of ${count} elements exceeds the bytes that follow`, at);
  }
  const problem = dimensions === 0 ? undefined : shapeProblem(lengths, lowers, count);
  if (problem !== undefined) throw invalidProgram(`array constant: ${problem}`, at);
  spend(count);
  const elements: Value[] = [];
  for (let i = 0; i < count; i++) elements.push(readConstant(r, element, spend));
  return makeArray(elements, lengths, lowers);
}

function readFloat(r: ProgramReader): number {
  const at = r.at;
  const value = r.f64();
  if (Number.isNaN(value) && !r.buf.subarray(at, at + 8).equals(CANONICAL_NAN)) throw invalidProgram('non-canonical NaN', at);
  return value;
}

function readNumeric(r: ProgramReader): string {
  const at = r.at;
  const sign = r.u8();
  if (sign === NUMERIC_SIGNS.NaN) return 'NaN';
  if (sign === NUMERIC_SIGNS.Infinity) return 'Infinity';
  if (sign === NUMERIC_SIGNS['-Infinity']) return '-Infinity';
  if (sign > NUMERIC_SIGNS.negative) throw invalidProgram(`numeric sign byte ${sign}`, at);
  const scale = r.uint();
  if (scale > NUMERIC_MAX_SCALE) throw invalidProgram(`numeric scale ${scale}`, at);
  const length = r.uint();
  if (length > NUMERIC_MAX_MAGNITUDE_BYTES) throw invalidProgram('numeric constant with too many digits', at);
  const magnitude = r.view(length);
  if (length > 0 && magnitude[0] === 0) throw invalidProgram('numeric magnitude with a leading zero byte', at);
  if (length === 0 && sign === NUMERIC_SIGNS.negative) throw invalidProgram('negative numeric zero', at);
  const unscaled = length === 0 ? 0n : BigInt(`0x${magnitude.toString('hex')}`);
  return formatDecimal(sign === NUMERIC_SIGNS.negative, unscaled, scale);
}

function readFields(r: ProgramReader, spend: Spend, depth: number): Value[] {
  if (depth > MAX_DEPTH) throw invalidProgram(`record constant nested deeper than ${MAX_DEPTH}`, r.at);
  const count = r.count(1, 'record field');
  spend(count);
  const fields: Value[] = [];
  for (let i = 0; i < count; i++) fields.push(readField(r, spend, depth));
  return fields;
}

function readField(r: ProgramReader, spend: Spend, depth: number): Value {
  const at = r.at;
  const tag = r.u8();
  switch (tag) {
    case RECORD_FIELD_TAGS.null: return null;
    case RECORD_FIELD_TAGS.false: return false;
    case RECORD_FIELD_TAGS.true: return true;
    case RECORD_FIELD_TAGS.number: return readFloat(r);
    case RECORD_FIELD_TAGS.bigint: return r.i64();
    case RECORD_FIELD_TAGS.string: return r.string();
    case RECORD_FIELD_TAGS.bytes: return copyOf(r.view(r.uint()));
    case RECORD_FIELD_TAGS.interval: return { months: r.i32(), days: r.i32(), micros: r.i64() };
    case RECORD_FIELD_TAGS.array: return readFields(r, spend, depth + 1);
    default: throw invalidProgram(`unknown record field tag ${tag}`, at);
  }
}
