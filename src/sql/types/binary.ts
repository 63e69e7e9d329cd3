/**
 * Values in PostgreSQL 15's binary wire formats (each type's typsend / typrecv), big-endian:
 * int2/int4/int8 and float4/float8 as such, bool one byte, numeric as numeric-wire.ts describes,
 * text types UTF-8, date int32 days and time/timestamp/timestamptz int64 microseconds (±infinity
 * the integer extremes), interval int64 µs + int32 days + int32 months, uuid 16 bytes, bytea
 * raw, jsonb a version byte (1) and the text, arrays as ndim, has-null flag, element OID, then
 * (length, lower bound) per dimension and each element as int32 length (-1 for NULL) + bytes.
 *
 * Receiving validates as PostgreSQL does and raises what it raises: 08P01 when the data ends
 * early, 22P03 for a malformed value or bytes left over, and PostgreSQL's own codes where it has
 * them (22008 for a date or timestamp out of range, 22021 for bad UTF-8, 22P02 for bad JSON,
 * 42804 for an array of another element type, 54000 for impossible array sizes).
 */
import { arrayElements, arrayShape, checkBounds, elementCount, makeArray, MAX_DIMENSIONS, tooManyDimensions, type ArrayValue } from '../../engine/array-value.ts';
import type { ColumnType, Interval, ScalarType, Value } from '../../engine/types.ts';
import { DATE_NEG_INFINITY, DATE_POS_INFINITY, MICROS_PER_DAY, TIMESTAMP_NEG_INFINITY, TIMESTAMP_POS_INFINITY, isValidDate, isValidTimestamp } from './calendar.ts';
import { EngineError, TypeState, insufficientData, invalidBinary } from './errors.ts';
import { parseJsonb } from './jsonb.ts';
import { checkedScale, checkedSign, numericFromWire, numericToWire } from './numeric-wire.ts';
import { typeNameOfOid, typeOid } from './oids.ts';
import type { NonNullValue } from './text-out.ts';
import { decodeUtf8, encodeUtf8 } from './utf8.ts';

const JSONB_VERSION = 1;
/** PostgreSQL's FirstGenbkiObjectId: below it, OIDs are built-in types. */
const FIRST_NON_BUILTIN_OID = 10_000;

export function binarySend(type: ColumnType, value: NonNullValue): Uint8Array {
  if (type.kind !== 'array') return sendScalar(type, value);
  const element = type.element;
  const { lengths, lowers } = arrayShape(value as ArrayValue);
  return sendArray(typeOid(element), arrayElements(value as ArrayValue), lengths, lowers, (item) => sendScalar(element, item));
}

/**
 * Decodes a binary value; `parameter` (1-based) names the Bind parameter in the error PostgreSQL
 * raises when bytes are left over.
 */
export function binaryRecv(type: ColumnType, bytes: Uint8Array, parameter?: number): NonNullValue {
  const reader = new Reader(bytes);
  const value = type.kind === 'array' ? recvColumnArray(type.element, reader) : recvScalar(type, reader);
  if (!reader.atEnd()) throw invalidBinary(parameter === undefined ? 'incorrect binary data format' : `incorrect binary data format in bind parameter ${parameter}`);
  return value;
}

function fixed(size: number, write: (view: DataView) => void): Uint8Array {
  const bytes = new Uint8Array(size);
  write(new DataView(bytes.buffer));
  return bytes;
}

