/**
 * How result values of each SQL type go on the wire: the type's pg_type facts for
 * RowDescription and ParameterDescription, and one encoder per result column that turns a value
 * into a DataRow field in the column's format. This is the single place that dispatches on the
 * type: engine types (`ColumnType`) go through `src/sql/types`; the SQL-only kinds print through
 * the session's `catalogText` and have no binary form yet.
 */
import { EngineError, SqlState } from '../engine/errors.ts';
import type { Value } from '../engine/types.ts';
import type { OutputContext, ResultColumn } from '../session/contract.ts';
import { binarySend, textOut, typeLength, typeModifier, typeOid, type NonNullValue } from '../sql/types/index.ts';
import { sqlTypeOid as arrayTypeOid } from '../sql/functions/type-info.ts';
import { formatRecord } from '../sql/types/record-text.ts';
import { isColumnType, recordFields, type SqlOnlyKind, type SqlType } from '../sql/types/sql-type.ts';
import type { FieldDescription, FieldValue } from './backend.ts';
import type { FormatCode } from './frontend.ts';

/** PostgreSQL's OID and typlen of each SQL-only kind. */
const SQL_ONLY: Record<SqlOnlyKind, { readonly oid: number; readonly length: number }> = {
  unknown: { oid: 705, length: -2 },
  oid: { oid: 26, length: 4 },
  regclass: { oid: 2205, length: 4 },
  regtype: { oid: 2206, length: 4 },
  regproc: { oid: 24, length: 4 },
  regnamespace: { oid: 4089, length: 4 },
  regrole: { oid: 4096, length: 4 },
  name: { oid: 19, length: 64 },
  char1: { oid: 18, length: 1 },
  json: { oid: 114, length: -1 },
  int2vector: { oid: 22, length: -1 },
  oidvector: { oid: 30, length: -1 },
  record: { oid: 2249, length: -1 },
  void: { oid: 2278, length: 4 },
};

/** Facts of a type that `isColumnType` has ruled out (its narrowing cannot exclude the
 * array variant by kind alone). */
function sqlOnly(type: SqlType): { readonly oid: number; readonly length: number } {
  if (type.kind === 'array') return { oid: arrayTypeOid(type), length: -1 };
  return SQL_ONLY[type.kind as SqlOnlyKind];
}

export function sqlTypeOid(type: SqlType): number {
  return isColumnType(type) ? typeOid(type) : sqlOnly(type).oid;
}

/** pg_type.typlen, RowDescription's data type size. */
export function sqlTypeLength(type: SqlType): number {
  return isColumnType(type) ? typeLength(type) : sqlOnly(type).length;
}

/** atttypmod; the SQL-only kinds have none. */
export function sqlTypeModifier(type: SqlType): number {
  return isColumnType(type) ? typeModifier(type) : -1;
}

/** Turns a non-null value of one column into its DataRow field. */
export type FieldEncoder = (value: NonNullValue) => FieldValue;

/**
 * The format of column `index` under a result-format list as Bind carries it: none (all text),
 * one (for every column) or one per column.
 */
export function formatOf(formats: readonly FormatCode[], index: number): FormatCode {
  if (formats.length === 0) return 0;
  return formats.length === 1 ? formats[0] : formats[index];
}

export function fieldDescriptions(columns: readonly ResultColumn[], formats: readonly FormatCode[]): FieldDescription[] {
  return columns.map((column, i) => ({
    name: column.name,
    tableOid: column.tableOid,
    columnAttr: column.columnAttr,
    typeOid: sqlTypeOid(column.type),
    typeSize: sqlTypeLength(column.type),
    typeModifier: sqlTypeModifier(column.type),
    format: formatOf(formats, i),
  }));
}

/** A value's text; a record's fields each by their own type. */
function textEncoder(type: SqlType, output: OutputContext, timeZone: string): (value: NonNullValue) => string {
  if (isColumnType(type)) return (value) => textOut(type, value, timeZone);
  const fields = recordFields(type);
  if (fields === undefined) return (value) => output.catalogText(type, value);
  const encoders = fields.map((field) => textEncoder(field, output, timeZone));
  return (value) => formatRecord((value as readonly Value[]).map((field, i) => (field === null ? null : encoders[i](field))));
}

/**
 * One encoder per column. Made once per result, so the session's TimeZone is read once per
 * statement; a column whose type has no binary form in the requested format fails here, before
 * any row is sent.
 */
export function columnEncoders(columns: readonly ResultColumn[], formats: readonly FormatCode[], output: OutputContext): FieldEncoder[] {
  const timeZone = output.timeZone;
  return columns.map((column, i): FieldEncoder => {
    const type = column.type;
    const binary = formatOf(formats, i) === 1;
    if (isColumnType(type)) {
      return binary ? (value) => binarySend(type, value) : (value) => textOut(type, value, timeZone);
    }
    if (!binary && recordFields(type) !== undefined) return textEncoder(type, output, timeZone);
    if (binary) {
      const name = type.kind === 'char1' ? '"char"' : type.kind;
      throw new EngineError(SqlState.featureNotSupported, `binary output format is not supported for type ${name}`, {
        hint: `Request column "${column.name}" in text format.`,
      });
    }
    return (value: Value) => output.catalogText(type, value);
  });
}
