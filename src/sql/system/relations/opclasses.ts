/**
 * The operator classes and equality operators PostgreSQL 15 records for ScratchBird's types:
 * pg_index.indclass (the default btree class of each key column), pg_opclass's rows for them,
 * and the `=` operators of foreign keys (pg_constraint.conpfeqop and kin).
 */
import { PG_CATALOG_NAMESPACE } from '../../catalog/model.ts';
import { builtinType } from '../builtin-types.ts';
import { T } from '../expression/typed.ts';
import { AM } from '../well-known.ts';
import type { RowObject, RowSources } from './rows.ts';

const ANYARRAY = 2277;
const CSTRING = 2275;

// oid, opcname, opcfamily, opcintype
const BTREE_CLASSES: readonly [number, string, number, number][] = [
  [1978, 'int4_ops', 1976, T.int4], [1979, 'int2_ops', 1976, T.int2], [1981, 'oid_ops', 1989, T.oid],
  [3122, 'date_ops', 434, T.date], [3123, 'float8_ops', 1970, T.float8], [3124, 'int8_ops', 1976, T.int8],
  [3125, 'numeric_ops', 1988, T.numeric], [3126, 'text_ops', 1994, T.text], [3127, 'timestamptz_ops', 434, T.timestamptz],
  [3128, 'timestamp_ops', 434, T.timestamp], [10000, 'array_ops', 397, ANYARRAY], [10003, 'bool_ops', 424, T.bool],
  [10004, 'bpchar_ops', 426, T.bpchar], [10006, 'bytea_ops', 428, T.bytea], [10007, 'char_ops', 429, T.char],
  [10012, 'float4_ops', 1970, T.float4], [10022, 'interval_ops', 1982, T.interval], [10028, 'name_ops', 1994, T.name],
  [10032, 'oidvector_ops', 1991, 30], [10038, 'time_ops', 1996, T.time], [10065, 'uuid_ops', 2968, T.uuid],
  [10088, 'jsonb_ops', 4033, T.jsonb],
];

const CLASS_BY_TYPE = new Map(BTREE_CLASSES.map(([oid, , , type]) => [type, oid]));

/** The default btree operator class for a column type; varchar uses text's, arrays array_ops. */
export function btreeOpclass(typeOid: number): number {
  if (typeOid === T.varchar) return CLASS_BY_TYPE.get(T.text) ?? 0;
  if (builtinType(typeOid)?.name.startsWith('_')) return CLASS_BY_TYPE.get(ANYARRAY) ?? 0;
  return CLASS_BY_TYPE.get(typeOid) ?? 0;
}

const EQUALS: Record<number, number> = {
  [T.bool]: 91, [T.bytea]: 1955, [T.char]: 92, [T.name]: 93, [T.int8]: 410, [T.int2]: 94, [T.int4]: 96, [T.text]: 98,
  [T.oid]: 607, [T.float4]: 620, [T.float8]: 670, [T.bpchar]: 1054, [T.date]: 1093, [T.time]: 1108, [T.timestamp]: 2060,
  [T.timestamptz]: 1320, [T.interval]: 1330, [T.numeric]: 1752, [T.uuid]: 2972, [T.jsonb]: 3240, [T.varchar]: 98,
};
const ARRAY_EQUALS = 1070;

/** The cross-type integer `=` operators, by (left, right). */
const INTEGER_EQUALS: Record<string, number> = {
  '20,21': 1868, '20,23': 416, '21,20': 1862, '21,23': 532, '23,20': 15, '23,21': 533,
};

function equals(left: number, right: number): number {
  if (left === right || (EQUALS[left] !== undefined && EQUALS[left] === EQUALS[right])) {
    return EQUALS[left] ?? (builtinType(left)?.name.startsWith('_') ? ARRAY_EQUALS : 0);
  }
  return INTEGER_EQUALS[`${left},${right}`] ?? 0;
}

/** A foreign key column pair's operators: referenced = referencing (conpfeqop), referenced =
 * referenced (conppeqop), referencing = referencing (conffeqop). Types with no cross-type
 * operator compare as the referenced type, as PostgreSQL casts the referencing side. */
export function equalityOperator(referencing: number, referenced: number): { crossType: number; referenced: number; referencing: number } {
  const cross = equals(referenced, referencing);
  const same = equals(referenced, referenced);
  if (cross === 0) return { crossType: same, referenced: same, referencing: same };
  return { crossType: cross, referenced: same, referencing: equals(referencing, referencing) };
}

function* pgOpclass(): Iterable<RowObject> {
  for (const [oid, name, family, type] of BTREE_CLASSES) {
    yield {
      oid, opcmethod: AM.btree, opcname: name, opcnamespace: PG_CATALOG_NAMESPACE, opcowner: 10, opcfamily: family,
      opcintype: type, opcdefault: true, opckeytype: type === T.name ? CSTRING : 0,
    };
  }
}

export const OPCLASS_CATALOGS: RowSources = {
  'pg_catalog.pg_opclass': pgOpclass,
};
