/**
 * The pg_type facts the wire protocol needs for each engine type: its OID (RowDescription,
 * ParameterDescription, binary arrays), typlen (RowDescription's data type size) and the
 * atttypmod encoding of its modifiers; and the way back from a Parse message's parameter OIDs.
 */
import type { ColumnType, ScalarKind, ScalarType } from '../../engine/types.ts';

interface Catalog {
  readonly oid: number;
  readonly arrayOid: number;
  /** pg_type.typlen: bytes of a fixed-size value, -1 for varlena. */
  readonly length: number;
  /** format_type's spelling, for messages. */
  readonly name: string;
}

const CATALOG: Record<ScalarKind, Catalog> = {
  bool: { oid: 16, arrayOid: 1000, length: 1, name: 'boolean' },
  bytea: { oid: 17, arrayOid: 1001, length: -1, name: 'bytea' },
  int8: { oid: 20, arrayOid: 1016, length: 8, name: 'bigint' },
  int2: { oid: 21, arrayOid: 1005, length: 2, name: 'smallint' },
  int4: { oid: 23, arrayOid: 1007, length: 4, name: 'integer' },
  text: { oid: 25, arrayOid: 1009, length: -1, name: 'text' },
  float4: { oid: 700, arrayOid: 1021, length: 4, name: 'real' },
  float8: { oid: 701, arrayOid: 1022, length: 8, name: 'double precision' },
  char: { oid: 1042, arrayOid: 1014, length: -1, name: 'character' },
  varchar: { oid: 1043, arrayOid: 1015, length: -1, name: 'character varying' },
  date: { oid: 1082, arrayOid: 1182, length: 4, name: 'date' },
  time: { oid: 1083, arrayOid: 1183, length: 8, name: 'time without time zone' },
  timestamp: { oid: 1114, arrayOid: 1115, length: 8, name: 'timestamp without time zone' },
  timestamptz: { oid: 1184, arrayOid: 1185, length: 8, name: 'timestamp with time zone' },
  interval: { oid: 1186, arrayOid: 1187, length: 16, name: 'interval' },
  numeric: { oid: 1700, arrayOid: 1231, length: -1, name: 'numeric' },
  uuid: { oid: 2950, arrayOid: 2951, length: 16, name: 'uuid' },
  jsonb: { oid: 3802, arrayOid: 3807, length: -1, name: 'jsonb' },
};

/** PostgreSQL's VARHDRSZ, which atttypmod counts into varchar/char lengths and numeric modifiers. */
const VARHDRSZ = 4;

const BY_OID = new Map<number, ColumnType>();
for (const [kind, { oid, arrayOid }] of Object.entries(CATALOG) as [ScalarKind, Catalog][]) {
  const element = { kind } as ScalarType;
  BY_OID.set(oid, element);
  BY_OID.set(arrayOid, { kind: 'array', element });
}

/** The type's OID: `int4` 23, `int4[]` 1007. */
export function typeOid(type: ColumnType): number {
  return type.kind === 'array' ? CATALOG[type.element.kind].arrayOid : CATALOG[type.kind].oid;
}

/** pg_type.typlen, as RowDescription reports it: 4 for int4, -1 for text and every array. */
export function typeLength(type: ColumnType): number {
  return type.kind === 'array' ? -1 : CATALOG[type.kind].length;
}

/**
 * The atttypmod PostgreSQL reports for a column of this type: varchar(n)/char(n) n + 4,
 * numeric(p,s) ((p << 16) | s) + 4, an array its element's, -1 for no modifier.
 */
export function typeModifier(type: ColumnType): number {
  switch (type.kind) {
    case 'array':
      return typeModifier(type.element);
    case 'varchar':
    case 'char':
      return type.length === undefined ? -1 : type.length + VARHDRSZ;
    case 'numeric':
      return type.precision === undefined ? -1 : ((type.precision << 16) | (type.scale ?? 0)) + VARHDRSZ;
    default:
      return -1;
  }
}

/**
 * The type a parameter OID in a Parse message names, without modifiers (the protocol carries
 * none); undefined for 0 (unspecified) and for types the engine does not have.
 */
export function typeFromOid(oid: number): ColumnType | undefined {
  return BY_OID.get(oid);
}

/** PostgreSQL's format_type for an OID in messages: 'integer', 'text[]', '???' for one we do not know. */
export function typeNameOfOid(oid: number): string {
  const type = BY_OID.get(oid);
  if (type === undefined) return '???';
  return type.kind === 'array' ? `${CATALOG[type.element.kind].name}[]` : CATALOG[type.kind].name;
}
