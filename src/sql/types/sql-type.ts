/**
 * The types SQL expressions can have: every type the engine stores (`ColumnType`), plus the
 * ones that only exist while a statement runs or in the catalog views PostgreSQL tools read.
 *
 * | kind                          | value                                       |
 * |-------------------------------|---------------------------------------------|
 * | unknown                       | string: an untyped literal not yet resolved |
 * | oid, regclass, regtype, regproc, regnamespace, regrole | number (uint32)    |
 * | name                          | string (at most 63 bytes)                   |
 * | char1 (PostgreSQL's `"char"`) | string of one character U+0001…U+00FF (the byte), or '' |
 * | json                          | string: JSON text kept as written           |
 * | int2vector, oidvector         | number[]                                    |
 * | record                        | Value[] (a row)                             |
 * | void                          | null                                        |
 *
 * Arrays may have these as elements too (name[], oid[], regtype[], json[], …), except unknown
 * and void, which have no array type in PostgreSQL.
 */
import type { ColumnType, ScalarType } from '../../engine/types.ts';

export type SqlOnlyKind =
  | 'unknown' | 'oid' | 'regclass' | 'regtype' | 'regproc' | 'regnamespace' | 'regrole'
  | 'name' | 'char1' | 'json' | 'int2vector' | 'oidvector' | 'record' | 'void';

/** A type that is not an array: an engine scalar or a SQL-only kind. */
export type SqlScalarType = ScalarType | { readonly kind: SqlOnlyKind };

export interface SqlArrayType {
  readonly kind: 'array';
  readonly element: SqlScalarType;
}

/** A row value (ROW(…), a set-returning function of several columns in a select list):
 * `fields`, when known, are its columns' types, which its text output needs. */
export interface SqlRecordType {
  readonly kind: 'record';
  readonly fields?: readonly SqlType[];
}

export type SqlType = ColumnType | { readonly kind: SqlOnlyKind } | SqlArrayType | SqlRecordType;

/** The field types of a record type, when known. */
export function recordFields(type: SqlType): readonly SqlType[] | undefined {
  return type.kind === 'record' && 'fields' in type ? type.fields : undefined;
}

export const UNKNOWN: SqlType = { kind: 'unknown' };
export const BOOL: SqlType = { kind: 'bool' };
export const INT4: SqlType = { kind: 'int4' };
export const INT8: SqlType = { kind: 'int8' };
export const TEXT: SqlType = { kind: 'text' };

export function isSqlOnlyKind(kind: string): kind is SqlOnlyKind {
  switch (kind) {
    case 'unknown': case 'oid': case 'regclass': case 'regtype': case 'regproc': case 'regnamespace':
    case 'regrole': case 'name': case 'char1': case 'json': case 'int2vector': case 'oidvector':
    case 'record': case 'void':
      return true;
    default:
      return false;
  }
}

/** True when the engine can store values of this type (arrays only of engine scalars). */
export function isColumnType(type: SqlType): type is ColumnType {
  if (type.kind === 'array') return !isSqlOnlyKind((type as SqlArrayType).element.kind);
  return !isSqlOnlyKind(type.kind);
}
