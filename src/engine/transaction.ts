/**
 * A client transaction on one shard: reads through its snapshot, writes record versions
 * stamped with its id, waits for conflicting writers, keeps an undo log for savepoints and
 * rollback, and commits through the shard's group-commit pipeline.
 *
 * Writes go straight into the record chains (Firebird's careful write), so the newest
 * version of a row written by an active transaction *is* the row lock: a second writer finds
 * it and waits for the first to end. Nothing needs undoing after a crash: an id without a
 * committed TIP entry is dead, and its versions are garbage.
 */
import { copyOf } from './bytes.ts';
import { EngineError, SqlState } from './errors.ts';
import { encodeKey, prefixEnd } from './key-codec.ts';
import { decodeRow, encodeRow } from './row-codec.ts';
import type { Row, Value } from './types.ts';
import {
  canonicalColumns,
  compileTable,
  hasNullKeyPart,
  indexEntryKey,
  indexKeyOfEntry,
  indexKeyOfRow,
  normalizeIndexColumn,
  pkOfIndexEntry,
  pkOfRecordKey,
  RECORD_KEY_PREFIX_BYTES,
  recordKeyOf,
  recordKey,
  systemRecordKey,
  tablePrefix,
  type IndexDefinition,
  type IndexInfo,
  type StoredTable,
  type TableDefinition,
  type TableInfo,
} from './catalog.ts';
import { waitForEnd, type Waiter } from './locks.ts';
import { Snapshot } from './snapshot.ts';
import { TxnState } from './tip.ts';
import { chainWithTop, HEADER_BYTES, parseChain, payloadOf, rawVersion, soleRowWriter, type Version } from './versions.ts';
import type { CommitLogWriter } from './wal.ts';
import type { ShardCore } from './shard.ts';

export type IsolationLevel = 'read committed' | 'snapshot';

export interface TransactionOptions {
  /** READ COMMITTED (default, PostgreSQL semantics) or SNAPSHOT (= REPEATABLE READ). */
  readonly isolation?: IsolationLevel;
  readonly readOnly?: boolean;
  /** How long a write waits for a conflicting transaction; default the shard's (10 s). */
  readonly lockTimeoutMs?: number;
}

export interface ScanBound {
  /** Values for a prefix of the key columns, in key order. */
  readonly values: readonly Value[];
  readonly inclusive?: boolean;
}

export interface ScanOptions {
  /** Scan this secondary index instead of the primary key. */
  readonly index?: string;
  readonly lower?: ScanBound;
  readonly upper?: ScanBound;
  readonly reverse?: boolean;
}

/** An update either gives the new row or computes it from the current one (null = skip). */
export type RowChange = Row | ((current: Row) => Row | null);

interface UndoEntry {
  readonly key: Buffer;
  /** The key as the store's overlay and `touched` index it. */
  readonly id: string;
  /** The transaction's own previous version of the record, or null if it had none. */
  readonly previous: Buffer | null;
}

/** A record this transaction wrote, with what the write-after log needs of it. */
export interface TouchedRecord {
  readonly key: Buffer;
  /** The committed image its first write replaced; null if there was none (or a delete). */
  readonly before: Uint8Array | null;
  /** Its current image; null for a delete. */
  after: Uint8Array | null;
  /** Whether a version of this transaction is still on top (savepoint rollback can remove it). */
  own: boolean;
}

interface Savepoint {
  readonly name: string;
  readonly undoLength: number;
  readonly ownTables: Map<string, TableInfo | null>;
}

interface LockedRecord {
  readonly chain: Buffer | undefined;
  readonly versions: Version[];
  /** Newest version not written by a dead transaction. */
  readonly top: Version | undefined;
}

type Phase = 'active' | 'committing' | 'ended';

export class Transaction implements Waiter {
  readonly id: number;
  readonly isolation: IsolationLevel;
  readonly readOnly: boolean;
  readonly lockTimeoutMs: number;
  waitingFor: readonly Waiter[] = [];
  cancelWait?: (error: Error) => void;

