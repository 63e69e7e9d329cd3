/**
 * One shard: an LMDB environment in a directory, and the MVCC machinery on top of it —
 * the transaction inventory, active transactions, group commit, garbage collection, sweep,
 * the write-after log and hot copies. See `index.ts` for the API as callers use it.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { copyOf } from './bytes.ts';
import { EngineError, SqlState } from './errors.ts';
import { prefixEnd } from './key-codec.ts';
import { decodeRow } from './row-codec.ts';
import {
  compileTable,
  indexEntryKey,
  indexPrefixOfEntry,
  type IndexInfo,
  pkOfRecordKey,
  SYSTEM_TABLE_ID,
  FIRST_USER_OBJECT_ID,
  tablePrefix,
  type StoredTable,
  type TableInfo,
} from './catalog.ts';
import { TableLocks } from './locks.ts';
import { hasGarbage, pruneChain, Snapshot } from './snapshot.ts';
import { Store, asEngineError, wholePages } from './store.ts';
import { Tip, TxnState, tipKey, tipKeyToTxn } from './tip.ts';
import { Transaction, type TransactionOptions } from './transaction.ts';
import { assembleChain, parseChain, payloadOf, type Version } from './versions.ts';
import { CommitLogWriter, decodeLogEntry, lsnKey, lsnOfKey, type LogEntry } from './wal.ts';
import { ShardLock } from './shard-lock.ts';
import type { Row } from './types.ts';

export interface ShardOptions {
  /**
   * 'full' (default): a commit returns only once it is on disk. 'relaxed': commits are not
   * fsynced — for benchmarks and tests only; a machine crash may lose recent commits.
   */
  readonly durability?: 'full' | 'relaxed';
  /** Default lock timeout of transactions, in ms (10 s). */
  readonly lockTimeoutMs?: number;
  /** How many write-after log entries to retain (100,000). */
  readonly logRetention?: number;
  /**
   * Staged writes that force a flush to LMDB (65,536). Larger batches rewrite fewer B-tree
   * pages per row: bulk loads measured 61k rows/s at 4,096 and 79k at 131,072.
   */
  readonly overlayLimit?: number;
  /**
   * Start a sweep by itself when a dead transaction holds the OIT this many ids behind the
   * next id (20,000, Firebird's default); 0 disables.
   */
  readonly sweepInterval?: number;
  /** Create the shard if `dir` holds none (default true); false fails with 58P01 instead. */
  readonly create?: boolean;
}

export interface Markers {
  /** Oldest interesting transaction: the oldest id not known to be settled. */
  readonly oit: number;
  /** Oldest active transaction (= next when none is active). */
  readonly oat: number;
  /** Oldest snapshot: the garbage-collection horizon. */
  readonly ost: number;
  readonly next: number;
}

export interface ShardStats {
  readonly commits: number;
  readonly rollbacks: number;
  /** Durable LMDB commits made for transaction commits: fewer than `commits` = group commit. */
  readonly durableFlushes: number;
  readonly activeTransactions: number;
}

export interface SweepReport {
  readonly recordsVisited: number;
  readonly versionsRemoved: number;
  readonly recordsRemoved: number;
  readonly orphansRemoved: number;
  readonly oit: number;
}

const COMMITTED_BYTE = Buffer.from([TxnState.Committed]);
const EMPTY = Buffer.alloc(0);
const TXN_ID_RESERVATION = 1024;
const GC_QUEUE_LIMIT = 10_000;
const META = {
  txnCeiling: Buffer.from('txn-ceiling'),
  oit: Buffer.from('oit'),
  nextLsn: Buffer.from('next-lsn'),
  firstLsn: Buffer.from('first-lsn'),
  nextObjectId: Buffer.from('next-object-id'),
  schemaVersion: Buffer.from('schema-version'),
  format: Buffer.from('format'),
} as const;
const FORMAT_VERSION = 1;

function counterKey(name: string): Buffer {
  return Buffer.from(`counter:${name}`);
}

function numberValue(value: number): Buffer {
  const out = Buffer.allocUnsafe(8);
  out.writeDoubleBE(value, 0);
  return out;
}

