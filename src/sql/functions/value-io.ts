/**
 * Text and binary I/O for every SQL type: engine types through src/sql/types (jsonb normalized
 * as jsonb_in stores it), and the SQL-only kinds as PostgreSQL 15's input/output and send/receive
 * functions handle them: oid (oidin: whitespace, an optional sign, negative values wrapped),
 * name (truncated to 63 bytes), "char" (one byte, '\ooo' for the high ones), json (kept as
 * written), int2vector and oidvector (space-separated), the reg* types (names through the
 * session's catalog), void, unknown, and arrays of all of these.
 */
import { arrayElements, arrayShape, makeArray, mapArray, type ArrayValue } from '../../engine/array-value.ts';
import type { Value } from '../../engine/types.ts';
import { formatArray, parseArray } from '../types/array-text.ts';
import { binaryRecv, binarySend, recvArray, sendArray } from '../types/binary.ts';
import { invalidBinary, invalidSyntax, insufficientData } from '../types/errors.ts';
import { parseJsonb } from '../types/jsonb.ts';
import { isCSpace } from '../types/libc.ts';
import { textIn } from '../types/text-in.ts';
import { textOut, type NonNullValue } from '../types/text-out.ts';
import { decodeUtf8, encodeUtf8, nulInText } from '../types/utf8.ts';
import { isColumnType, type SqlScalarType, type SqlType } from '../types/sql-type.ts';
import type { EvalContext } from './context.ts';
import { EngineError, FnState } from './errors.ts';
import { parseJson, writeJsonb } from './json/value.ts';
import { quoteIdentifier, splitQualifiedName } from './names.ts';
import { parseSqlType, sqlTypeFromOid, sqlTypeName, sqlTypeOid } from './type-info.ts';

/** What I/O may need from the session: its TimeZone, and catalog names for the reg* types. */
export type IoContext = Pick<EvalContext, 'timeZone' | 'catalog'>;

/** NAMEDATALEN - 1. */
const NAME_MAX_BYTES = 63;
const OID_MAX = 4_294_967_295;

// ---- text in -----------------------------------------------------------------------------------

/** The type's input function applied to `text` (no type modifier: casts apply those). */
export function sqlTextIn(type: SqlType, text: string, ctx: IoContext): Value {
  if (type.kind === 'jsonb') return normalizeJsonb(textIn(type, text) as string);
  if (type.kind === 'array') {
    if (isColumnType(type) && type.element.kind !== 'jsonb') return textIn(type, text, ctx.timeZone);
    const element = type.element;
    return mapArray(parseArray(text), (item) => (item === null ? null : sqlTextIn(element, item as string, ctx)));
  }
  if (isColumnType(type)) return textIn(type, text, ctx.timeZone);
  if (text.includes('\0')) throw nulInText();
  switch (type.kind) {
    case 'unknown':
      return text;
    case 'oid':
      return oidIn(text, 'oid');
    case 'name':
      return truncateName(text);
    case 'char1':
      return charIn(text);
    case 'json':
      parseJsonb(text);
      return text;
    case 'int2vector':
      return vectorIn(text, 'int2vector', (item) => textIn({ kind: 'int2' }, item) as number);
    case 'oidvector':
      return vectorIn(text, 'oidvector', (item) => oidIn(item, 'oid'));
    case 'regclass':
    case 'regtype':
    case 'regproc':
    case 'regnamespace':
    case 'regrole':
      return regIn(type.kind, text, ctx);
    case 'void':
      return null;
    case 'record':
      throw new EngineError(FnState.featureNotSupported, 'input of anonymous composite types is not implemented');
  }
}

/** jsonb_in's stored form: keys sorted and unique, numbers canonical, jsonb_out's spacing. */
export function normalizeJsonb(text: string): string {
  return writeJsonb(parseJson(text));
}

/** oidin: strtoul with C's rules, then the range of Oid or of a negative int4. */
export function oidIn(text: string, typeName: string): number {
  const match = /^[ \t\n\r\v\f]*([+-]?)(\d+)/.exec(text);
  if (match === null) throw invalidSyntax(typeName, text);
  let end = match[0].length;
  while (isCSpace(text[end])) end++;
  if (end !== text.length) throw invalidSyntax(typeName, text);
  const magnitude = BigInt(match[2]);
  const outOfRange = () => new EngineError(FnState.numericValueOutOfRange, `value "${text}" is out of range for type ${typeName}`);
  if (magnitude > 2n ** 64n - 1n) throw outOfRange();
  if (match[1] !== '-') {
    if (magnitude > BigInt(OID_MAX)) throw outOfRange();
    return Number(magnitude);
  }
  if (magnitude > 2n ** 31n) throw outOfRange();
  return Number((2n ** 32n - magnitude) % 2n ** 32n);
}

