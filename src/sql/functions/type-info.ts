/**
 * pg_type facts about every SQL type: OIDs both ways, format_type's spelling, and the type
 * category and preferred flag that PostgreSQL's implicit-cast resolution (typcategory,
 * typispreferred) uses. Engine types take their OIDs from src/sql/types/oids.ts.
 */
import { parseType, type ScalarKind } from '../../engine/types.ts';
import { typeFromOid, typeOid } from '../types/oids.ts';
import { isColumnType, isSqlOnlyKind, type SqlOnlyKind, type SqlScalarType, type SqlType } from '../types/sql-type.ts';

/** pg_type.typcategory: A array, B boolean, D datetime, N numeric, P pseudo, S string, T timespan, U user, X unknown, Z internal. */
export type TypeCategory = 'A' | 'B' | 'D' | 'N' | 'P' | 'S' | 'T' | 'U' | 'X' | 'Z';

interface Facts {
  readonly category: TypeCategory;
  readonly preferred: boolean;
  /** format_type without a modifier, as messages print it. */
  readonly name: string;
}

const SCALAR_FACTS: Record<ScalarKind, Facts> = {
  bool: { category: 'B', preferred: true, name: 'boolean' },
  bytea: { category: 'U', preferred: false, name: 'bytea' },
  int2: { category: 'N', preferred: false, name: 'smallint' },
  int4: { category: 'N', preferred: false, name: 'integer' },
  int8: { category: 'N', preferred: false, name: 'bigint' },
  float4: { category: 'N', preferred: false, name: 'real' },
  float8: { category: 'N', preferred: true, name: 'double precision' },
  numeric: { category: 'N', preferred: false, name: 'numeric' },
  text: { category: 'S', preferred: true, name: 'text' },
  varchar: { category: 'S', preferred: false, name: 'character varying' },
  char: { category: 'S', preferred: false, name: 'character' },
  date: { category: 'D', preferred: false, name: 'date' },
  time: { category: 'D', preferred: false, name: 'time without time zone' },
  timestamp: { category: 'D', preferred: false, name: 'timestamp without time zone' },
  timestamptz: { category: 'D', preferred: true, name: 'timestamp with time zone' },
  interval: { category: 'T', preferred: true, name: 'interval' },
  uuid: { category: 'U', preferred: false, name: 'uuid' },
  jsonb: { category: 'U', preferred: false, name: 'jsonb' },
};

interface SqlOnlyFacts extends Facts {
  readonly oid: number;
  /** 0: PostgreSQL has no array of it. */
  readonly arrayOid: number;
}

const SQL_ONLY_FACTS: Record<SqlOnlyKind, SqlOnlyFacts> = {
  unknown: { oid: 705, arrayOid: 0, category: 'X', preferred: false, name: 'unknown' },
  oid: { oid: 26, arrayOid: 1028, category: 'N', preferred: true, name: 'oid' },
  regproc: { oid: 24, arrayOid: 1008, category: 'N', preferred: false, name: 'regproc' },
  regclass: { oid: 2205, arrayOid: 2210, category: 'N', preferred: false, name: 'regclass' },
  regtype: { oid: 2206, arrayOid: 2211, category: 'N', preferred: false, name: 'regtype' },
  regnamespace: { oid: 4089, arrayOid: 4090, category: 'N', preferred: false, name: 'regnamespace' },
  regrole: { oid: 4096, arrayOid: 4097, category: 'N', preferred: false, name: 'regrole' },
  name: { oid: 19, arrayOid: 1003, category: 'S', preferred: false, name: 'name' },
  char1: { oid: 18, arrayOid: 1002, category: 'Z', preferred: false, name: '"char"' },
  json: { oid: 114, arrayOid: 199, category: 'U', preferred: false, name: 'json' },
  int2vector: { oid: 22, arrayOid: 1006, category: 'A', preferred: false, name: 'int2vector' },
  oidvector: { oid: 30, arrayOid: 1013, category: 'A', preferred: false, name: 'oidvector' },
  record: { oid: 2249, arrayOid: 2287, category: 'P', preferred: false, name: 'record' },
  void: { oid: 2278, arrayOid: 0, category: 'P', preferred: false, name: 'void' },
};

const SQL_ONLY_BY_OID = new Map<number, SqlType>();
for (const [kind, facts] of Object.entries(SQL_ONLY_FACTS) as [SqlOnlyKind, SqlOnlyFacts][]) {
  SQL_ONLY_BY_OID.set(facts.oid, { kind });
  if (facts.arrayOid !== 0) SQL_ONLY_BY_OID.set(facts.arrayOid, { kind: 'array', element: { kind } });
}

function facts(type: SqlScalarType): Facts {
  return isSqlOnlyKind(type.kind) ? SQL_ONLY_FACTS[type.kind] : SCALAR_FACTS[type.kind];
}

/** The type's pg_type OID: integer 23, integer[] 1007, name 19, name[] 1003; 0 for an array PostgreSQL has no type for. */
export function sqlTypeOid(type: SqlType): number {
  if (isColumnType(type)) return typeOid(type);
  if (type.kind === 'array') return isSqlOnlyKind(type.element.kind) ? SQL_ONLY_FACTS[type.element.kind].arrayOid : 0;
  return SQL_ONLY_FACTS[type.kind].oid;
}