/** What a Transaction needs from its shard. */
export interface ShardCore {
  readonly store: Store;
  readonly tip: Tip;
  readonly tableLocks: TableLocks;
  readonly lockTimeoutMs: number;
  readonly schemaVersion: number;
  takeSnapshot(self: number): Snapshot;
  snapshotsChanged(): void;
  committedTable(name: string): TableInfo | undefined;
  committedTableNames(): Iterable<string>;
  allocateObjectId(): number;
  putIndexEntry(index: IndexInfo, entry: Buffer): void;
  indexEntriesWithPrefix(prefix: Buffer): Buffer[];
  mayHoldRecord(tableId: number, key: Buffer): boolean;
  recordCreated(key: Buffer): void;
  activeTransaction(id: number): Transaction | undefined;
  prune(versions: readonly Version[]): { kept: Version[]; removed: Version[] };
  noteMaybeGarbage(key: Buffer, versions: readonly Version[]): void;
  dropStaleIndexEntries(table: TableInfo, key: Buffer, oldChain: Buffer, removed: readonly Version[], nextChain: Buffer | null, newRow: Row | null): void;
  restoreOwnVersion(txn: Transaction, key: Buffer, previous: Buffer | null): void;
  dirty(txn: Transaction): void;
  commit(txn: Transaction): Promise<void>;
  commitReadOnly(txn: Transaction): boolean;
  rollback(txn: Transaction): void;
}

interface QueuedCommit {
  readonly txn: Transaction;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** A group of commits written to LMDB in one transaction. */
interface WrittenCommits {
  readonly batch: readonly QueuedCommit[];
  readonly schemaVersion: number;
  /** `counterWrites` when it was written: its fsync makes counters set until then durable. */
  readonly counterWrites: number;
}

export class Shard implements ShardCore {
  readonly tableLocks = new TableLocks();
  readonly lockTimeoutMs: number;
  schemaVersion: number;
  readonly tip: Tip;

  private readonly durable: boolean;
  private readonly logRetention: number;
  private readonly sweepInterval: number;
  private sweeping = false;
  private readonly active = new Map<number, Transaction>();
  private readonly byName = new Map<string, TableInfo>();
  private readonly byId = new Map<number, TableInfo>();
  /**
   * Entries of unique indexes staged in the overlay since the last flush, by index id + index
   * key: with LMDB's own entries, what a uniqueness check must see without forcing a flush.
   */
  private readonly stagedUniqueEntries = new Map<string, Buffer[]>();
  /** Per table: the highest record key it has had (null: none), once looked up. */
  private readonly lastRecordKey = new Map<number, Buffer | null>();
  private txnCeiling: number;
  private nextObjectId: number;
  private nextLsn: number;
  private firstLsn: number;
  private tipPrunedTo: number;
  private horizonCache = -1;
  private commitQueue: QueuedCommit[] = [];
  private commitScheduled = false;
  /**
   * The group of commits written to LMDB whose fsync is running. One at a time: measured on the
   * 2-core VM, letting the next group start its own fsync meanwhile made pgbench's TPC-B slower
   * (the fsyncs queue at the disk anyway), while waiting lets the next group grow.
   */
  private syncing: WrittenCommits | null = null;
  /** Set when an fsync failed: commits are refused until the shard is reopened. */
  private broken: EngineError | null = null;
  private readonly gcQueue = new Map<string, Buffer>();
  private gcScheduled = false;
  private readonly dirtyTxns = new Set<Transaction>();
  /** Rolled-back transactions whose undo is staged; settled once it reaches LMDB. */
  private readonly awaitingSettle: number[] = [];
  private closed = false;
  private countersUnsynced = false;
  /** Bumped by every `setCounter`: a commit's fsync covers the counters set before its write. */
  private counterWrites = 0;
  private counters = { commits: 0, rollbacks: 0, durableFlushes: 0 };

  private constructor(
    readonly dir: string,
    readonly store: Store,
    private readonly lock: ShardLock,
    options: ShardOptions,
  ) {
    this.durable = (options.durability ?? 'full') === 'full';
    this.lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
    this.logRetention = options.logRetention ?? 100_000;
    this.sweepInterval = options.sweepInterval ?? 20_000;
    const meta = (key: Buffer, fallback: number): number => store.get('meta', key)?.readDoubleBE(0) ?? fallback;
    const format = meta(META.format, FORMAT_VERSION);
    if (format !== FORMAT_VERSION) {
      throw new EngineError(SqlState.dataCorrupted, `shard ${dir} has storage format ${format}; this build reads format ${FORMAT_VERSION}`);
    }
    const oit = meta(META.oit, 1);
    this.txnCeiling = meta(META.txnCeiling, 1);
    this.tip = new Tip(oit, this.txnCeiling);
    for (const { key, value } of store.range('tip', { start: tipKey(oit) })) {
      this.tip.set(tipKeyToTxn(key), value[0] as TxnState);
    }
    this.tipPrunedTo = oit;
    this.nextObjectId = meta(META.nextObjectId, FIRST_USER_OBJECT_ID);
    this.schemaVersion = meta(META.schemaVersion, 0);
    this.nextLsn = meta(META.nextLsn, 1);
    this.firstLsn = meta(META.firstLsn, 1);
    store.onFlushError = (error) => this.failDirtyTransactions(error);
    store.afterFlush = () => this.flushed();
    store.durableFlushDue = () => this.commitScheduled;
    store.put('meta', META.format, numberValue(FORMAT_VERSION));
    this.loadCatalog();
  }

