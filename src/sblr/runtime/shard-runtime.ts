/**
 * Executor state that belongs to a shard rather than to one statement: the hidden row-id
 * counters of tables without a primary key.
 *
 * A counter starts after the largest row id stored, found once by a reverse scan of the
 * table's primary key (the row id itself). Every later id comes from the counter, so
 * concurrent transactions of this process never collide even though their snapshots differ;
 * after a restart no uncommitted row survives, so the scan sees every id in use.
 */
import type { Shard, Transaction } from '../../engine/index.ts';

export class ShardRuntime {
  private static readonly byShard = new WeakMap<Shard, ShardRuntime>();

  /** The one runtime of a shard. */
  static of(shard: Shard): ShardRuntime {
    let runtime = ShardRuntime.byShard.get(shard);
    if (runtime === undefined) {
      runtime = new ShardRuntime();
      ShardRuntime.byShard.set(shard, runtime);
    }
    return runtime;
  }

  /** Engine table id → the next row id to hand out. Keyed by id, not name, so a table
   * dropped and created again under the same name starts afresh. */
  private readonly nextRowIds = new Map<number, bigint>();

  private constructor() {}

  /** A fresh row id for `table`, whose row id is its last column and its primary key. */
  nextRowId(tx: Transaction, table: string): bigint {
    const tableId = tx.table(table).id;
    let next = this.nextRowIds.get(tableId);
    if (next === undefined) next = largestRowId(tx, table) + 1n;
    this.nextRowIds.set(tableId, next + 1n);
    return next;
  }
}

function largestRowId(tx: Transaction, table: string): bigint {
  const newest = tx.scan(table, { reverse: true });
  const first = newest.next();
  newest.return(undefined);
  if (first.done === true) return 0n;
  return first.value[first.value.length - 1] as bigint;
}