function sendScalar(type: ScalarType, value: NonNullValue): Uint8Array {
  switch (type.kind) {
    case 'int2':
      return fixed(2, (view) => view.setInt16(0, value as number));
    case 'int4':
    case 'date':
      return fixed(4, (view) => view.setInt32(0, value as number));
    case 'int8':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      return fixed(8, (view) => view.setBigInt64(0, value as bigint));
    case 'float4':
      return fixed(4, (view) => view.setFloat32(0, value as number));
    case 'float8':
      return fixed(8, (view) => view.setFloat64(0, value as number));
    case 'bool':
      return Uint8Array.of(value ? 1 : 0);
    case 'numeric': {
      const { weight, sign, dscale, digits } = numericToWire(value as string);
      return fixed(8 + 2 * digits.length, (view) => {
        view.setInt16(0, digits.length);
        view.setInt16(2, weight);
        view.setUint16(4, sign);
        view.setUint16(6, dscale);
        digits.forEach((digit, i) => view.setInt16(8 + 2 * i, digit));
      });
    }
    case 'text':
    case 'varchar':
    case 'char':
      return encodeUtf8(value as string);
    case 'jsonb':
      return Buffer.concat([Uint8Array.of(JSONB_VERSION), encodeUtf8(value as string)]);
    case 'interval': {
      const { months, days, micros } = value as Interval;
      return fixed(16, (view) => {
        view.setBigInt64(0, micros);
        view.setInt32(8, days);
        view.setInt32(12, months);
      });
    }
    case 'uuid':
      return Buffer.from((value as string).replace(/-/g, ''), 'hex');
    case 'bytea':
      return Uint8Array.from(value as Uint8Array);
  }
}

/** A cursor over a message, failing as PostgreSQL's pq_getmsg* do when data runs out. */
class Reader {
  private at = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private take(size: number): number {
    if (size > this.bytes.length - this.at) throw insufficientData();
    const at = this.at;
    this.at += size;
    return at;
  }

  atEnd(): boolean {
    return this.at === this.bytes.length;
  }

  get remaining(): number {
    return this.bytes.length - this.at;
  }

  /** pq_getmsgbyte, with its own message. */
  byte(): number {
    if (this.atEnd()) throw new EngineError(TypeState.protocolViolation, 'no data left in message');
    return this.view.getUint8(this.at++);
  }

  uint8(): number {
    return this.view.getUint8(this.take(1));
  }

  int16(): number {
    return this.view.getInt16(this.take(2));
  }

  uint16(): number {
    return this.view.getUint16(this.take(2));
  }

  int32(): number {
    return this.view.getInt32(this.take(4));
  }

  uint32(): number {
    return this.view.getUint32(this.take(4));
  }

  int64(): bigint {
    return this.view.getBigInt64(this.take(8));
  }

  float32(): number {
    return this.view.getFloat32(this.take(4));
  }

  float64(): number {
    return this.view.getFloat64(this.take(8));
  }

  bytesOf(size: number): Uint8Array {
    const at = this.take(size);
    return this.bytes.subarray(at, at + size);
  }

  rest(): Uint8Array {
    return this.bytesOf(this.remaining);
  }
}

function outOfRange(what: string): EngineError {
  return new EngineError(TypeState.datetimeFieldOverflow, `${what} out of range`);
}