/** The type an OID names, without modifiers; undefined for types ScratchBird does not have. */
export function sqlTypeFromOid(oid: number): SqlType | undefined {
  return typeFromOid(oid) ?? SQL_ONLY_BY_OID.get(oid);
}

export function typeCategory(type: SqlType): TypeCategory {
  // record[] is a pseudo-type like record itself.
  if (type.kind === 'array') return type.element.kind === 'record' ? 'P' : 'A';
  return facts(type).category;
}

export function isPreferredType(type: SqlType): boolean {
  return type.kind !== 'array' && facts(type).preferred;
}

/** Whether two types are the same pg_type (modifiers such as varchar's length do not count). */
export function sameType(a: SqlType, b: SqlType): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind !== 'array' || sameType(a.element, (b as typeof a).element);
}

/** format_type(oid, NULL): the name without modifiers, as pg_typeof, regtype and messages print it. */
export function sqlTypeName(type: SqlType): string {
  return type.kind === 'array' ? `${facts(type.element).name}[]` : facts(type).name;
}

/**
 * format_type(oid, typmod) with the type's own modifier: 'character varying(10)', 'numeric(10,2)',
 * 'integer[]'. A char without a length prints 'bpchar', as for a typmod of -1.
 */
export function formatSqlType(type: SqlType): string {
  if (type.kind === 'array') return `${formatSqlType(type.element)}[]`;
  switch (type.kind) {
    case 'varchar':
      return type.length === undefined ? 'character varying' : `character varying(${type.length})`;
    case 'char':
      return type.length === undefined ? 'bpchar' : `character(${type.length})`;
    case 'numeric':
      return type.precision === undefined ? 'numeric' : `numeric(${type.precision},${type.scale ?? 0})`;
    default:
      return facts(type).name;
  }
}

/** pg_type.typname, the internal name ('int4', 'bpchar', 'char' for "char"). */
export function internalTypeName(type: SqlType): string {
  if (type.kind === 'array') return `_${internalTypeName(type.element)}`;
  switch (type.kind) {
    case 'char': return 'bpchar';
    case 'char1': return 'char';
    default: return type.kind;
  }
}

const SQL_ONLY_SPELLINGS: Record<string, SqlOnlyKind> = {
  unknown: 'unknown', oid: 'oid', regclass: 'regclass', regtype: 'regtype', regproc: 'regproc',
  regnamespace: 'regnamespace', regrole: 'regrole', name: 'name', '"char"': 'char1', json: 'json',
  int2vector: 'int2vector', oidvector: 'oidvector', record: 'record', void: 'void',
};

/**
 * A type as SQL spells it: every engine type name parseType knows ('int4', 'varchar(10)',
 * 'timestamp with time zone', 'text[]') plus the SQL-only ones ('oid', 'regclass', 'name',
 * '"char"', 'json', 'name[]'). Undefined when it names no type ScratchBird has; invalid modifiers
 * throw as parseType does.
 */
export function parseSqlType(text: string): SqlType | undefined {
  const spelled = text.trim().toLowerCase().replace(/\s+/g, ' ');
  if (spelled.endsWith('[]')) {
    const element = parseSqlType(spelled.slice(0, -2));
    if (element === undefined || element.kind === 'array' || element.kind === 'unknown' || element.kind === 'void') return undefined;
    return { kind: 'array', element };
  }
  const sqlOnly = SQL_ONLY_SPELLINGS[spelled];
  if (sqlOnly !== undefined) return { kind: sqlOnly };
  try {
    return parseType(spelled);
  } catch (error) {
    if ((error as { code?: string }).code === '42704') return undefined;
    throw error;
  }
}

const INTERNAL_NAMES = new Map<string, SqlType>(
  (
    [
      ['int2', 'int2'], ['int4', 'int4'], ['int8', 'int8'], ['float4', 'float4'], ['float8', 'float8'],
      ['numeric', 'numeric'], ['bool', 'bool'], ['text', 'text'], ['varchar', 'varchar'], ['bpchar', 'char'],
      ['date', 'date'], ['time', 'time'], ['timestamp', 'timestamp'], ['timestamptz', 'timestamptz'],
      ['interval', 'interval'], ['uuid', 'uuid'], ['bytea', 'bytea'], ['jsonb', 'jsonb'], ['json', 'json'],
      ['oid', 'oid'], ['regclass', 'regclass'], ['regtype', 'regtype'], ['regproc', 'regproc'],
      ['regnamespace', 'regnamespace'], ['regrole', 'regrole'], ['name', 'name'], ['char', 'char1'],
    ] as const
  ).map(([name, kind]) => [name, { kind } as SqlType]),
);

/** The type whose pg_type.typname is `name` ('int4', 'bpchar', 'char' = "char"), for typename(x) calls. */
export function typeByInternalName(name: string): SqlType | undefined {
  return INTERNAL_NAMES.get(name);
}
