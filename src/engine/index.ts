/**
 * ScratchBird shard storage engine: a Firebird-style (MGA) multi-version record store on LMDB.
 *
 * One shard = one directory = one LMDB environment, open in one process at a time.
 *
 * ```ts
 * const shard = await Shard.open('data/shard-00', { durability: 'full' });
 * const tx = shard.begin({ isolation: 'read committed' });      // or 'snapshot'; readOnly
 * await tx.createTable({ name: 'acct', columns: [{ name: 'id', type: 'int4' },
 *   { name: 'owner', type: 'text', notNull: true }, { name: 'balance', type: 'numeric(12,2)' }],
 *   primaryKey: ['id'], indexes: [{ name: 'acct_owner', columns: ['owner'] }] });
 * await tx.insert('acct', [1, 'ann', '100.00']);
 * await tx.commit();                                            // durable when it resolves
 *
 * const t2 = shard.begin();
 * t2.get('acct', [1]);                                          // → [1, 'ann', '100.00']
 * for (const row of t2.scan('acct', { index: 'acct_owner', lower: { values: ['a'] }, reverse: true })) …
 * await t2.update('acct', [1], (row) => [row[0], row[1], '90.00']);   // or a new row
 * await t2.delete('acct', [1]);
 * t2.savepoint('s1'); t2.rollbackToSavepoint('s1'); t2.releaseSavepoint('s1');
 * t2.newStatement();                                            // READ COMMITTED: fresh snapshot
 * await t2.rollback();
 *
 * await shard.sweep();  shard.markers();  shard.readLog(lsn);  await shard.hotCopy(dir);
 * await shard.close();
 * ```
 *
 * Semantics, in brief (details in each module's header):
 * - Rows are arrays of JS values in column order; `types.ts` documents the value of each SQL
 *   type (int8 is a bigint, numeric a decimal string, timestamps bigint microseconds, …).
 *   Rows are stored in the compact binary format of `row-codec.ts`; keys use the
 *   order-preserving encoding of `key-codec.ts`, so LMDB's byte order is SQL order.
 * - Every write stamps a new record version with the writer's transaction id on top of the
 *   record's back-version chain (`versions.ts`); the transaction inventory (`tip.ts`) says
 *   which ids committed. Readers pick the newest version their snapshot sees (`snapshot.ts`),
 *   so readers never block writers and writers never block readers.
 * - A write that finds the row's newest version owned by another active transaction waits
 *   for it (lock timeout 55P03, deadlock 40P01); then READ COMMITTED re-reads the newest
 *   version (an update callback re-checks it), SNAPSHOT fails with 40001. Duplicate keys:
 *   23505, after waiting for an uncommitted inserter.
 * - Commit writes the TIP entry and the write-after log (`wal.ts`) in one LMDB transaction
 *   and fsyncs it; all transactions committing in the same event-loop turn share that fsync.
 * - Nothing is replayed after a crash: ids without a committed TIP entry are dead and their
 *   versions are garbage. Garbage is reclaimed by writers and readers that pass it, and by
 *   `sweep()`, which also advances the OIT.
 * - DDL (createTable, dropTable, createIndex, dropIndex) is transactional: the catalog lives
 *   in MVCC records of the system relation (`catalog.ts`). DDL takes an exclusive table
 *   lock; DML takes a shared one; both are held to the end of the transaction.
 * - Every failure is an `EngineError` with a PostgreSQL SQLSTATE (`errors.ts`).
 */
export { Shard, type ShardOptions, type Markers, type ShardStats, type SweepReport } from './shard.ts';
export { Transaction, type TransactionOptions, type IsolationLevel, type ScanOptions, type ScanBound, type RowChange } from './transaction.ts';
export type { TableDefinition, ColumnDefinition, IndexDefinition, IndexColumn, TableInfo, IndexInfo } from './catalog.ts';
export type { LogEntry, LogChange } from './wal.ts';
export { EngineError, SqlState } from './errors.ts';
export { decodeRow } from './row-codec.ts';
export type { Row, Value, Interval, ColumnType } from './types.ts';