  snapshot: Snapshot;
  private phase: Phase = 'active';
  /** Made when someone first waits for the end: most transactions end unwatched. */
  private endedPromise: Promise<void> | null = null;
  private markEnded: (() => void) | null = null;
  /** Set when a write of this transaction was lost (e.g. disk full): it can only roll back. */
  private failure: EngineError | null = null;
  /** Records this transaction wrote, for the write-after log and rollback. */
  readonly touched = new Map<string, TouchedRecord>();
  private readonly undo: UndoEntry[] = [];
  private readonly savepoints: Savepoint[] = [];
  /** Uncommitted DDL of this transaction: name → definition (null = dropped). */
  ownTables = new Map<string, TableInfo | null>();
  /** Objects whose storage must be purged if this transaction commits (dropped tables and indexes). */
  readonly purgeOnCommit: number[] = [];
  readonly lockedTables = new Set<number>();

  constructor(private readonly shard: ShardCore, id: number, options: TransactionOptions) {
    this.id = id;
    this.isolation = options.isolation ?? 'read committed';
    this.readOnly = options.readOnly ?? false;
    this.lockTimeoutMs = options.lockTimeoutMs ?? shard.lockTimeoutMs;
    this.snapshot = shard.takeSnapshot(id);
  }

  /** Settles when the transaction has committed or rolled back. */
  get ended(): Promise<void> {
    if (this.endedPromise === null) {
      this.endedPromise = this.phase === 'ended' ? Promise.resolve() : new Promise((resolve) => (this.markEnded = resolve));
    }
    return this.endedPromise;
  }

  get isActive(): boolean {
    return this.phase === 'active';
  }

  get wroteSomething(): boolean {
    return this.touched.size > 0;
  }

  /** Starts a new statement: READ COMMITTED sees everything committed before this point. */
  newStatement(): void {
    this.assertActive();
    if (this.isolation === 'read committed') {
      this.snapshot = this.shard.takeSnapshot(this.id);
      this.shard.snapshotsChanged();
    }
  }

  // ---- catalog ------------------------------------------------------------------------------

  /** The table as this transaction sees it: its own DDL, else the latest committed. */
  table(name: string): TableInfo {
    const own = this.ownTables.get(name);
    const info = own === undefined ? this.shard.committedTable(name) : own;
    if (info === null || info === undefined) {
      throw new EngineError(SqlState.undefinedTable, `relation "${name}" does not exist`);
    }
    return info;
  }

  tableNames(): string[] {
    const names = new Set(this.shard.committedTableNames());
    for (const [name, info] of this.ownTables) {
      if (info === null) names.delete(name);
      else names.add(name);
    }
    return [...names].sort();
  }

  async createTable(definition: TableDefinition): Promise<TableInfo> {
    this.assertWritable();
    await this.lockCatalog();
    if (this.tableExists(definition.name)) {
      throw new EngineError(SqlState.duplicateTable, `relation "${definition.name}" already exists`);
    }
    const stored: StoredTable = {
      id: this.shard.allocateObjectId(),
      name: definition.name,
      columns: canonicalColumns(definition.columns),
      primaryKey: [...definition.primaryKey],
      indexes: (definition.indexes ?? []).map((ix) => ({ ...ix, id: this.shard.allocateObjectId() })),
      schemaVersion: this.shard.schemaVersion + 1,
    };
    const info = compileTable(stored);
    await this.shard.tableLocks.acquire(this, info.id, 'exclusive', info.name);
    this.lockedTables.add(info.id);
    this.writeCatalog(info);
    return info;
  }

  async dropTable(name: string): Promise<void> {
    this.assertWritable();
    await this.lockCatalog();
    const info = await this.lockTableExclusive(name);
    await this.writeSystemVersion(info.id, null);
    this.ownTables.set(name, null);
    this.purgeOnCommit.push(info.id, ...info.indexes.map((ix) => ix.id));
  }

  async createIndex(tableName: string, definition: IndexDefinition): Promise<IndexInfo> {
    this.assertWritable();
    await this.lockCatalog();
    const table = await this.lockTableExclusive(tableName);
    if (this.findIndex(definition.name) !== undefined) {
      throw new EngineError(SqlState.duplicateTable, `relation "${definition.name}" already exists`);
    }
    const id = this.shard.allocateObjectId();
    const stored: StoredTable = {
      ...table.stored,
      indexes: [...table.stored.indexes, { name: definition.name, unique: definition.unique === true, columns: definition.columns.map(normalizeIndexColumn), id }],
      schemaVersion: this.shard.schemaVersion + 1,
    };
    const info = compileTable(stored);
    const index = info.indexByName.get(definition.name) as IndexInfo;
    this.buildIndex(info, index);
    this.writeCatalog(info);
    return index;
  }

