/**
 * How a SQL table is stored on a shard: the engine table `r<oid>` with the table's columns (plus
 * the hidden row id when it has no primary key), keyed by its storage key, with every other
 * index as an engine index. The engine enforces NOT NULL; CHECK, defaults and foreign keys are
 * the SQL layer's.
 *
 * The layout version is a hash of what decides how rows are stored and read (columns, types,
 * key); a plan carries it for each table, and a shard refuses a plan made against another layout.
 */
import { createHash } from 'node:crypto';
import type { PhysicalIndex, PhysicalTable } from '../plan/ir.ts';
import { HIDDEN_ROW_ID, storageKeyIndex, type IndexObject, type TableObject } from './model.ts';

export function engineTableName(oid: number): string {
  return `r${oid}`;
}

/** Stored columns are named by position, so renaming a column is a catalog change only. */
export function engineColumnName(position: number): string {
  return `c${position}`;
}

/** Indexes are named by OID, so renaming one is a catalog change only. */
export function engineIndexName(oid: number): string {
  return `i${oid}`;
}

function physicalIndex(index: IndexObject): PhysicalIndex {
  return {
    name: engineIndexName(index.oid),
    unique: index.unique,
    columns: index.columns.map((c) => ({ column: engineColumnName(c.column), descending: c.descending, nullsFirst: c.nullsFirst })),
  };
}

export function physicalTable(table: TableObject): PhysicalTable {
  const key = storageKeyIndex(table);
  const keyColumns = key === undefined ? [HIDDEN_ROW_ID] : key.columns.map((c) => engineColumnName(c.column));
  const columns = table.columns.map((c, i) => ({ name: engineColumnName(i), type: c.type, notNull: c.notNull || keyColumns.includes(engineColumnName(i)) }));
  if (key === undefined) columns.push({ name: HIDDEN_ROW_ID, type: 'int8', notNull: true });
  return {
    columns,
    primaryKey: keyColumns,
    indexes: table.indexes.filter((ix) => !ix.storageKey).map(physicalIndex),
  };
}

/** A 31-bit hash of the stored row layout: columns, types and storage key. */
export function layoutVersion(table: Pick<PhysicalTable, 'columns' | 'primaryKey'>): number {
  const text = JSON.stringify([table.columns.map((c) => [c.name, c.type]), table.primaryKey]);
  return createHash('sha256').update(text).digest().readUInt32BE(0) >>> 1;
}
