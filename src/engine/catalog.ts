/**
 * The shard's catalog: what the shard needs to verify and execute work on its tables.
 *
 * Definitions are stored as MVCC records of the system relation (object id 0) keyed by the
 * table's object id, so DDL commits and rolls back with the transaction that made it. The
 * payload is the JSON of a `TableDefinition`: catalog rows are few and read once per schema
 * change, so readability wins over compactness here; user rows use the binary row codec.
 *
 * `TableInfo` is the compiled form the hot path uses: parsed column types, key layouts and
 * name lookups, built once per schema version.
 */
import { EngineError, SqlState } from './errors.ts';
import { keyScratch, writeKeyParts, type KeyPart } from './key-codec.ts';
import { MAX_KEY_BYTES } from './store.ts';
import { parseType, formatType, type ColumnType, type Row, type Value } from './types.ts';

export const SYSTEM_TABLE_ID = 0;
/** Object ids below this are reserved for the system. */
export const FIRST_USER_OBJECT_ID = 16;

export interface ColumnDefinition {
  readonly name: string;
  /** A type as `parseType` reads it: 'int4', 'varchar(20)', 'numeric(10,2)', 'text[]'. */
  readonly type: string;
  readonly notNull?: boolean;
}

export interface IndexColumn {
  readonly column: string;
  readonly desc?: boolean;
  /** Defaults as PostgreSQL: NULLS LAST for ASC, NULLS FIRST for DESC. */
  readonly nullsFirst?: boolean;
}

export interface IndexDefinition {
  readonly name: string;
  readonly columns: readonly (string | IndexColumn)[];
  readonly unique?: boolean;
}

export interface TableDefinition {
  readonly name: string;
  readonly columns: readonly ColumnDefinition[];
  /** Column names of the primary key; every table has one. */
  readonly primaryKey: readonly string[];
  readonly indexes?: readonly IndexDefinition[];
}

/** A definition as stored: with object ids and the schema version that produced it. */
export interface StoredTable {
  readonly id: number;
  readonly name: string;
  readonly columns: readonly ColumnDefinition[];
  readonly primaryKey: readonly string[];
  readonly indexes: readonly (IndexDefinition & { readonly id: number })[];
  readonly schemaVersion: number;
}

export interface IndexInfo {
  readonly id: number;
  readonly name: string;
  readonly unique: boolean;
  readonly columns: readonly number[];
  readonly parts: readonly KeyPart[];
}

export interface TableInfo {
  readonly id: number;
  readonly name: string;
  readonly stored: StoredTable;
  readonly names: readonly string[];
  readonly types: readonly ColumnType[];
  readonly notNull: readonly boolean[];
  readonly pkColumns: readonly number[];
  readonly pkParts: readonly KeyPart[];
  readonly indexes: readonly IndexInfo[];
  readonly indexByName: ReadonlyMap<string, IndexInfo>;
  readonly columnByName: ReadonlyMap<string, number>;
}

function columnIndex(columnByName: ReadonlyMap<string, number>, table: string, column: string): number {
  const at = columnByName.get(column);
  if (at === undefined) {
    throw new EngineError(SqlState.undefinedColumn, `column "${column}" of relation "${table}" does not exist`);
  }
  return at;
}

export function normalizeIndexColumn(c: string | IndexColumn): IndexColumn {
  return typeof c === 'string' ? { column: c } : c;
}

/** Validates a definition and compiles it. Throws 42xxx errors for bad definitions. */
export function compileTable(stored: StoredTable): TableInfo {
  const { name } = stored;
  if (stored.columns.length === 0) {
    throw new EngineError(SqlState.invalidTableDefinition, `table "${name}" must have at least one column`);
  }
  const columnByName = new Map<string, number>();
  stored.columns.forEach((c, i) => {
    if (columnByName.has(c.name)) throw new EngineError(SqlState.duplicateColumn, `column "${c.name}" specified more than once`);
    columnByName.set(c.name, i);
  });
  const types = stored.columns.map((c) => parseType(c.type));
  if (stored.primaryKey.length === 0) {
    throw new EngineError(SqlState.invalidTableDefinition, `table "${name}" needs a primary key`);
  }
  const pkColumns = stored.primaryKey.map((c) => columnIndex(columnByName, name, c));
  const notNull = stored.columns.map((c, i) => c.notNull === true || pkColumns.includes(i));
  const indexByName = new Map<string, IndexInfo>();
  const indexes = stored.indexes.map((def) => {
    if (indexByName.has(def.name)) throw new EngineError(SqlState.duplicateObject, `index "${def.name}" specified more than once`);
    const cols = def.columns.map(normalizeIndexColumn);
    if (cols.length === 0) throw new EngineError(SqlState.invalidTableDefinition, `index "${def.name}" has no columns`);
    const columns = cols.map((c) => columnIndex(columnByName, name, c.column));
    const info: IndexInfo = {
      id: def.id,
      name: def.name,
      unique: def.unique === true,
      columns,
      parts: cols.map((c, i) => ({ type: types[columns[i]], desc: c.desc === true, nullsFirst: c.nullsFirst ?? c.desc === true })),
    };
    indexByName.set(def.name, info);
    return info;
  });
  return {
    id: stored.id,
    name,
    stored,
    names: stored.columns.map((c) => c.name),
    types,
    notNull,
    pkColumns,
    pkParts: pkColumns.map((i) => ({ type: types[i] })),
    indexes,
    indexByName,
    columnByName,
  };
}