  /** Opens (creating if needed) the shard in `dir`. Fails if another process holds it. */
  static async open(dir: string, options: ShardOptions = {}): Promise<Shard> {
    if (options.create === false && !existsSync(join(dir, 'data.mdb'))) {
      throw new EngineError(SqlState.undefinedFile, `no shard in ${dir}`, { hint: 'A shard directory holds a data.mdb file.' });
    }
    mkdirSync(dir, { recursive: true });
    const lock = ShardLock.acquire(dir);
    try {
      return new Shard(dir, new Store(join(dir, 'data.mdb'), options.overlayLimit), lock, options);
    } catch (error) {
      lock.release();
      throw asEngineError(error);
    }
  }

  private loadCatalog(): void {
    const prefix = tablePrefix(SYSTEM_TABLE_ID);
    for (const { value } of this.store.range('records', { start: prefix, end: prefixEnd(prefix) ?? undefined })) {
      const chain = copyOf(value);
      const newest = parseChain(chain).find((v) => this.tip.state(v.txn) === TxnState.Committed);
      if (newest === undefined || newest.deleted) continue;
      const info = compileTable(JSON.parse(payloadOf(chain, newest).toString()) as StoredTable);
      this.byName.set(info.name, info);
      this.byId.set(info.id, info);
    }
  }

  // ---- transactions -------------------------------------------------------------------------

  begin(options: TransactionOptions = {}): Transaction {
    this.assertOpen();
    const id = this.tip.allocate();
    if (id >= this.txnCeiling) {
      // Versions stamped with `id` may reach disk in any later flush; the ceiling rides in
      // the same or an earlier one, so after a crash every used id is below it.
      this.txnCeiling = id + TXN_ID_RESERVATION;
      this.store.put('meta', META.txnCeiling, numberValue(this.txnCeiling));
    }
    const txn = new Transaction(this, id, options);
    this.active.set(id, txn);
    this.horizonCache = -1;
    return txn;
  }

  takeSnapshot(self: number): Snapshot {
    return Snapshot.take(self, this.tip, this.active.keys());
  }

  snapshotsChanged(): void {
    this.horizonCache = -1;
  }

  activeTransaction(id: number): Transaction | undefined {
    return this.active.get(id);
  }

  stats(): ShardStats {
    return { ...this.counters, activeTransactions: this.active.size };
  }

  markers(): Markers {
    let oat = this.tip.next;
    for (const id of this.active.keys()) if (id < oat) oat = id;
    return { oit: this.tip.oldestInteresting(), oat, ost: this.horizon(), next: this.tip.next };
  }

  /** The garbage-collection horizon (OST): the lowest xmin of any active snapshot. */
  private horizon(): number {
    if (this.horizonCache < 0) {
      let h = this.tip.next;
      for (const txn of this.active.values()) if (txn.snapshot.xmin < h) h = txn.snapshot.xmin;
      this.horizonCache = h;
    }
    return this.horizonCache;
  }

  // ---- catalog ------------------------------------------------------------------------------

  committedTable(name: string): TableInfo | undefined {
    return this.byName.get(name);
  }

  committedTableNames(): Iterable<string> {
    return this.byName.keys();
  }

  // ---- sizes (for pg_relation_size and kin) -------------------------------------------------

  /**
   * The bytes of whole LMDB pages a committed table's records take on this shard: `rows` for
   * their values (the row versions), `key` for their primary keys with LMDB's per-entry
   * overhead. Undefined when the shard has no such table. See `Store.footprint`.
   */
  tableSize(name: string): { readonly rows: number; readonly key: number } | undefined {
    const info = this.byName.get(name);
    if (info === undefined) return undefined;
    const { keyBytes, valueBytes } = this.store.footprint('records', this.objectRange(info.id));
    return { rows: wholePages(valueBytes), key: wholePages(keyBytes) };
  }

