/**
 * What the distributor needs to know about where tables live, read from the SQL catalog: a
 * table without a partition key lives whole on the home shard, a partitioned one on every
 * shard (row by row, see partitioning.ts); and which stored columns an index lookup pins.
 */
import { storageKeyIndex } from '../sql/catalog/model.ts';
import { engineIndexName } from '../sql/catalog/physical.ts';
import type { CatalogSnapshot } from '../sql/catalog/snapshot.ts';
import type { KeysOf } from './optimize.ts';

export const HOME_SHARD = 0;

export interface Placement {
  readonly shardCount: number;
  /** The stored-column positions of a table's partition key, or null: it lives on the home shard. */
  partitionKey(oid: number): readonly number[] | null;
  /** The stored-column positions of a table's storage key (`index` null) or of a secondary
   * index, by its engine name. */
  indexColumns(oid: number, index: string | null): readonly number[] | undefined;
}

export function catalogPlacement(catalog: CatalogSnapshot, shardCount: number): Placement {
  const tableOf = (oid: number) => {
    const object = catalog.get(oid);
    return object?.kind === 'table' ? object : undefined;
  };
  return {
    shardCount,
    partitionKey: (oid) => tableOf(oid)?.partitionKey ?? null,
    indexColumns(oid, index) {
      const table = tableOf(oid);
      if (table === undefined) return undefined;
      if (index === null) {
        const key = storageKeyIndex(table);
        return key === undefined ? [table.columns.length] : key.columns.map((c) => c.column);
      }
      return table.indexes.find((ix) => engineIndexName(ix.oid) === index)?.columns.map((c) => c.column);
    },
  };
}

/** Each table's access paths (storage key and secondary indexes), for index selection. */
export function catalogKeys(catalog: CatalogSnapshot): KeysOf {
  return (oid) => {
    const table = catalog.get(oid);
    if (table?.kind !== 'table') return undefined;
    const key = storageKeyIndex(table);
    return {
      storageKey: key === undefined ? [table.columns.length] : key.columns.map((c) => c.column),
      indexes: table.indexes.filter((ix) => !ix.storageKey).map((ix) => ({ name: engineIndexName(ix.oid), columns: ix.columns.map((c) => c.column), unique: ix.unique })),
    };
  };
}

/** Every shard of the cluster, in order. */
export function allShards(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}

/** Shard numbers as EXPLAIN and errors show them: runs collapsed ("0-15", "2, 5, 9"). */
export function formatShards(shards: readonly number[]): string {
  const sorted = [...shards].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j - i >= 2 ? `${sorted[i]}-${sorted[j]}` : sorted.slice(i, j + 1).join(', '));
    i = j + 1;
  }
  return parts.join(', ');
}