/** Canonicalizes column type spellings so stored definitions compare and print consistently. */
export function canonicalColumns(columns: readonly ColumnDefinition[]): ColumnDefinition[] {
  return columns.map((c) => ({ name: c.name, type: formatType(parseType(c.type)), notNull: c.notNull === true }));
}

// ---- keys ----------------------------------------------------------------------------------

function objectPrefix(id: number, rest: Uint8Array, suffix = 0): Buffer {
  const key = Buffer.allocUnsafe(4 + rest.length + suffix);
  key.writeUInt32BE(id, 0);
  key.set(rest, 4);
  return key;
}

export function tablePrefix(tableId: number): Buffer {
  const key = Buffer.allocUnsafe(4);
  key.writeUInt32BE(tableId, 0);
  return key;
}

export function recordKey(tableId: number, pk: Uint8Array): Buffer {
  if (4 + pk.length > MAX_KEY_BYTES) throw primaryKeyTooLarge(pk.length);
  return objectPrefix(tableId, pk);
}

function primaryKeyTooLarge(bytes: number): EngineError {
  return new EngineError(SqlState.programLimitExceeded, `primary key of ${bytes} bytes exceeds the maximum of ${MAX_KEY_BYTES - 4} bytes`);
}

/**
 * The record key for primary-key values, or for a whole row with `columns` = the table's
 * primary-key columns: built in one pass, with one allocation (this is on every read and write).
 * A `transient` key lives in scratch memory that the next key overwrites: for a lookup only.
 */
export function recordKeyOf(table: TableInfo, values: readonly Value[], columns?: readonly number[], transient = false): Buffer {
  const w = keyScratch.reset();
  w.u32(table.id);
  writeKeyParts(w, table.pkParts, values, table.pkParts.length, columns);
  if (w.at > MAX_KEY_BYTES) throw primaryKeyTooLarge(w.at - 4);
  return transient ? w.view() : w.take();
}

export function systemRecordKey(objectId: number): Buffer {
  const id = Buffer.allocUnsafe(4);
  id.writeUInt32BE(objectId, 0);
  return objectPrefix(SYSTEM_TABLE_ID, id);
}

/** A record key is the table id (u32) and then the primary-key bytes. */
export const RECORD_KEY_PREFIX_BYTES = 4;

/** The primary-key bytes of a record key. */
export function pkOfRecordKey(key: Buffer): Buffer {
  return key.subarray(RECORD_KEY_PREFIX_BYTES);
}

/**
 * Index entry key: index id, index key, primary key, and the primary key's length (u16) so
 * the primary key can be cut back out. Index keys and primary keys are prefix-free, so the
 * trailing length never changes the entry order.
 */
export function indexEntryKey(index: IndexInfo, row: Row, pk: Uint8Array): Buffer {
  const w = keyScratch.reset();
  w.u32(index.id);
  writeKeyParts(w, index.parts, row, index.parts.length, index.columns);
  w.bytes(pk);
  w.u16(pk.length);
  if (w.at > MAX_KEY_BYTES) {
    throw new EngineError(SqlState.programLimitExceeded, `index row size ${w.at} exceeds maximum ${MAX_KEY_BYTES} for index "${index.name}"`, {
      hint: 'Values larger than about 1.9 kB cannot be indexed.',
    });
  }
  return w.take();
}

export function pkOfIndexEntry(entry: Uint8Array): Uint8Array {
  const pkLength = (entry[entry.length - 2] << 8) | entry[entry.length - 1];
  return entry.subarray(entry.length - 2 - pkLength, entry.length - 2);
}

/** An index entry without its primary key: the index id and the index key. */
export function indexPrefixOfEntry(entry: Buffer): Buffer {
  const pkLength = (entry[entry.length - 2] << 8) | entry[entry.length - 1];
  return entry.subarray(0, entry.length - 2 - pkLength);
}

export function indexKeyOfEntry(entry: Uint8Array): Uint8Array {
  const pkLength = (entry[entry.length - 2] << 8) | entry[entry.length - 1];
  return entry.subarray(4, entry.length - 2 - pkLength);
}

export function indexKeyOfRow(index: IndexInfo, row: Row): Buffer {
  const w = keyScratch.reset();
  writeKeyParts(w, index.parts, row, index.parts.length, index.columns);
  return w.take();
}

/** NULLs are distinct in unique indexes (PostgreSQL's default), so such keys never conflict. */
export function hasNullKeyPart(index: IndexInfo, row: Row): boolean {
  return index.columns.some((c) => row[c] === null);
}