function recvScalar(type: ScalarType, reader: Reader): NonNullValue {
  switch (type.kind) {
    case 'int2':
      return reader.int16();
    case 'int4':
      return reader.int32();
    case 'int8':
      return reader.int64();
    case 'float4':
      return reader.float32();
    case 'float8':
      return reader.float64();
    case 'bool':
      return reader.byte() !== 0;
    case 'numeric': {
      const [count, weight, sign, dscale] = [reader.uint16(), reader.int16(), checkedSign(reader.uint16()), checkedScale(reader.uint16())];
      const digits = Array.from({ length: count }, () => reader.int16());
      return numericFromWire({ weight, sign, dscale, digits });
    }
    case 'text':
    case 'varchar':
    case 'char':
      return decodeUtf8(reader.rest());
    case 'jsonb': {
      const version = reader.uint8();
      if (version !== JSONB_VERSION) throw invalidBinary(`unsupported jsonb version number ${version}`);
      return parseJsonb(decodeUtf8(reader.rest()));
    }
    case 'date': {
      const days = reader.int32();
      if (days !== DATE_NEG_INFINITY && days !== DATE_POS_INFINITY && !isValidDate(days)) throw outOfRange('date');
      return days;
    }
    case 'time': {
      const micros = reader.int64();
      if (micros < 0n || micros > MICROS_PER_DAY) throw outOfRange('time');
      return micros;
    }
    case 'timestamp':
    case 'timestamptz': {
      const micros = reader.int64();
      if (micros !== TIMESTAMP_NEG_INFINITY && micros !== TIMESTAMP_POS_INFINITY && !isValidTimestamp(micros)) throw outOfRange('timestamp');
      return micros;
    }
    case 'interval': {
      const micros = reader.int64();
      const days = reader.int32();
      return { months: reader.int32(), days, micros };
    }
    case 'uuid': {
      const hex = Buffer.from(reader.bytesOf(16)).toString('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    }
    case 'bytea':
      return Uint8Array.from(reader.rest());
  }
}

/**
 * array_send: ndim, has-null flag, element OID, (length, lower bound) per dimension, then each
 * element (row-major) as int32 length (-1 for NULL) and bytes.
 */
export function sendArray(elementOid: number, elements: readonly Value[], lengths: readonly number[], lowers: readonly number[], sendElement: (value: NonNullValue) => Uint8Array): Uint8Array {
  const header = [lengths.length, elements.includes(null) ? 1 : 0, elementOid];
  for (let i = 0; i < lengths.length; i++) header.push(lengths[i], lowers[i]);
  const parts = [fixed(4 * header.length, (view) => header.forEach((word, i) => view.setUint32(4 * i, word >>> 0)))];
  for (const value of elements) {
    if (value === null) {
      parts.push(fixed(4, (view) => view.setInt32(0, -1)));
      continue;
    }
    const bytes = sendElement(value);
    parts.push(fixed(4, (view) => view.setInt32(0, bytes.length)), bytes);
  }
  return Buffer.concat(parts);
}

export interface ReceivedArray {
  readonly elements: Value[];
  readonly lengths: number[];
  readonly lowers: number[];
}

/**
 * array_recv of all of `bytes`, for elements of type `expectedOid` decoded by `recvElement`
 * (given an element's bytes and its position from 0). `oidName` names types in the error for
 * data of another element type. An empty array comes back with its dimensions as sent.
 */
export function recvArray(bytes: Uint8Array, expectedOid: number, oidName: (oid: number) => string, recvElement: (bytes: Uint8Array, index: number) => Value): ReceivedArray {
  const reader = new Reader(bytes);
  const received = readArray(reader, expectedOid, oidName, recvElement);
  if (!reader.atEnd()) throw invalidBinary('incorrect binary data format');
  return received;
}

function recvColumnArray(element: ScalarType, reader: Reader): ArrayValue {
  const { elements, lengths, lowers } = readArray(reader, typeOid(element), typeNameOfOid, (bytes, i) => {
    const item = new Reader(bytes);
    const value = recvScalar(element, item);
    if (!item.atEnd()) throw invalidBinary(`improper binary format in array element ${i + 1}`);
    return value;
  });
  return makeArray(elements, lengths, lowers);
}

function readArray(reader: Reader, expectedOid: number, oidName: (oid: number) => string, recvElement: (bytes: Uint8Array, index: number) => Value): ReceivedArray {
  const dimensions = reader.int32();
  if (dimensions < 0) throw invalidBinary(`invalid number of dimensions: ${dimensions}`);
  if (dimensions > MAX_DIMENSIONS) throw tooManyDimensions(dimensions);
  const flags = reader.int32();
  if (flags !== 0 && flags !== 1) throw invalidBinary('invalid array flags');
  const elementOid = reader.uint32();
  if (elementOid !== expectedOid && elementOid < FIRST_NON_BUILTIN_OID && expectedOid < FIRST_NON_BUILTIN_OID) {
    throw new EngineError(
      TypeState.datatypeMismatch,
      `binary data has array element type ${elementOid} (${oidName(elementOid)}) instead of expected ${expectedOid} (${oidName(expectedOid)})`,
    );
  }
  const lengths: number[] = [];
  const lowers: number[] = [];
  for (let i = 0; i < dimensions; i++) {
    lengths.push(reader.int32());
    lowers.push(reader.int32());
  }
  const count = elementCount(lengths);
  checkBounds(lengths, lowers);
  const elements: Value[] = [];
  for (let i = 0; i < count; i++) {
    const length = reader.int32();
    if (length < -1 || length > reader.remaining) throw invalidBinary('insufficient data left in message');
    elements.push(length === -1 ? null : recvElement(reader.bytesOf(length), i));
  }
  return { elements, lengths, lowers };
}