/** namein: at most 63 bytes, cut at a character boundary. */
export function truncateName(text: string): string {
  if (text.length <= NAME_MAX_BYTES / 3 || Buffer.byteLength(text) <= NAME_MAX_BYTES) return text;
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > NAME_MAX_BYTES) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}

/** charin: '\ooo' is that byte, anything else its first byte ('' for none). */
export function charIn(text: string): string {
  if (/^\\[0-7]{3}$/.test(text)) {
    const byte = parseInt(text.slice(1), 8) & 0xff;
    return byte === 0 ? '' : String.fromCharCode(byte);
  }
  if (text === '') return '';
  const first = text.charCodeAt(0);
  return first < 0x80 ? text[0] : String.fromCharCode(encodeUtf8(text.slice(0, 2))[0]);
}

/** int2vector / oidvector: at most FUNC_MAX_ARGS (100) space-separated elements. */
function vectorIn(text: string, typeName: string, element: (item: string) => number): number[] {
  const items = text.split(/[ \t\n\r\v\f]+/).filter((item) => item !== '');
  if (items.length > 100) throw new EngineError(FnState.invalidParameterValue, `${typeName} has too many elements`);
  return items.map(element);
}

type RegKind = 'regclass' | 'regtype' | 'regproc' | 'regnamespace' | 'regrole';

/** The reg* input functions: an OID in digits, '-' for 0, else a name looked up in the catalog. */
function regIn(kind: RegKind, text: string, ctx: IoContext): number {
  if (text === '-') return 0;
  if (/^\d+$/.test(text)) return oidIn(text, kind);
  const { catalog } = ctx;
  switch (kind) {
    case 'regclass': {
      const oid = catalog.relationOid(splitQualifiedName(text));
      if (oid === undefined) throw new EngineError(FnState.undefinedTable, `relation "${text}" does not exist`);
      return oid;
    }
    case 'regtype': {
      const builtin = parseSqlType(text);
      const oid = builtin !== undefined ? sqlTypeOid(builtin) : catalog.typeOid(splitQualifiedName(text));
      if (oid === undefined || oid === 0) throw new EngineError(FnState.undefinedObject, `type "${text}" does not exist`);
      return oid;
    }
    case 'regproc': {
      const oid = catalog.functionOid(splitQualifiedName(text));
      if (oid === undefined) throw new EngineError(FnState.undefinedFunction, `function "${text}" does not exist`);
      return oid;
    }
    case 'regnamespace': {
      const parts = splitQualifiedName(text);
      if (parts.length !== 1) throw new EngineError('42601', 'invalid name syntax');
      const oid = catalog.namespaceOid(parts[0]);
      if (oid === undefined) throw new EngineError('3F000', `schema "${parts[0]}" does not exist`);
      return oid;
    }
    case 'regrole': {
      const parts = splitQualifiedName(text);
      if (parts.length !== 1) throw new EngineError('42601', 'invalid name syntax');
      const oid = catalog.roleOid(parts[0]);
      if (oid === undefined) throw new EngineError(FnState.undefinedObject, `role "${parts[0]}" does not exist`);
      return oid;
    }
  }
}

// ---- text out ----------------------------------------------------------------------------------

/** The type's output function: PostgreSQL's text for a non-NULL value. */
export function sqlTextOut(type: SqlType, value: NonNullValue, ctx: IoContext): string {
  if (isColumnType(type)) return textOut(type, value, ctx.timeZone);
  if (type.kind === 'array') {
    const element = type.element;
    return formatArray(mapArray(value as ArrayValue, (item) => (item === null ? null : sqlTextOut(element, item, ctx))));
  }
  switch (type.kind) {
    case 'unknown':
    case 'name':
    case 'json':
      return value as string;
    case 'oid':
      return String(value);
    case 'char1':
      return charOut(value as string);
    case 'int2vector':
    case 'oidvector':
      return (value as readonly number[]).join(' ');
    case 'regclass':
    case 'regtype':
    case 'regproc':
    case 'regnamespace':
    case 'regrole':
      return regOut(type.kind, value as number, ctx);
    case 'void':
      return '';
    case 'record':
      throw new EngineError(FnState.featureNotSupported, 'output of anonymous records needs their column types');
  }
}

export function charOut(value: string): string {
  if (value === '') return '';
  const byte = value.charCodeAt(0);
  return byte >= 0x80 ? `\\${byte.toString(8).padStart(3, '0')}` : value;
}