  /** The bytes of whole LMDB pages a committed table's secondary index takes on this shard. */
  indexSize(table: string, index: string): number | undefined {
    const info = this.byName.get(table)?.indexByName.get(index);
    if (info === undefined) return undefined;
    const { keyBytes, valueBytes } = this.store.footprint('indexes', this.objectRange(info.id));
    return wholePages(keyBytes + valueBytes);
  }

  /** The bytes of the shard's LMDB file in use. */
  storedBytes(): number {
    return this.store.usedBytes();
  }

  private objectRange(id: number): { start: Buffer; end?: Buffer } {
    const start = tablePrefix(id);
    return { start, end: prefixEnd(start) ?? undefined };
  }

  allocateObjectId(): number {
    const id = this.nextObjectId++;
    this.store.put('meta', META.nextObjectId, numberValue(this.nextObjectId));
    return id;
  }

  putIndexEntry(index: IndexInfo, entry: Buffer): void {
    this.store.put('indexes', entry, EMPTY);
    if (!index.unique) return;
    const prefix = indexPrefixOfEntry(entry).toString('latin1');
    const staged = this.stagedUniqueEntries.get(prefix);
    if (staged === undefined) this.stagedUniqueEntries.set(prefix, [entry]);
    else staged.push(entry);
  }

  /**
   * Every entry of a unique index whose index id and key are `prefix`, staged or stored. It may
   * include entries since deleted: callers check the records they point at.
   */
  indexEntriesWithPrefix(prefix: Buffer): Buffer[] {
    const entries = [...(this.stagedUniqueEntries.get(prefix.toString('latin1')) ?? [])];
    for (const { key } of this.store.rangeStored('indexes', { start: prefix, end: prefixEnd(prefix) ?? undefined })) entries.push(copyOf(key));
    return entries;
  }

  /**
   * False when `key` sorts after every record its table has ever had, so an insert need not
   * look it up: appends (serial keys, bulk loads) then cost no LMDB read.
   */
  mayHoldRecord(tableId: number, key: Buffer): boolean {
    let last = this.lastRecordKey.get(tableId);
    if (last === undefined) {
      last = this.findLastRecordKey(tableId);
      this.lastRecordKey.set(tableId, last);
    }
    return last !== null && Buffer.compare(key, last) <= 0;
  }

  /** Keeps `lastRecordKey` an upper bound as records are created (deletes need not lower it). */
  recordCreated(key: Buffer): void {
    const tableId = key.readUInt32BE(0);
    const last = this.lastRecordKey.get(tableId);
    // Untracked tables are looked up in LMDB (after a flush) when first needed.
    if (last === undefined) return;
    if (last === null || Buffer.compare(key, last) > 0) this.lastRecordKey.set(tableId, key);
  }

  private findLastRecordKey(tableId: number): Buffer | null {
    const prefix = tablePrefix(tableId);
    const end = prefixEnd(prefix);
    for (const { key } of this.store.range('records', { start: end ?? undefined, end: prefix, reverse: true })) {
      if (end !== null && Buffer.compare(key, end) >= 0) continue;
      return copyOf(key);
    }
    return null;
  }

  private tableOfKey(key: Buffer, txn?: Transaction): TableInfo | undefined {
    const id = key.readUInt32BE(0);
    if (txn !== undefined) for (const info of txn.ownTables.values()) if (info?.id === id) return info;
    return this.byId.get(id);
  }

  // ---- version maintenance ------------------------------------------------------------------

  prune(versions: readonly Version[]): { kept: Version[]; removed: Version[] } {
    if (versions.length === 0) return { kept: [], removed: [] };
    return pruneChain(versions, this.tip, this.horizon());
  }

  /** Cooperative garbage collection: readers that pass garbage queue the record for cleanup. */
  noteMaybeGarbage(key: Buffer, versions: readonly Version[]): void {
    if (this.gcQueue.size >= GC_QUEUE_LIMIT || !hasGarbage(versions, this.tip, this.horizon())) return;
    this.gcQueue.set(key.toString('latin1'), Buffer.from(key));
    if (!this.gcScheduled) {
      this.gcScheduled = true;
      setImmediate(() => this.collectQueuedGarbage());
    }
  }

  private collectQueuedGarbage(): void {
    this.gcScheduled = false;
    if (this.closed) return;
    const keys = [...this.gcQueue.values()];
    this.gcQueue.clear();
    try {
      for (const key of keys) this.collect(key);
    } catch {
      // Garbage collection is best effort: sweep will find whatever is left.
    }
  }