  async dropIndex(indexName: string): Promise<void> {
    this.assertWritable();
    await this.lockCatalog();
    const owner = this.findIndex(indexName);
    if (owner === undefined) throw new EngineError(SqlState.undefinedObject, `index "${indexName}" does not exist`);
    const table = await this.lockTableExclusive(owner.table.name);
    const stored: StoredTable = {
      ...table.stored,
      indexes: table.stored.indexes.filter((ix) => ix.name !== indexName),
      schemaVersion: this.shard.schemaVersion + 1,
    };
    this.writeCatalog(compileTable(stored));
    this.purgeOnCommit.push(owner.index.id);
  }

  private tableExists(name: string): boolean {
    const own = this.ownTables.get(name);
    return own === undefined ? this.shard.committedTable(name) !== undefined : own !== null;
  }

  private findIndex(name: string): { table: TableInfo; index: IndexInfo } | undefined {
    for (const tableName of this.tableNames()) {
      const table = this.table(tableName);
      const index = table.indexByName.get(name);
      if (index !== undefined) return { table, index };
    }
    return undefined;
  }

  /** DDL is serialised per shard: one transaction at a time may change the catalog. */
  private async lockCatalog(): Promise<void> {
    await this.shard.tableLocks.acquire(this, 0, 'exclusive', 'pg_catalog');
    this.lockedTables.add(0);
  }

  private async lockTableExclusive(name: string): Promise<TableInfo> {
    const before = this.table(name);
    await this.shard.tableLocks.acquire(this, before.id, 'exclusive', name);
    this.lockedTables.add(before.id);
    return this.table(name);
  }

  private writeCatalog(info: TableInfo): void {
    // The catalog lock is exclusive, so the system record cannot be locked by anyone else.
    const key = systemRecordKey(info.id);
    const locked = this.readLocked(key);
    this.putVersion(null, key, locked, Buffer.from(JSON.stringify(info.stored)), null);
    this.ownTables.set(info.name, info);
  }

  private async writeSystemVersion(objectId: number, payload: Buffer | null): Promise<void> {
    const key = systemRecordKey(objectId);
    this.putVersion(null, key, await this.lockRecord(key, 'pg_catalog'), payload, null);
  }

  /** Index entries for every version of every record, so old snapshots can use the index too. */
  private buildIndex(table: TableInfo, index: IndexInfo): void {
    const prefix = tablePrefix(table.id);
    const seenUnique = new Map<string, Row>();
    for (const { key, value } of this.shard.store.range('records', { start: prefix, end: prefixEnd(prefix) ?? undefined })) {
      const chain = copyOf(value);
      const versions = parseChain(chain);
      const pk = copyOf(pkOfRecordKey(key));
      let newestSettled = true;
      for (const v of versions) {
        const state = this.shard.tip.state(v.txn);
        if (state === TxnState.Dead) continue;
        if (v.deleted) {
          newestSettled = false;
          continue;
        }
        const row = decodeRow(table.types, payloadOf(chain, v));
        const idxKey = indexKeyOfRow(index, row);
        this.shard.putIndexEntry(index, indexEntryKey(index, row, pk));
        if (index.unique && newestSettled && !hasNullKeyPart(index, row)) {
          const seen = idxKey.toString('latin1');
          if (seenUnique.has(seen)) {
            throw new EngineError(SqlState.uniqueViolation, `could not create unique index "${index.name}"`, {
              detail: `Key ${describeKey(table, index.columns, row)} is duplicated.`,
            });
          }
          seenUnique.set(seen, row);
        }
        newestSettled = false;
      }
    }
  }

  // ---- reads --------------------------------------------------------------------------------

  /** The row with this primary key as this transaction sees it. */
  get(tableName: string, pk: readonly Value[]): Row | undefined {
    this.assertActive();
    const table = this.table(tableName);
    const key = recordKeyOf(table, checkedKey(table, pk), undefined, true);
    const chain = this.shard.store.get('records', key);
    if (chain === undefined) return undefined;
    return this.visibleRow(table, key, chain);
  }

