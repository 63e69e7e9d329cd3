/**
 * The SQL catalog's objects: what CREATE statements make and what pg_catalog shows. They are
 * plain JSON-able records (the catalog stores them as JSON in the home shard), identified by
 * PostgreSQL-style OIDs: built-in objects below 16384, user objects from 16384 on.
 *
 * A column's `type` is the engine's canonical type spelling (`formatType`); defaults, CHECK
 * expressions and view queries are kept as SQL text and bound again where they are used, as
 * PostgreSQL keeps node trees.
 */
export const FIRST_USER_OID = 16384;

export const PG_CATALOG_NAMESPACE = 11;
export const PUBLIC_NAMESPACE = 2200;
export const INFORMATION_SCHEMA_NAMESPACE = 13_000;
export const BOOTSTRAP_SUPERUSER = 10;
export const DATABASE_OID = 5;

export interface ObjectBase {
  readonly oid: number;
  readonly name: string;
  /** Owning role. */
  readonly owner: number;
  readonly comment?: string;
}

export interface NamespaceObject extends ObjectBase {
  readonly kind: 'namespace';
}

export interface RoleObject extends ObjectBase {
  readonly kind: 'role';
  readonly superuser: boolean;
  readonly login: boolean;
  readonly createDb: boolean;
  readonly createRole: boolean;
  readonly inherit: boolean;
  readonly replication: boolean;
  readonly bypassRls: boolean;
  readonly connectionLimit: number;
  /** SCRAM-SHA-256 verifier as PostgreSQL stores it in pg_authid.rolpassword, or null. */
  readonly password: string | null;
  /** µs since 2000-01-01, or null. */
  readonly validUntil: string | null;
}

export interface ColumnObject {
  readonly name: string;
  readonly type: string;
  readonly notNull: boolean;
  /** The DEFAULT expression's SQL text, or null. */
  readonly default: string | null;
  /** GENERATED ALWAYS / BY DEFAULT AS IDENTITY: 'a' / 'd' (pg_attribute.attidentity). */
  readonly identity: 'a' | 'd' | null;
  readonly comment?: string;
}

export interface IndexColumnObject {
  /** Position in the table's columns. */
  readonly column: number;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

export interface IndexObject {
  readonly oid: number;
  readonly name: string;
  readonly columns: readonly IndexColumnObject[];
  readonly unique: boolean;
  /** The index of a PRIMARY KEY or UNIQUE constraint (pg_constraint.conname), else null. */
  readonly constraint: string | null;
  readonly primary: boolean;
  /** Whether it is the table's storage key (the engine's primary key), not a separate index. */
  readonly storageKey: boolean;
  readonly constraintOid: number | null;
  /** COMMENT ON INDEX (the constraint's own comment is the table's `constraintComments`). */
  readonly comment?: string;
}

export interface CheckObject {
  readonly oid: number;
  readonly name: string;
  readonly expr: string;
}

export type ReferentialAction = 'a' | 'r' | 'c' | 'n' | 'd';

export interface ForeignKeyObject {
  readonly oid: number;
  readonly name: string;
  readonly columns: readonly number[];
  readonly refTable: number;
  readonly refColumns: readonly number[];
  /** The referenced table's unique index over `refColumns` (pg_constraint.conindid). */
  readonly refIndex: number;
  /** pg_constraint's codes: a = no action, r = restrict, c = cascade, n = set null, d = set default. */
  readonly onDelete: ReferentialAction;
  readonly onUpdate: ReferentialAction;
  /** `ON DELETE SET NULL (cols)` / `SET DEFAULT (cols)`: the referencing columns it sets, or
   * null for all of them (pg_constraint.confdelsetcols). */
  readonly deleteSetColumns: readonly number[] | null;
  /** MATCH FULL ('f') or MATCH SIMPLE ('s'), as pg_constraint.confmatchtype. */
  readonly match: 'f' | 's';
}

export interface ReplicationObject {
  readonly mode: 'primary_replica' | 'leaderless_quorum';
  readonly factor: number;
  readonly writeQuorum: number;
  readonly readQuorum: number;
}

export interface TableObject extends ObjectBase {
  readonly kind: 'table';
  readonly namespace: number;
  readonly columns: readonly ColumnObject[];
  readonly indexes: readonly IndexObject[];
  readonly checks: readonly CheckObject[];
  readonly foreignKeys: readonly ForeignKeyObject[];
  /** Partition key columns (spread over every shard by their hash), or null: the table lives
   * whole on the home shard. */
  readonly partitionKey: readonly number[] | null;
  readonly replication: ReplicationObject | null;
  /** reloptions as PostgreSQL shows them: 'fillfactor=100'. */
  readonly options: readonly string[];
  /** COMMENT ON CONSTRAINT, by the constraint's OID (pg_constraint.oid). */
  readonly constraintComments?: { readonly [constraintOid: number]: string };
}

export interface ViewObject extends ObjectBase {
  readonly kind: 'view';
  readonly namespace: number;
  /** The defining query as written. */
  readonly query: string;
  readonly columns: readonly { readonly name: string; readonly type: string }[];
}

export interface SequenceObject extends ObjectBase {
  readonly kind: 'sequence';
  readonly namespace: number;
  readonly type: 'int2' | 'int4' | 'int8';
  readonly start: string;
  readonly increment: string;
  readonly min: string;
  readonly max: string;
  readonly cache: number;
  readonly cycle: boolean;
  /** OWNED BY table.column (serial columns): dropped with the table. */
  readonly ownedBy: { readonly table: number; readonly column: number } | null;
}

export type RelationObject = TableObject | ViewObject | SequenceObject;
export type CatalogObject = NamespaceObject | RoleObject | RelationObject;

/** The name of the hidden int8 storage key of a table without a primary key. */
export const HIDDEN_ROW_ID = '_sb_rowid';

/** The table's storage key: its primary key's columns, or none (a hidden row id). */
export function storageKeyIndex(table: TableObject): IndexObject | undefined {
  return table.indexes.find((ix) => ix.storageKey);
}

export function hasHiddenRowId(table: TableObject): boolean {
  return storageKeyIndex(table) === undefined;
}
