/**
 * Relation and database sizes (pg_relation_size and kin) from the shards' storage: what the
 * shards holding a table report about the LMDB pages its records and index entries take
 * (`Shard.tableSize`, `Shard.indexSize`), summed over every shard of a partitioned table.
 *
 * A table's records are one B-tree keyed by its storage key, so that key is both the heap and
 * the primary key index: the records' values count as the table, their keys as the index of
 * its storage key. A table without a primary key counts its hidden row ids as its own.
 */
import type { Shard } from '../engine/shard.ts';
import { storageKeyIndex, type TableObject } from '../sql/catalog/model.ts';
import { engineIndexName, engineTableName } from '../sql/catalog/physical.ts';
import type { CatalogSnapshot } from '../sql/catalog/snapshot.ts';
import { relationByOid } from '../sql/system/lookup.ts';

export class RelationSizes {
  /** `home`: the shard that holds the tables without a partition key. */
  constructor(
    private readonly shards: readonly Shard[],
    private readonly home: Shard,
  ) {}

  /** Bytes a table or index takes on every shard that holds it; 0 for other OIDs. */
  relationSize(catalog: CatalogSnapshot, oid: number): number {
    const relation = relationByOid(catalog, oid);
    if (relation?.kind === 'table') return this.sum(relation.table, (shard) => this.tableBytes(shard, relation.table));
    if (relation?.kind !== 'index') return 0;
    const { table, index } = relation;
    const stored = engineTableName(table.oid);
    if (index.storageKey) return this.sum(table, (shard) => shard.tableSize(stored)?.key ?? 0);
    return this.sum(table, (shard) => shard.indexSize(stored, engineIndexName(index.oid)) ?? 0);
  }

  /** Bytes of the shards' storage files in use: the database, catalog included. */
  databaseSize(): number {
    return this.shards.reduce((total, shard) => total + shard.storedBytes(), 0);
  }

  private tableBytes(shard: Shard, table: TableObject): number {
    const size = shard.tableSize(engineTableName(table.oid));
    if (size === undefined) return 0;
    return storageKeyIndex(table) === undefined ? size.rows + size.key : size.rows;
  }

  private sum(table: TableObject, measure: (shard: Shard) => number): number {
    const shards = table.partitionKey === null ? [this.home] : this.shards;
    return shards.reduce((total, shard) => total + measure(shard), 0);
  }
}