  /**
   * Rows in key order (primary key, or the named index), between optional bounds given as
   * values for a prefix of the key columns. The scan reads from an LMDB snapshot taken when
   * it starts, and rows this transaction writes during the scan are not revisited.
   */
  *scan(tableName: string, options: ScanOptions = {}): Generator<Row> {
    this.assertActive();
    const table = this.table(tableName);
    const index = options.index === undefined ? undefined : table.indexByName.get(options.index);
    if (options.index !== undefined && index === undefined) {
      throw new EngineError(SqlState.undefinedObject, `index "${options.index}" does not exist on "${tableName}"`);
    }
    const prefix = tablePrefix(index?.id ?? table.id);
    const parts = index?.parts ?? table.pkParts;
    const bound = (b: ScanBound): Buffer => {
      if (b.values.length > parts.length) {
        throw new EngineError(SqlState.invalidParameterValue, `scan bound has ${b.values.length} values but the key has ${parts.length} columns`);
      }
      return Buffer.concat([prefix, encodeKey(parts, b.values)]);
    };
    const after = (b: Buffer): Buffer => prefixEnd(b) ?? Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff]);
    const lo = options.lower === undefined ? prefix : options.lower.inclusive === false ? after(bound(options.lower)) : bound(options.lower);
    const hi = options.upper === undefined ? after(prefix) : options.upper.inclusive === false ? bound(options.upper) : after(bound(options.upper));
    if (Buffer.compare(lo, hi) >= 0) return;
    const entries = options.reverse === true
      ? this.shard.store.range(index ? 'indexes' : 'records', { start: hi, end: prefix, reverse: true })
      : this.shard.store.range(index ? 'indexes' : 'records', { start: lo, end: hi });
    for (const { key, value } of entries) {
      if (options.reverse === true) {
        if (Buffer.compare(key, hi) >= 0) continue;
        if (Buffer.compare(key, lo) < 0) return;
      }
      const row = index === undefined ? this.visibleRow(table, key, value) : this.indexedRow(table, index, key);
      if (row !== undefined) yield row;
    }
  }

  private indexedRow(table: TableInfo, index: IndexInfo, entry: Buffer): Row | undefined {
    const key = recordKey(table.id, pkOfIndexEntry(entry));
    const chain = this.shard.store.get('records', key);
    if (chain === undefined) return undefined;
    const row = this.visibleRow(table, key, chain);
    // Entries are not versioned: the entry counts only if the visible version has its key.
    if (row === undefined || !indexKeyOfRow(index, row).equals(indexKeyOfEntry(entry))) return undefined;
    return row;
  }

  private visibleRow(table: TableInfo, key: Buffer, chain: Buffer): Row | undefined {
    const sole = soleRowWriter(chain);
    if (sole >= 0 && this.snapshot.sees(sole, this.shard.tip)) return decodeRow(table.types, chain, HEADER_BYTES);
    const versions = parseChain(chain);
    const v = this.snapshot.visible(versions, this.shard.tip);
    if (versions.length > 1 || v === undefined || v.deleted) this.shard.noteMaybeGarbage(key, versions);
    if (v === undefined || v.deleted) return undefined;
    return decodeRow(table.types, payloadOf(chain, v));
  }

  // ---- writes -------------------------------------------------------------------------------

  /** Inserts a row. Waits for an uncommitted writer of the same key; 23505 if it exists. */
  async insert(tableName: string, row: Row): Promise<void> {
    this.assertWritable();
    const pending = this.tableForWrite(tableName);
    const table = pending instanceof Promise ? await pending : pending;
    const { payload, key } = this.prepareRow(table, row);
    const id = key.toString('latin1');
    const pk = pkOfRecordKey(key);
    const entryKeys = table.indexes.map((ix) => indexEntryKey(ix, row, pk));
    for (;;) {
      const locked = this.shard.mayHoldRecord(table.id, key) ? this.readLocked(key, id) : NO_RECORD;
      const writer = this.writerToWaitFor(locked) ?? this.uniqueWriterToWaitFor(table, row, pk, undefined, locked);
      if (writer !== undefined) {
        await this.waitFor(writer, `row in relation "${table.name}"`);
        continue;
      }
      // Checked and written without an await in between: nobody can slip in.
      this.putVersion(table, key, locked, payload, row, entryKeys, id);
      return;
    }
  }

  /**
   * Updates the row with this primary key. Waits for an uncommitted writer; then READ
   * COMMITTED re-reads the newest committed version and hands it to `change` to re-check,
   * while SNAPSHOT fails with 40001 if that version is not in its snapshot. Returns the new
   * row, or null when there is no such row or `change` declined.
   */
  async update(tableName: string, pk: readonly Value[], change: RowChange): Promise<Row | null> {
    const { table, key, id } = await this.target(tableName, pk);
    for (;;) {
      const read = this.readForChange(table, key, id);
      if ('writer' in read) {
        await this.waitFor(read.writer, `row in relation "${table.name}"`);
        continue;
      }
      if (read.current === null) return null;
      const next = typeof change === 'function' ? change(read.current) : change;
      if (next === null) return null;
      const prepared = this.prepareRow(table, next);
      if (!prepared.key.equals(key)) return this.moveRow(table, pk, next);
      const uniqueWriter = this.uniqueWriterToWaitFor(table, next, pkOfRecordKey(key), read.current);
      if (uniqueWriter !== undefined) {
        await this.waitFor(uniqueWriter, `row in relation "${table.name}"`);
        continue;
      }
      const rowPk = pkOfRecordKey(key);
      const current = read.current;
      const entryKeys = table.indexes.map((ix) => {
        const entry = indexEntryKey(ix, next, rowPk);
        // The version being replaced has this very entry already: the index needs no write.
        return entry.equals(indexEntryKey(ix, current, rowPk)) ? null : entry;
      });
      this.putVersion(table, key, read.locked, prepared.payload, next, entryKeys, id);
      return next;
    }
  }

  /** Deletes the row with this primary key; `check` may decline after a re-read. */
  async delete(tableName: string, pk: readonly Value[], check?: (current: Row) => boolean): Promise<boolean> {
    const { table, key, id } = await this.target(tableName, pk);
    for (;;) {
      const read = this.readForChange(table, key, id);
      if ('writer' in read) {
        await this.waitFor(read.writer, `row in relation "${table.name}"`);
        continue;
      }
      if (read.current === null || (check !== undefined && !check(read.current))) return false;
      this.putVersion(table, key, read.locked, null, null, [], id);
      return true;
    }
  }

  /** The table (share-locked) and record key an update or delete acts on. */
  private async target(tableName: string, pk: readonly Value[]): Promise<{ table: TableInfo; key: Buffer; id: string }> {
    this.assertWritable();
    const pending = this.tableForWrite(tableName);
    const table = pending instanceof Promise ? await pending : pending;
    const key = recordKeyOf(table, checkedKey(table, pk));
    return { table, key, id: key.toString('latin1') };
  }

  /**
   * Reads a record to change it: the other active transaction to wait for, or the record and
   * the row the change acts on. The caller writes without an await after it, so nobody can
   * slip in between the read and the write.
   */
  private readForChange(table: TableInfo, key: Buffer, id: string): { writer: Transaction } | { locked: LockedRecord; current: Row | null } {
    const locked = this.readLocked(key, id);
    const writer = this.writerToWaitFor(locked);
    return writer === undefined ? { locked, current: this.currentRow(table, locked) } : { writer };
  }

  /** A primary-key change is a delete and an insert, atomic through an internal savepoint. */
  private async moveRow(table: TableInfo, pk: readonly Value[], next: Row): Promise<Row> {
    const name = `\0move${this.undo.length}`;
    this.savepoint(name);
    try {
      await this.delete(table.name, pk);
      await this.insert(table.name, next);
    } catch (error) {
      this.rollbackToSavepoint(name);
      this.releaseSavepoint(name);
      throw error;
    }
    this.releaseSavepoint(name);
    return next;
  }

  /** The row an update or delete acts on, after the isolation rules; null if it is gone. */
  private currentRow(table: TableInfo, locked: LockedRecord): Row | null {
    const { top, chain } = locked;
    if (top === undefined || chain === undefined) return null;
    if (this.isolation === 'snapshot' && !this.snapshot.sees(top.txn, this.shard.tip)) {
      // A row our snapshot never saw is not there for us; one it saw was changed after it.
      const seen = this.snapshot.visible(locked.versions, this.shard.tip);
      if (seen === undefined || seen.deleted) return null;
      throw new EngineError(SqlState.serializationFailure, 'could not serialize access due to concurrent update', {
        hint: 'Retry the transaction.',
      });
    }
    if (top.deleted) return null;
    return decodeRow(table.types, payloadOf(chain, top));
  }

  /** Validates and encodes a row before anything is written (bad input changes nothing). */
  private prepareRow(table: TableInfo, row: Row): { payload: Buffer; key: Buffer } {
    if (row.length !== table.types.length) {
      throw new EngineError(SqlState.datatypeMismatch, `row has ${row.length} values but table "${table.name}" has ${table.types.length} columns`);
    }
    for (let i = 0; i < row.length; i++) {
      if (row[i] === null && table.notNull[i]) {
        throw new EngineError(SqlState.notNullViolation, `null value in column "${table.names[i]}" of relation "${table.name}" violates not-null constraint`);
      }
    }
    return { payload: encodeRow(table.types, table.names, row), key: recordKeyOf(table, row, table.pkColumns) };
  }

  /** Reads a record's chain and its newest version not written by a dead transaction. */
  private readLocked(key: Buffer, id?: string): LockedRecord {
    const raw = this.shard.store.get('records', key, id);
    if (raw === undefined) return NO_RECORD;
    const chain = copyOf(raw);
    const versions = parseChain(chain);
    const top = versions.find((v) => this.shard.tip.state(v.txn) !== TxnState.Dead);
    return { chain, versions, top };
  }

  /** The other, still active transaction whose version is the record's newest: its row lock. */
  private writerToWaitFor(locked: LockedRecord): Transaction | undefined {
    const top = locked.top;
    if (top === undefined || top.txn === this.id || this.shard.tip.state(top.txn) !== TxnState.Active) return undefined;
    return this.shard.activeTransaction(top.txn);
  }

  /** Reads a record once no other active transaction holds it (catalog records). */
  private async lockRecord(key: Buffer, relation: string): Promise<LockedRecord> {
    for (;;) {
      const locked = this.readLocked(key);
      const writer = this.writerToWaitFor(locked);
      if (writer === undefined) return locked;
      await this.waitFor(writer, `row in relation "${relation}"`);
    }
  }

  private async waitFor(holder: Transaction, what: string): Promise<void> {
    await waitForEnd(this, [holder], what);
    this.assertActive();
  }

  /**
   * For an insert (`locked` given) or an update to `row`: throws 23505 if the primary key or
   * a unique index already holds its key, or returns the uncommitted writer to wait for first.
   */
  private uniqueWriterToWaitFor(table: TableInfo, row: Row, pk: Buffer, previous: Row | undefined, locked?: LockedRecord): Transaction | undefined {
    if (locked?.top !== undefined && !locked.top.deleted) {
      throw new EngineError(SqlState.uniqueViolation, `duplicate key value violates unique constraint "${table.name}_pkey"`, {
        detail: `Key ${describeKey(table, table.pkColumns, row)} already exists.`,
      });
    }
    for (const index of table.indexes) {
      if (!index.unique || hasNullKeyPart(index, row)) continue;
      const idxKey = indexKeyOfRow(index, row);
      if (previous !== undefined && indexKeyOfRow(index, previous).equals(idxKey)) continue;
      const holder = this.uniqueConflict(table, index, idxKey, pk, row);
      if (holder !== undefined) return holder;
    }
    return undefined;
  }

  private uniqueConflict(table: TableInfo, index: IndexInfo, idxKey: Buffer, pk: Buffer, row: Row): Transaction | undefined {
    const candidates = this.shard.indexEntriesWithPrefix(Buffer.concat([tablePrefix(index.id), idxKey])).map(pkOfIndexEntry);
    for (const otherPk of candidates) {
      if (pk.equals(otherPk)) continue;
      const { chain, versions } = this.readLocked(recordKey(table.id, otherPk));
      if (chain === undefined) continue;
      let uncommitted: Transaction | undefined;
      for (const v of versions) {
        const state = this.shard.tip.state(v.txn);
        if (state === TxnState.Dead) continue;
        const hasKey = !v.deleted && indexKeyOfRow(index, decodeRow(table.types, payloadOf(chain, v))).equals(idxKey);
        if (state === TxnState.Active && v.txn !== this.id) {
          if (hasKey) return this.shard.activeTransaction(v.txn);
          uncommitted ??= this.shard.activeTransaction(v.txn);
          continue;
        }
        // The newest settled (or own) version decides; an uncommitted change above it may still undo.
        if (hasKey) {
          if (uncommitted !== undefined) return uncommitted;
          throw new EngineError(SqlState.uniqueViolation, `duplicate key value violates unique constraint "${index.name}"`, {
            detail: `Key ${describeKey(table, index.columns, row)} already exists.`,
          });
        }
        break;
      }
    }
    return undefined;
  }

  /**
   * Writes this transaction's version of a record (payload null = delete) on top of the chain,
   * replacing its own earlier version if it has one, pruning garbage below, and maintaining
   * index entries (`entryKeys` per index of the table; null where the entry exists already).
   * `table` is null for the system relation.
   */
  private putVersion(table: TableInfo | null, key: Buffer, locked: LockedRecord, payload: Buffer | null, row: Row | null, entryKeys: readonly (Buffer | null)[] = [], id = key.toString('latin1')): void {
    // Registered first: if staging this write triggers a flush that fails, we must hear of it.
    this.shard.dirty(this);
    const { chain, versions, top } = locked;
    const own = versions.length > 0 && versions[0].txn === this.id ? versions[0] : undefined;
    const { kept, removed } = this.shard.prune(own === undefined ? versions : versions.slice(1));
    if (own !== undefined) removed.push(own);
    const next = chainWithTop(this.id, payload, chain, kept);
    // Whole-transaction rollback needs only `touched`; the undo log serves savepoints.
    if (this.savepoints.length > 0) this.undo.push({ key, id, previous: own === undefined || chain === undefined ? null : copyOf(rawVersion(chain, own)) });
    const touched = this.touched.get(id);
    if (touched === undefined) {
      const before = top === undefined || top.deleted || chain === undefined ? null : payloadOf(chain, top);
      this.touched.set(id, { key, before, after: payload, own: true });
    } else {
      touched.after = payload;
      touched.own = true;
    }
    this.shard.store.put('records', key, next, id);
    if (chain === undefined) this.shard.recordCreated(key);
    if (table !== null) {
      for (let i = 0; i < entryKeys.length; i++) {
        const entry = entryKeys[i];
        if (entry !== null) this.shard.putIndexEntry(table.indexes[i], entry);
      }
      if (chain !== undefined && removed.length > 0) {
        this.shard.dropStaleIndexEntries(table, key, chain, removed, next, row);
      }
    }
  }

  /** Appends the logical changes this transaction makes to its commit's write-after log. */
  writeLogChanges(log: CommitLogWriter): void {
    for (const { key, before, after, own } of this.touched.values()) {
      if (own && (before !== null || after !== null)) log.add(key.readUInt32BE(0), key, RECORD_KEY_PREFIX_BYTES, before, after);
    }
  }

  // ---- savepoints, commit, rollback ---------------------------------------------------------

  savepoint(name: string): void {
    this.assertActive();
    this.savepoints.push({ name, undoLength: this.undo.length, ownTables: new Map(this.ownTables) });
  }

  /** Undoes everything since the savepoint, which stays defined (as in SQL). */
  rollbackToSavepoint(name: string): void {
    this.assertActive();
    const at = this.findSavepoint(name);
    const sp = this.savepoints[at];
    this.savepoints.length = at + 1;
    this.undoTo(sp.undoLength);
    this.ownTables = new Map(sp.ownTables);
  }

  /** Forgets the savepoint and those after it, keeping their changes. */
  releaseSavepoint(name: string): void {
    this.assertActive();
    this.savepoints.length = this.findSavepoint(name);
  }

  private findSavepoint(name: string): number {
    for (let i = this.savepoints.length - 1; i >= 0; i--) if (this.savepoints[i].name === name) return i;
    throw new EngineError(SqlState.invalidSavepointSpecification, `savepoint "${name}" does not exist`);
  }

  /** Restores the records this transaction wrote since undo position `mark`, newest first. */
  private undoTo(mark: number): void {
    for (let i = this.undo.length - 1; i >= mark; i--) {
      const { key, id, previous } = this.undo[i];
      this.shard.restoreOwnVersion(this, key, previous);
      const touched = this.touched.get(id) as TouchedRecord;
      if (previous === null) {
        touched.own = false;
        touched.after = null;
      } else {
        const [restored] = parseChain(previous);
        touched.after = restored.deleted ? null : payloadOf(previous, restored);
      }
    }
    this.undo.length = mark;
  }

  /** Makes the transaction's changes durable (group commit) and visible. */
  async commit(): Promise<void> {
    this.assertActive();
    if (this.failure !== null) {
      const failure = this.failure;
      await this.rollback();
      throw failure;
    }
    this.phase = 'committing';
    try {
      await this.shard.commit(this);
    } catch (error) {
      this.phase = 'active';
      throw error;
    }
  }

  /** Whether `commitReadOnly` commits it: it is active and wrote nothing. */
  get committableAtOnce(): boolean {
    return this.phase === 'active' && this.failure === null && !this.wroteSomething;
  }

  /**
   * Commits at once, without waiting for the group commit, a transaction that wrote nothing:
   * true when done, false (doing nothing) for one that must `commit`.
   */
  commitReadOnly(): boolean {
    return this.committableAtOnce && this.shard.commitReadOnly(this);
  }

  /** Discards the transaction's changes. Safe to call in any state; a second call does nothing. */
  async rollback(): Promise<void> {
    if (this.phase === 'ended') return;
    if (this.phase === 'committing') await this.ended;
    if ((this.phase as Phase) === 'ended') return;
    this.shard.rollback(this);
    this.undo.length = 0;
  }

  /** Called by the shard when the transaction has ended either way. */
  finish(): void {
    this.phase = 'ended';
    this.markEnded?.();
  }

  /** A write of this transaction was lost before reaching LMDB: it may only roll back now. */
  fail(error: EngineError): void {
    this.failure ??= error;
  }

  /** Cancels the current lock wait, if any (statement cancel). */
  cancel(reason: Error): void {
    this.cancelWait?.(reason);
  }

  /** The table, once this transaction holds its shared lock (without an await if it already does). */
  private tableForWrite(name: string): TableInfo | Promise<TableInfo> {
    const table = this.table(name);
    if (this.shard.tableLocks.holds(this, table.id, 'shared')) return table;
    return this.lockTableShared(table);
  }

  private async lockTableShared(before: TableInfo): Promise<TableInfo> {
    await this.shard.tableLocks.acquire(this, before.id, 'shared', before.name);
    this.lockedTables.add(before.id);
    this.assertActive();
    return this.table(before.name);
  }

  private assertActive(): void {
    if (this.phase !== 'active') {
      throw new EngineError(SqlState.noActiveSqlTransaction, `transaction ${this.id} has ended`);
    }
  }

  private assertWritable(): void {
    this.assertActive();
    if (this.readOnly) throw new EngineError(SqlState.readOnlySqlTransaction, 'cannot execute a write in a read-only transaction');
    if (this.failure !== null) {
      throw new EngineError(this.failure.code, `transaction ${this.id} must roll back: ${this.failure.message}`);
    }
  }
}

const NO_RECORD: LockedRecord = { chain: undefined, versions: [], top: undefined };

/** Primary-key values: one per key column, none NULL (their types are checked as they encode). */
function checkedKey(table: TableInfo, pk: readonly Value[]): readonly Value[] {
  if (pk.length !== table.pkColumns.length) {
    throw new EngineError(SqlState.invalidParameterValue, `primary key of "${table.name}" has ${table.pkColumns.length} columns, got ${pk.length} values`);
  }
  for (let i = 0; i < pk.length; i++) {
    if (pk[i] === null) throw new EngineError(SqlState.notNullViolation, `primary key column "${table.names[table.pkColumns[i]]}" cannot be null`);
  }
  return pk;
}

/** "(a, b)=(1, x)" as PostgreSQL prints keys in constraint errors. */
function describeKey(table: TableInfo, columns: readonly number[], row: Row): string {
  const show = (v: Value): string => (v === null ? 'null' : typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) ? JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)) : String(v));
  return `(${columns.map((c) => table.names[c]).join(', ')})=(${columns.map((c) => show(row[c])).join(', ')})`;
}
