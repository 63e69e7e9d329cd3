/**
 * Column lists of system relations, written as PostgreSQL's `\d` prints them
 * ('oid oid, relname name, relkind "char", …'), read into SqlTypes.
 *
 * PostgreSQL types ScratchBird has no SqlType for are shown as the nearest one we have, so the
 * column exists with its name and position and its values read the same:
 *
 * | PostgreSQL                     | here        | why                                           |
 * |--------------------------------|-------------|-----------------------------------------------|
 * | xid                            | oid         | both print as an unsigned 32-bit number        |
 * | aclitem[]                      | text[]      | we keep no ACLs: the columns are NULL          |
 * | pg_node_tree                   | text        | expressions are kept as SQL text (pg_get_expr) |
 * | inet                           | text        | addresses print the same                       |
 * | pg_lsn, anyarray               | text        | always NULL here                               |
 * | information_schema domains     | their base  | sql_identifier name, character_data varchar,   |
 * |                                |             | cardinal_number int4, yes_or_no varchar(3),    |
 * |                                |             | time_stamp timestamptz                         |
 */
import type { SqlScalarType, SqlType } from '../types/sql-type.ts';

export interface SystemColumn {
  readonly name: string;
  readonly type: SqlType;
}

const SCALARS: Record<string, SqlScalarType> = {
  oid: { kind: 'oid' },
  name: { kind: 'name' },
  '"char"': { kind: 'char1' },
  smallint: { kind: 'int2' },
  integer: { kind: 'int4' },
  bigint: { kind: 'int8' },
  real: { kind: 'float4' },
  'double precision': { kind: 'float8' },
  boolean: { kind: 'bool' },
  text: { kind: 'text' },
  bytea: { kind: 'bytea' },
  interval: { kind: 'interval' },
  'timestamp with time zone': { kind: 'timestamptz' },
  regproc: { kind: 'regproc' },
  regtype: { kind: 'regtype' },
  regclass: { kind: 'regclass' },
  int2vector: { kind: 'int2vector' },
  oidvector: { kind: 'oidvector' },
  // Stand-ins (see above).
  xid: { kind: 'oid' },
  aclitem: { kind: 'text' },
  pg_node_tree: { kind: 'text' },
  inet: { kind: 'text' },
  pg_lsn: { kind: 'text' },
  sql_identifier: { kind: 'name' },
  character_data: { kind: 'varchar' },
  cardinal_number: { kind: 'int4' },
  yes_or_no: { kind: 'varchar', length: 3 },
  time_stamp: { kind: 'timestamptz' },
};

function columnType(spelled: string): SqlType {
  if (spelled === 'anyarray') return { kind: 'text' };
  if (spelled.endsWith('[]')) return { kind: 'array', element: scalar(spelled.slice(0, -2)) };
  return scalar(spelled);
}

function scalar(spelled: string): SqlScalarType {
  const type = SCALARS[spelled];
  if (type === undefined) throw new Error(`system column type "${spelled}" has no SqlType`);
  return type;
}

/** Reads 'relname name, relkind "char", reloptions text[]' into columns. */
export function columns(spec: string): readonly SystemColumn[] {
  return spec.split(',').map((part) => {
    const text = part.trim();
    const space = text.indexOf(' ');
    return { name: text.slice(0, space), type: columnType(text.slice(space + 1)) };
  });
}