  /** Removes a record's garbage versions; returns how many versions it removed. */
  private collect(key: Buffer): { removed: number; recordRemoved: boolean } {
    const raw = this.store.get('records', key);
    if (raw === undefined) return { removed: 0, recordRemoved: false };
    const chain = copyOf(raw);
    const versions = parseChain(chain);
    const { kept, removed } = this.prune(versions);
    if (removed.length === 0) return { removed: 0, recordRemoved: false };
    const next = assembleChain(chain, kept);
    if (next === null) this.store.del('records', key);
    else this.store.put('records', key, next);
    const table = this.tableOfKey(key);
    if (table !== undefined && key.readUInt32BE(0) !== SYSTEM_TABLE_ID) this.dropStaleIndexEntries(table, key, chain, removed, next, null);
    return { removed: removed.length, recordRemoved: next === null };
  }

  /** Deletes index entries that only removed versions produced. */
  dropStaleIndexEntries(table: TableInfo, key: Buffer, oldChain: Buffer, removed: readonly Version[], nextChain: Buffer | null, newRow: Row | null): void {
    if (table.indexes.length === 0) return;
    const pk = pkOfRecordKey(key);
    const live = new Set<string>();
    const keysOf = (row: Row): Buffer[] => table.indexes.map((ix) => indexEntryKey(ix, row, pk));
    if (newRow !== null) for (const k of keysOf(newRow)) live.add(k.toString('latin1'));
    if (nextChain !== null) {
      for (const v of parseChain(nextChain)) {
        if (!v.deleted) for (const k of keysOf(decodeRow(table.types, payloadOf(nextChain, v)))) live.add(k.toString('latin1'));
      }
    }
    for (const v of removed) {
      if (v.deleted) continue;
      for (const k of keysOf(decodeRow(table.types, payloadOf(oldChain, v)))) {
        if (!live.has(k.toString('latin1'))) this.store.del('indexes', k);
      }
    }
  }

  /**
   * Replaces `txn`'s own version of a record with `previous` (its earlier own version), or
   * removes it when `previous` is null. Used by savepoint rollback and transaction rollback.
   */
  restoreOwnVersion(txn: Transaction, key: Buffer, previous: Buffer | null): void {
    const raw = this.store.get('records', key);
    if (raw === undefined) return;
    const chain = copyOf(raw);
    const versions = parseChain(chain);
    if (versions[0].txn !== txn.id) return;
    const next = assembleChain(chain, versions.slice(1), previous ?? undefined);
    if (next === null) this.store.del('records', key);
    else this.store.put('records', key, next);
    const table = key.readUInt32BE(0) === SYSTEM_TABLE_ID ? undefined : this.tableOfKey(key, txn);
    if (table === undefined) return;
    let restoredRow: Row | null = null;
    if (previous !== null) {
      const [restored] = parseChain(previous);
      if (!restored.deleted) {
        restoredRow = decodeRow(table.types, payloadOf(previous, restored));
        for (const ix of table.indexes) this.putIndexEntry(ix, indexEntryKey(ix, restoredRow, pkOfRecordKey(key)));
      }
    }
    this.dropStaleIndexEntries(table, key, chain, [versions[0]], next, restoredRow);
  }

  dirty(txn: Transaction): void {
    this.dirtyTxns.add(txn);
  }

  private failDirtyTransactions(error: EngineError): void {
    this.stagedUniqueEntries.clear(); // the overlay they were in is gone
    for (const txn of this.dirtyTxns) txn.fail(error);
    this.dirtyTxns.clear();
    // Their undo never reached disk either; they stay dead until a sweep.
    this.awaitingSettle.length = 0;
  }

  private flushed(): void {
    this.stagedUniqueEntries.clear();
    this.dirtyTxns.clear();
    for (const id of this.awaitingSettle) this.tip.set(id, TxnState.Committed);
    this.awaitingSettle.length = 0;
  }

  // ---- commit and rollback ------------------------------------------------------------------