function regOut(kind: RegKind, oid: number, ctx: IoContext): string {
  if (oid === 0) return '-';
  const { catalog } = ctx;
  let name: string | undefined;
  switch (kind) {
    case 'regclass':
      name = catalog.relationName(oid);
      break;
    case 'regtype': {
      const builtin = sqlTypeFromOid(oid);
      name = builtin !== undefined ? sqlTypeName(builtin) : catalog.typeName(oid);
      break;
    }
    case 'regproc':
      name = catalog.functionName(oid);
      break;
    case 'regnamespace': {
      const namespace = catalog.namespaceName(oid);
      name = namespace === undefined ? undefined : quoteIdentifier(namespace);
      break;
    }
    case 'regrole': {
      const role = catalog.roleName(oid);
      name = role === undefined ? undefined : quoteIdentifier(role);
      break;
    }
  }
  return name ?? String(oid);
}

// ---- binary ------------------------------------------------------------------------------------

function uint32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value);
  return bytes;
}

/** typsend for every SQL type. */
export function sqlBinarySend(type: SqlType, value: NonNullValue): Uint8Array {
  if (isColumnType(type)) return binarySend(type, value);
  if (type.kind === 'array') {
    const { lengths, lowers } = arrayShape(value as ArrayValue);
    return sendArray(sqlTypeOid(type.element), arrayElements(value as ArrayValue), lengths, lowers, (item) => sqlBinarySend(type.element, item));
  }
  switch (type.kind) {
    case 'unknown':
    case 'name':
    case 'json':
      return encodeUtf8(value as string);
    case 'char1':
      return (value as string) === '' ? Uint8Array.of(0) : Uint8Array.of((value as string).charCodeAt(0));
    case 'oid':
    case 'regclass':
    case 'regtype':
    case 'regproc':
    case 'regnamespace':
    case 'regrole':
      return uint32(value as number);
    case 'int2vector':
    case 'oidvector':
      return sendVector(type.kind === 'int2vector' ? INT2 : OID, value as readonly number[]);
    case 'void':
      return new Uint8Array(0);
    case 'record':
      throw new EngineError(FnState.featureNotSupported, 'binary output of anonymous records is not supported');
  }
}

const INT2: SqlScalarType = { kind: 'int2' };
const OID: SqlScalarType = { kind: 'oid' };

/** int2vector and oidvector are one-dimensional arrays indexed from 0 (empty ones too). */
function sendVector(element: SqlScalarType, values: readonly number[]): Uint8Array {
  return sendArray(sqlTypeOid(element), values, [values.length], [0], (item) => sqlBinarySend(element, item));
}

/** typreceive for every SQL type. */
export function sqlBinaryRecv(type: SqlType, bytes: Uint8Array): Value {
  if (type.kind === 'jsonb') return normalizeJsonb(binaryRecv(type, bytes) as string);
  if (isColumnType(type) && !(type.kind === 'array' && type.element.kind === 'jsonb')) return binaryRecv(type, bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const exactly = (size: number) => {
    if (bytes.length < size) throw insufficientData();
    if (bytes.length > size) throw invalidBinary('incorrect binary data format');
  };
  if (type.kind === 'array') {
    const element = type.element;
    const { elements, lengths, lowers } = recvArray(bytes, sqlTypeOid(element), oidName, (item) => sqlBinaryRecv(element, item));
    return makeArray(elements, lengths, lowers);
  }
  switch (type.kind) {
    case 'unknown':
    case 'name':
      return type.kind === 'name' ? truncateName(decodeUtf8(bytes)) : decodeUtf8(bytes);
    case 'json': {
      const text = decodeUtf8(bytes);
      parseJsonb(text);
      return text;
    }
    case 'char1':
      exactly(1);
      return bytes[0] === 0 ? '' : String.fromCharCode(bytes[0]);
    case 'oid':
    case 'regclass':
    case 'regtype':
    case 'regproc':
    case 'regnamespace':
    case 'regrole':
      exactly(4);
      return view.getUint32(0);
    case 'int2vector':
    case 'oidvector':
      return recvVector(type.kind, bytes);
    case 'void':
      return null;
    case 'record':
      throw new EngineError(FnState.featureNotSupported, 'binary input of anonymous records is not supported');
  }
}

/** int2vectorrecv / oidvectorrecv: array_recv, then one dimension from 0 without NULLs. */
function recvVector(kind: 'int2vector' | 'oidvector', bytes: Uint8Array): Value {
  const element = kind === 'int2vector' ? INT2 : OID;
  const { elements, lengths, lowers } = recvArray(bytes, sqlTypeOid(element), oidName, (item) => sqlBinaryRecv(element, item));
  if (lengths.length !== 1 || lowers[0] !== 0 || elements.includes(null)) throw invalidBinary(`invalid ${kind} data`);
  return elements;
}

function oidName(oid: number): string {
  const type = sqlTypeFromOid(oid);
  return type === undefined ? '???' : sqlTypeName(type);
}
