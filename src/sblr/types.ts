/**
 * SQL types in SBLR: a code byte plus the modifiers of that kind (sblr/format.ts), and the two
 * ways the verifier compares them.
 *
 * - `sameType`: identical, modifiers included. A reference (COLUMN, OUTER, PARAM, a table's
 *   columns against the shard's catalog) must name exactly the type it reads.
 * - `sameRepresentation`: same kind (and element kind for arrays), modifiers ignored. Where a
 *   value flows into a slot (an argument of a resolved signature, a CASE branch, an output
 *   column), this is what makes the compiled code's assumptions about the value hold;
 *   modifiers there are PostgreSQL's typmods, which only casts act on.
 */
import type { ByteWriter } from '../engine/bytes.ts';
import { formatType, type ColumnType } from '../engine/types.ts';
import { isColumnType, type SqlScalarType, type SqlType } from '../sql/types/sql-type.ts';
import { CHAR_MAX_LENGTH, NUMERIC_MAX_PRECISION, TYPE_CODES } from '../../sblr/format.ts';
import { invalidProgram, unencodable } from './errors.ts';
import type { ProgramReader } from './reader.ts';

type Kind = keyof typeof TYPE_CODES;

const KIND_OF_CODE: (Kind | undefined)[] = [];
for (const [kind, code] of Object.entries(TYPE_CODES) as [Kind, number][]) KIND_OF_CODE[code] = kind;

/** Decoded types without modifiers are shared: plans repeat them constantly. */
const PLAIN = new Map<Kind, SqlType>();
for (const kind of Object.keys(TYPE_CODES) as Kind[]) {
  if (kind !== 'numeric' && kind !== 'varchar' && kind !== 'char' && kind !== 'array') PLAIN.set(kind, Object.freeze({ kind }) as SqlType);
}

export function typeName(type: SqlType): string {
  return isColumnType(type) ? formatType(type) : type.kind;
}

export function writeType(w: ByteWriter, type: SqlType): void {
  const code = (TYPE_CODES as Record<string, number | undefined>)[type.kind];
  if (code === undefined) throw unencodable(`unknown type kind "${type.kind}"`);
  w.u8(code);
  switch (type.kind) {
    case 'numeric': {
      const { precision, scale } = type;
      if (precision !== undefined && !(Number.isInteger(precision) && precision >= 1 && precision <= NUMERIC_MAX_PRECISION)) throw unencodable(`numeric precision ${precision}`);
      if (scale !== undefined && !(Number.isInteger(scale) && scale >= 0 && scale <= (precision ?? NUMERIC_MAX_PRECISION))) throw unencodable(`numeric scale ${scale}`);
      w.u8((precision === undefined ? 0 : 1) | (scale === undefined ? 0 : 2));
      if (precision !== undefined) w.varint(precision);
      if (scale !== undefined) w.varint(scale);
      return;
    }
    case 'varchar':
    case 'char': {
      const { length } = type;
      if (length !== undefined && !(Number.isInteger(length) && length >= 1 && length <= CHAR_MAX_LENGTH)) throw unencodable(`${type.kind} length ${length}`);
      w.u8(length === undefined ? 0 : 1);
      if (length !== undefined) w.varint(length);
      return;
    }
    case 'array':
      if (!isArrayElement(type.element)) throw unencodable(`array of ${type.element.kind}`);
      writeType(w, type.element);
      return;
  }
}

export function readType(r: ProgramReader): SqlType {
  const at = r.at;
  const code = r.u8();
  const kind = KIND_OF_CODE[code];
  if (kind === undefined) throw invalidProgram(`unknown type code ${code}`, at);
  const plain = PLAIN.get(kind);
  if (plain !== undefined) return plain;
  switch (kind) {
    case 'numeric': {
      const flags = readFlags(r, 3);
      const precision = (flags & 1) === 0 ? undefined : r.uint();
      const scale = (flags & 2) === 0 ? undefined : r.uint();
      if (precision !== undefined && (precision < 1 || precision > NUMERIC_MAX_PRECISION)) throw invalidProgram(`numeric precision ${precision}`, at);
      if (scale !== undefined && scale > (precision ?? NUMERIC_MAX_PRECISION)) throw invalidProgram(`numeric scale ${scale}`, at);
      return precision === undefined ? (scale === undefined ? { kind } : { kind, scale }) : scale === undefined ? { kind, precision } : { kind, precision, scale };
    }
    case 'varchar':
    case 'char': {
      if (readFlags(r, 1) === 0) return { kind };
      const length = r.uint();
      if (length < 1 || length > CHAR_MAX_LENGTH) throw invalidProgram(`${kind} length ${length}`, at);
      return { kind, length };
    }
    default: {
      const element = readType(r);
      if (!isArrayElement(element)) throw invalidProgram(`array of ${element.kind}`, at);
      return { kind: 'array', element: element as SqlScalarType };
    }
  }
}

function readFlags(r: ProgramReader, allowed: number): number {
  const flags = r.u8();
  if ((flags & ~allowed) !== 0) throw invalidProgram(`type modifier flags ${flags}`, r.at - 1);
  return flags;
}

/** Element types of arrays: the engine's scalars and the catalog kinds PostgreSQL has arrays of
 * (name[], oid[], "char"[], regtype[], json[], …). */
function isArrayElement(type: SqlType): boolean {
  switch (type.kind) {
    case 'array': case 'unknown': case 'record': case 'void': case 'int2vector': case 'oidvector':
      return false;
    default:
      return true;
  }
}

export function sameType(a: SqlType, b: SqlType): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'numeric': {
      const other = b as Extract<ColumnType, { kind: 'numeric' }>;
      return a.precision === other.precision && a.scale === other.scale;
    }
    case 'varchar':
    case 'char':
      return a.length === (b as Extract<ColumnType, { kind: 'varchar' | 'char' }>).length;
    case 'array':
      return sameType(a.element, (b as Extract<ColumnType, { kind: 'array' }>).element);
    default:
      return true;
  }
}

export function sameRepresentation(a: SqlType, b: SqlType): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind !== 'array' || a.element.kind === (b as Extract<ColumnType, { kind: 'array' }>).element.kind;
}