  commit(txn: Transaction): Promise<void> {
    if (this.commitReadOnly(txn)) return Promise.resolve();
    if (this.broken !== null) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      this.commitQueue.push({ txn, resolve, reject });
      // Every transaction that asks to commit in this turn of the event loop, or while the
      // previous group's fsync runs, shares one LMDB write and one fsync.
      if (!this.commitScheduled && this.syncing === null) {
        this.commitScheduled = true;
        setImmediate(() => this.processCommits());
      }
    });
  }

  /** Ends a transaction that wrote nothing as committed, at once: there is nothing to make
   * durable. False, doing nothing, for one that wrote. */
  commitReadOnly(txn: Transaction): boolean {
    if (txn.wroteSomething) return false;
    this.counters.commits++;
    this.endTransaction(txn, TxnState.Committed);
    return true;
  }

  /**
   * Writes a group of commits to LMDB in one transaction without fsync, then makes it durable
   * with an fsync on a worker thread. Until that fsync ends the group's transactions stay
   * active — invisible to others, their rows still locked — exactly as if the write had not
   * happened; only then do they count as committed and their callers hear of it.
   */
  private processCommits(): void {
    this.commitScheduled = false;
    if (this.syncing !== null) return;
    const batch = this.commitQueue;
    this.commitQueue = [];
    if (batch.length === 0) return;
    const commitTime = Date.now();
    let lsn = this.nextLsn;
    const entries: [number, Buffer][] = [];
    let schemaChanged = false;
    try {
      for (const { txn } of batch) {
        const log = new CommitLogWriter(txn.id, commitTime);
        txn.writeLogChanges(log);
        for (const entry of log.finish()) entries.push([lsn++, entry]);
        if (txn.ownTables.size > 0) schemaChanged = true;
      }
    } catch (error) {
      for (const c of batch) c.reject(asEngineError(error));
      this.processQueuedCommits();
      return;
    }
    const schemaVersion = this.schemaVersion + (schemaChanged ? 1 : 0);
    const firstLsn = Math.max(this.firstLsn, lsn - this.logRetention);
    const oit = this.tip.oldestInteresting();
    const tipPrunedTo = Math.min(oit, this.tipPrunedTo + 256 + batch.length);
    try {
      this.store.flush(false, () => {
        for (const { txn } of batch) this.store.putNow('tip', tipKey(txn.id), COMMITTED_BYTE);
        for (const [at, entry] of entries) this.store.putNow('log', lsnKey(at), entry);
        for (let old = this.firstLsn; old < firstLsn; old++) this.store.delNow('log', lsnKey(old));
        for (let id = this.tipPrunedTo; id < tipPrunedTo; id++) this.store.delNow('tip', tipKey(id));
        this.store.putNow('meta', META.nextLsn, numberValue(lsn));
        this.store.putNow('meta', META.firstLsn, numberValue(firstLsn));
        this.store.putNow('meta', META.oit, numberValue(tipPrunedTo));
        this.store.putNow('meta', META.schemaVersion, numberValue(schemaVersion));
      });
    } catch (error) {
      for (const c of batch) c.reject(error);
      this.processQueuedCommits();
      return;
    }
    this.counters.durableFlushes++;
    this.nextLsn = lsn;
    this.firstLsn = firstLsn;
    this.tipPrunedTo = tipPrunedTo;
    const group: WrittenCommits = { batch, schemaVersion, counterWrites: this.counterWrites };
    if (!this.durable) {
      this.finishCommits(group);
      return;
    }
    this.syncing = group;
    this.store.sync().then(
      () => {
        this.syncing = null;
        this.finishCommits(group);
        this.processQueuedCommits();
      },
      (error: unknown) => {
        this.syncing = null;
        // After a failed fsync nothing written since can be promised durable (the kernel may
        // have dropped the dirty pages): like PostgreSQL's PANIC, the shard takes no more
        // commits until it is reopened.
        this.broken = asEngineError(error);
        for (const c of batch) c.reject(this.broken);
        for (const c of this.commitQueue.splice(0)) c.reject(this.broken);
      },
    );
  }

  /** Starts the next group at once if commits queued up while the previous one's fsync ran. */
  private processQueuedCommits(): void {
    if (this.commitQueue.length > 0 && !this.commitScheduled && this.broken === null) this.processCommits();
  }

  private finishCommits(group: WrittenCommits): void {
    this.counters.commits += group.batch.length;
    this.schemaVersion = group.schemaVersion;
    if (this.durable && this.counterWrites === group.counterWrites) this.countersUnsynced = false;
    for (const { txn, resolve } of group.batch) {
      this.applyCatalogChanges(txn);
      this.endTransaction(txn, TxnState.Committed);
      if (txn.purgeOnCommit.length > 0) this.purgeObjects(txn.purgeOnCommit);
      resolve();
    }
    this.maybeAutoSweep();
  }

  private maybeAutoSweep(): void {
    if (this.sweepInterval === 0 || this.sweeping) return;
    const oit = this.tip.oldestInteresting();
    if (this.tip.next - oit <= this.sweepInterval || this.tip.state(oit) !== TxnState.Dead) return;
    // Best effort in the background: a failed automatic sweep is retried after later commits.
    this.sweep().catch(() => {});
  }

  private applyCatalogChanges(txn: Transaction): void {
    for (const [name, info] of txn.ownTables) {
      const old = this.byName.get(name);
      if (old !== undefined) this.byId.delete(old.id);
      if (info === null) this.byName.delete(name);
      else {
        this.byName.set(name, info);
        this.byId.set(info.id, info);
      }
    }
  }

  rollback(txn: Transaction): void {
    this.counters.rollbacks++;
    this.tip.set(txn.id, TxnState.Dead);
    let undone = true;
    try {
      for (const { key } of txn.touched.values()) this.restoreOwnVersion(txn, key, null);
    } catch {
      undone = false; // its versions stay dead; sweep removes them
    }
    if (undone && txn.wroteSomething) this.awaitingSettle.push(txn.id);
    this.endTransaction(txn, undone && !txn.wroteSomething ? TxnState.Committed : TxnState.Dead);
  }

  private endTransaction(txn: Transaction, state: TxnState): void {
    this.tip.set(txn.id, state);
    this.active.delete(txn.id);
    this.dirtyTxns.delete(txn);
    this.tableLocks.releaseAll(txn, txn.lockedTables);
    this.horizonCache = -1;
    txn.finish();
  }

  /** Removes the stored rows and index entries of dropped tables and indexes, in the background. */
  private purgeObjects(ids: readonly number[]): void {
    const step = (): void => {
      if (this.closed) return;
      let budget = 5000;
      for (const id of ids) {
        for (const db of ['records', 'indexes'] as const) {
          const prefix = tablePrefix(id);
          const keys: Buffer[] = [];
          for (const { key } of this.store.range(db, { start: prefix, end: prefixEnd(prefix) ?? undefined })) {
            keys.push(copyOf(key));
            if (keys.length >= budget) break;
          }
          for (const key of keys) this.store.del(db, key);
          budget -= keys.length;
          if (budget <= 0) {
            setImmediate(step);
            return;
          }
        }
      }
    };
    setImmediate(step);
  }

  // ---- durable counters ---------------------------------------------------------------------

  /** A named counter kept outside MVCC (sequence reservations), or undefined if never set. */
  counter(name: string): bigint | undefined {
    return this.store.get('meta', counterKey(name))?.readBigInt64BE(0);
  }

  /** Sets a counter now, for every reader; it reaches disk with the next flush of this shard
   * (a commit here, or `syncCounters`). Not transactional: a rollback keeps it. */
  setCounter(name: string, value: bigint): void {
    this.assertOpen();
    const bytes = Buffer.allocUnsafe(8);
    bytes.writeBigInt64BE(value, 0);
    this.store.put('meta', counterKey(name), bytes);
    this.countersUnsynced = true;
    this.counterWrites++;
  }

  /** Whether a counter was set that is not durable yet (`syncCounters` has work to do). */
  get hasUnsyncedCounters(): boolean {
    return this.countersUnsynced;
  }

  /** Resolves once every counter set so far is durable. */
  syncCounters(): Promise<void> {
    if (!this.countersUnsynced) return Promise.resolve();
    const writes = this.counterWrites;
    const synced = (): void => {
      if (this.counterWrites === writes) this.countersUnsynced = false;
    };
    try {
      this.store.flush(false);
    } catch (error) {
      return Promise.reject(asEngineError(error));
    }
    if (!this.durable) {
      synced();
      return Promise.resolve();
    }
    return this.store.sync().then(synced);
  }

  // ---- sweep --------------------------------------------------------------------------------

  /**
   * Visits every record, removes every version no snapshot can see (and rows and index
   * entries of dropped objects), then settles the dead transactions found at the start so
   * the OIT advances, and prunes the on-disk TIP below it.
   */
  async sweep(): Promise<SweepReport> {
    this.assertOpen();
    if (this.sweeping) throw new EngineError(SqlState.objectInUse, `a sweep of shard ${this.dir} is already running`);
    this.sweeping = true;
    try {
      return await this.sweepOnce();
    } finally {
      this.sweeping = false;
    }
  }

  private async sweepOnce(): Promise<SweepReport> {
    const startNext = this.tip.next;
    const deadAtStart = this.tip.deadIn(this.tip.oit, startNext);
    const known = (id: number): boolean => {
      if (id === SYSTEM_TABLE_ID || this.byId.has(id)) return true;
      for (const txn of this.active.values()) for (const info of txn.ownTables.values()) if (info?.id === id) return true;
      for (const txn of this.active.values()) for (const info of txn.ownTables.values()) if (info?.indexes.some((ix) => ix.id === id)) return true;
      for (const info of this.byId.values()) if (info.indexes.some((ix) => ix.id === id)) return true;
      return false;
    };
    let recordsVisited = 0;
    let versionsRemoved = 0;
    let recordsRemoved = 0;
    let orphansRemoved = 0;
    for (const db of ['records', 'indexes'] as const) {
      let start: Buffer | undefined = Buffer.alloc(0);
      while (start !== undefined) {
        const keys: Buffer[] = [];
        for (const { key } of this.store.range(db, { start })) {
          keys.push(copyOf(key));
          if (keys.length >= 1000) break;
        }
        start = keys.length === 1000 ? Buffer.concat([keys[999], Buffer.from([0])]) : undefined;
        for (const key of keys) {
          if (!known(key.readUInt32BE(0))) {
            this.store.del(db, key);
            orphansRemoved++;
          } else if (db === 'records') {
            recordsVisited++;
            const { removed, recordRemoved } = this.collect(key);
            versionsRemoved += removed;
            if (recordRemoved) recordsRemoved++;
          }
        }
        await new Promise((resolve) => setImmediate(resolve));
        this.assertOpen();
      }
    }
    this.store.flush();
    for (const id of deadAtStart) this.tip.set(id, TxnState.Committed);
    const oit = this.persistOit();
    return { recordsVisited, versionsRemoved, recordsRemoved, orphansRemoved, oit };
  }

  /**
   * Writes the OIT down, dropping the TIP entries below it, and returns it. Ids at or above
   * the OIT on disk that have no TIP entry come back dead after a restart, and dead ids keep
   * the OIT back until a sweep; read-only transactions never write an entry, so without this
   * a restart after a read-only workload would mean sweeping the whole shard.
   */
  private persistOit(alsoWrite?: () => void): number {
    const oit = this.tip.oldestInteresting();
    const stale: Buffer[] = [];
    for (const { key } of this.store.range('tip', { start: tipKey(this.tipPrunedTo), end: tipKey(oit) })) stale.push(copyOf(key));
    this.store.flush(false, () => {
      for (const key of stale) this.store.delNow('tip', key);
      this.store.putNow('meta', META.oit, numberValue(oit));
      alsoWrite?.();
    });
    this.tipPrunedTo = oit;
    return oit;
  }

  // ---- write-after log ----------------------------------------------------------------------

  /** The retained log: `first` is the oldest LSN still readable, `next` the next to be written. */
  logBounds(): { first: number; next: number } {
    return { first: this.firstLsn, next: this.nextLsn };
  }

  /** Streams log entries from `fromLsn` (inclusive) in LSN order. */
  *readLog(fromLsn: number): Generator<LogEntry> {
    this.assertOpen();
    if (fromLsn < this.firstLsn) {
      throw new EngineError(SqlState.objectNotInPrerequisiteState, `LSN ${fromLsn} is no longer retained; the oldest retained LSN is ${this.firstLsn}`);
    }
    for (const { key, value } of this.store.range('log', { start: lsnKey(fromLsn) })) {
      yield decodeLogEntry(lsnOfKey(key), value);
    }
  }

  // ---- copies and lifecycle -----------------------------------------------------------------

  /** Copies the shard consistently while it stays in use; the copy opens as a valid shard. */
  async hotCopy(targetDir: string): Promise<void> {
    this.assertOpen();
    mkdirSync(targetDir, { recursive: true });
    await this.store.backup(join(targetDir, 'data.mdb'));
  }

  /** Rolls back whatever is still active, flushes and releases the shard. */
  async close(): Promise<void> {
    if (this.closed) return;
    while (this.commitScheduled || this.syncing !== null || this.commitQueue.length > 0) await new Promise((resolve) => setImmediate(resolve));
    for (const txn of [...this.active.values()]) await txn.rollback();
    this.closed = true;
    try {
      this.store.flush();
      // Nothing runs any more, so the reserved ids above the last one used need not come
      // back dead after reopening: the ceiling drops to the next id.
      this.persistOit(() => this.store.putNow('meta', META.txnCeiling, numberValue(this.tip.next)));
    } finally {
      await this.store.close();
      this.lock.release();
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new EngineError(SqlState.objectNotInPrerequisiteState, `shard ${this.dir} is closed`);
  }
}
