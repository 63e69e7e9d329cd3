/**
 * The shard's LMDB environment and its write overlay.
 *
 * Every mutation is first recorded in an in-memory overlay (one map per sub-database) and
 * reaches LMDB in a batch: inside a commit, when the overlay grows past `overlayLimit` (65,536
 * writes), before a range scan while the overlay is large, and otherwise a little after the
 * last write (BACKGROUND_FLUSH_MS). This turns thousands of record-version writes into one LMDB
 * write transaction, which is what makes bulk loads fast, and lets the many small transactions
 * of an OLTP load share the LMDB write of their group commit;
 * point reads consult the overlay first, and range scans merge a small overlay into what they
 * read from LMDB, so every caller sees its own writes at once.
 *
 * Nothing in the overlay is ever the only copy of committed data: a commit flushes the
 * overlay inside the same LMDB transaction that flips the transaction inventory, so losing
 * the overlay in a crash loses only uncommitted versions, which recovery ignores anyway.
 *
 * Sub-databases: `records` (record version chains), `indexes` (secondary index entries),
 * `tip` (transaction inventory), `log` (write-after log), `meta` (markers and counters).
 */
import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { EngineError, SqlState } from './errors.ts';

/** LMDB flags for lmdb-js `transactionSync`: abortable, and commit without fsync. */
const TXN_ABORTABLE = 0x1;
const TXN_SYNCHRONOUS_COMMIT = 0x2;
const TXN_NO_SYNC_FLUSH = 0x10000;

/**
 * How long staged writes may wait for a commit to carry them to LMDB before a flush of their own.
 * They are not committed data, so waiting risks nothing; each LMDB write transaction costs page
 * writes, so fewer are better.
 */
const BACKGROUND_FLUSH_MS = 50;

/** A range scan merges an overlay of at most this many writes; a larger one is flushed first. */
const MERGE_LIMIT = 256;

/** LMDB's largest key with the default 4 KiB page. */
export const MAX_KEY_BYTES = 1978;

/** The shards' LMDB page size. */
const PAGE_BYTES = 4096;
/** LMDB's page layout: a page header, and per entry a node header and a slot in the page's
 * offset array; a value that makes its node larger than NODE_MAX moves to overflow pages
 * (each with a header), leaving a page number in the node. */
const PAGE_HEADER_BYTES = 16;
const NODE_HEADER_BYTES = 8;
const SLOT_BYTES = 2;
const OVERFLOW_POINTER_BYTES = 8;
const NODE_MAX = (((PAGE_BYTES - PAGE_HEADER_BYTES) / 2) & ~1) - SLOT_BYTES;

/** The bytes a range of entries takes in LMDB pages (see `Store.footprint`). */
interface Footprint {
  /** The keys with LMDB's per-entry overhead (node header, slot, overflow page number). */
  readonly keyBytes: number;
  /** The values: their bytes in leaf pages, or their whole overflow pages. */
  readonly valueBytes: number;
}

/** Bytes of the whole pages `bytes` of entries fill: what they occupy at the least. */
export function wholePages(bytes: number): number {
  return Math.ceil(bytes / (PAGE_BYTES - PAGE_HEADER_BYTES)) * PAGE_BYTES;
}

/** lmdb-js runs `sync(callback)` (mdb_env_sync) on a libuv worker thread; its typings omit it. */
interface SyncableEnv {
  sync(callback: (error?: unknown) => void): void;
}

export type SubDb = 'records' | 'indexes' | 'tip' | 'log' | 'meta';
const SUB_DBS: readonly SubDb[] = ['records', 'indexes', 'tip', 'log', 'meta'];

interface PendingWrite {
  readonly key: Buffer;
  readonly value: Buffer | null; // null = delete
}

export interface RangeOptions {
  /** Inclusive lower bound (forward) or inclusive upper bound (reverse). */
  readonly start?: Buffer;
  /** Exclusive bound on the other side. */
  readonly end?: Buffer;
  readonly reverse?: boolean;
}

export class Store {
  readonly env: RootDatabase;
  private readonly dbs: Record<SubDb, Database<Buffer, Buffer>>;
  private readonly overlay: Record<SubDb, Map<string, PendingWrite>>;
  private overlaySize = 0;
  private flushScheduled = false;
  /**
   * Called when a flush fails: the overlay's writes are gone, so the transactions that made
   * them must be failed by the owner.
   */
  onFlushError: (error: EngineError) => void = () => {};
  /** Called after every successful flush: everything staged so far is in LMDB. */
  afterFlush: () => void = () => {};
  /** True while a durable flush is about to run anyway: the turn's background flush then waits for it. */
  durableFlushDue: () => boolean = () => false;

  constructor(private readonly path: string, private readonly overlayLimit = 65_536) {
    this.env = open({
      path,
      maxDbs: 12,
      // We decide per transaction whether to fsync; overlapping sync would acknowledge a
      // commit before it is durable.
      overlappingSync: false,
      noMemInit: true,
      pageSize: PAGE_BYTES,
    });
    const dbs = {} as Record<SubDb, Database<Buffer, Buffer>>;
    const overlay = {} as Record<SubDb, Map<string, PendingWrite>>;
    for (const name of SUB_DBS) {
      dbs[name] = this.env.openDB<Buffer, Buffer>({ name, keyEncoding: 'binary', encoding: 'binary' });
      overlay[name] = new Map();
    }
    this.dbs = dbs;
    this.overlay = overlay;
  }

  /**
   * The current value of a key, overlay first. The returned buffer may be shared scratch
   * space that the next `get` overwrites: copy it (`copyOf`) to keep it.
   */
  get(db: SubDb, key: Buffer, id?: string): Buffer | undefined {
    if (this.overlaySize > 0) {
      const pending = this.overlay[db].get(id ?? key.toString('latin1'));
      if (pending !== undefined) return pending.value ?? undefined;
    }
    const fast = this.dbs[db].getBinaryFast(key) as Buffer | undefined;
    // lmdb-js answers from one global buffer whose `length` is patched to the value's size;
    // a real view of just the value keeps Buffer.from, DataView and byteLength honest.
    return fast === undefined ? undefined : fast.subarray(0, fast.length);
  }

  /** `id` is the key as latin1 text, for callers that have it already (it indexes the overlay). */
  put(db: SubDb, key: Buffer, value: Buffer, id?: string): void {
    this.stage(db, key, value, id);
  }

  del(db: SubDb, key: Buffer): void {
    this.stage(db, key, null);
  }

  private stage(db: SubDb, key: Buffer, value: Buffer | null, id?: string): void {
    const map = this.overlay[db];
    const k = id ?? key.toString('latin1');
    if (!map.has(k)) this.overlaySize++;
    map.set(k, { key, value });
    if (this.overlaySize >= this.overlayLimit) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setTimeout(() => this.backgroundFlush(), BACKGROUND_FLUSH_MS).unref();
    }
  }

  private backgroundFlush(): void {
    this.flushScheduled = false;
    if (this.overlaySize === 0 || this.durableFlushDue()) return;
    try {
      this.flush();
    } catch {
      // flush() has already reported the failure through onFlushError.
    }
  }

  /**
   * Iterates in key order everything written before the call: LMDB merged with the overlay's
   * writes in the range as they are now (a large overlay is flushed first instead). The
   * iterator then keeps its LMDB snapshot.
   */
  range(db: SubDb, options: RangeOptions): Iterable<{ key: Buffer; value: Buffer }> {
    if (this.overlaySize === 0) return this.rangeStored(db, options);
    if (this.overlaySize > MERGE_LIMIT) {
      this.flush();
      return this.rangeStored(db, options);
    }
    const reverse = options.reverse ?? false;
    const staged: PendingWrite[] = [];
    for (const write of this.overlay[db].values()) if (inRange(write.key, options, reverse)) staged.push(write);
    if (staged.length === 0) return this.rangeStored(db, options);
    staged.sort((a, b) => (reverse ? Buffer.compare(b.key, a.key) : Buffer.compare(a.key, b.key)));
    return mergeStaged(this.rangeStored(db, options), staged, reverse);
  }

  /**
   * Iterates what LMDB holds, without flushing the overlay first: staged writes are not seen,
   * and keys the overlay has deleted still are. For callers that merge the overlay themselves.
   */
  rangeStored(db: SubDb, options: RangeOptions): Iterable<{ key: Buffer; value: Buffer }> {
    return this.dbs[db].getRange({
      start: options.start,
      end: options.end,
      reverse: options.reverse ?? false,
    }) as Iterable<{ key: Buffer; value: Buffer }>;
  }

  /**
   * The bytes LMDB's pages give the committed entries of a range, as its page layout lays
   * them out. LMDB counts pages per sub-database only, so the range is measured entry by
   * entry: the cost is a read of every entry. Free space in partly filled pages is not included.
   */
  footprint(db: SubDb, range: Pick<RangeOptions, 'start' | 'end'>): Footprint {
    let keyBytes = 0;
    let valueBytes = 0;
    for (const { key, value } of this.rangeStored(db, range)) {
      const inLeaf = NODE_HEADER_BYTES + key.length + value.length <= NODE_MAX;
      keyBytes += NODE_HEADER_BYTES + SLOT_BYTES + key.length + (inLeaf ? 0 : OVERFLOW_POINTER_BYTES);
      valueBytes += inLeaf ? value.length : Math.ceil((PAGE_HEADER_BYTES + value.length) / PAGE_BYTES) * PAGE_BYTES;
    }
    return { keyBytes, valueBytes };
  }

  /** Bytes of the LMDB file's pages in use, free-listed ones included (as a file's size would). */
  usedBytes(): number {
    const info = this.env.getStats() as { lastPageNumber: number };
    return (info.lastPageNumber + 1) * PAGE_BYTES;
  }

  /**
   * Writes the overlay (and whatever `extra` writes) in one LMDB transaction. `durable`
   * fsyncs before returning. On failure nothing of the batch is applied, the overlay is
   * dropped (its writes belonged to transactions the caller must fail) and the error is
   * thrown as an EngineError with a PostgreSQL SQLSTATE.
   */
  flush(durable = false, extra?: () => void): void {
    if (this.overlaySize === 0 && extra === undefined) return;
    const flags = durable ? TXN_ABORTABLE | TXN_SYNCHRONOUS_COMMIT : TXN_ABORTABLE | TXN_NO_SYNC_FLUSH;
    try {
      this.env.transactionSync(() => {
        for (const name of SUB_DBS) {
          const map = this.overlay[name];
          if (map.size === 0) continue;
          const target = this.dbs[name];
          for (const { key, value } of map.values()) {
            if (value === null) target.removeSync(key);
            else target.putSync(key, value);
          }
        }
        extra?.();
      }, flags);
    } catch (error) {
      this.clearOverlay();
      const failure = asEngineError(error, dirname(this.path));
      this.onFlushError(failure);
      throw failure;
    }
    this.clearOverlay();
    this.afterFlush();
  }

  /**
   * Makes everything written to LMDB so far durable (fdatasync of the data file) on a worker
   * thread, so the event loop keeps serving while the disk works. Resolves once it is on disk.
   */
  sync(): Promise<void> {
    return new Promise((resolve, reject) => {
      (this.env as unknown as SyncableEnv).sync((error?: unknown) => {
        if (error === undefined || error === null) resolve();
        else reject(asEngineError(error, dirname(this.path)));
      });
    });
  }

  /** Direct writes for use inside a `flush(…, extra)` callback only. */
  putNow(db: SubDb, key: Buffer, value: Buffer): void {
    this.dbs[db].putSync(key, value);
  }

  delNow(db: SubDb, key: Buffer): void {
    this.dbs[db].removeSync(key);
  }

  private clearOverlay(): void {
    for (const name of SUB_DBS) this.overlay[name].clear();
    this.overlaySize = 0;
  }

  /** Consistent copy of the environment while it is in use (LMDB's mdb_env_copy). */
  async backup(targetFile: string): Promise<void> {
    this.flush();
    await this.env.backup(targetFile, false);
  }

  async close(): Promise<void> {
    await this.env.close();
  }
}

/** Whether `key` lies in the range as LMDB reads it: [start, end) forward, (end, start] in reverse. */
function inRange(key: Buffer, options: RangeOptions, reverse: boolean): boolean {
  const { start, end } = options;
  if (reverse) return (start === undefined || Buffer.compare(key, start) <= 0) && (end === undefined || Buffer.compare(key, end) > 0);
  return (start === undefined || Buffer.compare(key, start) >= 0) && (end === undefined || Buffer.compare(key, end) < 0);
}

/** LMDB's entries with the staged writes (in the same order) laid over them: a staged value
 * replaces the stored one of its key, a staged delete hides it. */
function* mergeStaged(stored: Iterable<{ key: Buffer; value: Buffer }>, staged: readonly PendingWrite[], reverse: boolean): Generator<{ key: Buffer; value: Buffer }> {
  let next = 0;
  for (const entry of stored) {
    for (; next < staged.length; next++) {
      const order = Buffer.compare(staged[next].key, entry.key);
      if (reverse ? order < 0 : order > 0) break;
      const { key, value } = staged[next];
      if (order === 0) break;
      if (value !== null) yield { key, value };
    }
    if (next < staged.length && staged[next].key.equals(entry.key)) {
      const { key, value } = staged[next++];
      if (value !== null) yield { key, value };
      continue;
    }
    yield entry;
  }
  for (; next < staged.length; next++) {
    const { key, value } = staged[next];
    if (value !== null) yield { key, value };
  }
}

/**
 * Below this much free space an I/O error counts as a full disk: writes through LMDB's map
 * on a full filesystem surface as EIO rather than ENOSPC.
 */
const NEARLY_FULL_BYTES = 64 * 1024 * 1024;

function nearlyFull(dir: string): boolean {
  try {
    const fs = statfsSync(dir);
    return fs.bavail * fs.bsize < NEARLY_FULL_BYTES;
  } catch {
    return false;
  }
}

/** Maps LMDB and OS failures onto PostgreSQL SQLSTATEs; `dir` is where the shard lives. */
export function asEngineError(error: unknown, dir?: string): EngineError {
  if (error instanceof EngineError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown })?.code;
  const ioError = code === 'EIO' || code === 5 || /Input\/output error|EIO/i.test(message);
  if (code === 'ENOSPC' || /ENOSPC|No space left on device|MDB_MAP_FULL/i.test(message) || (ioError && dir !== undefined && nearlyFull(dir))) {
    return new EngineError(SqlState.diskFull, 'could not write to the shard: no space left on device', {
      hint: 'Free disk space; the shard stays usable for reads and for writes once space is available.',
      cause: error,
    });
  }
  if (ioError) return new EngineError(SqlState.ioError, `could not write to the shard: ${message}`, { cause: error });
  if (/MDB_CORRUPTED|MDB_PAGE_NOTFOUND|MDB_INVALID/i.test(message)) {
    return new EngineError(SqlState.dataCorrupted, `shard storage is corrupt: ${message}`, { cause: error });
  }
  if (/MDB_BAD_VALSIZE|key.*(too large|size)/i.test(message)) {
    return new EngineError(SqlState.programLimitExceeded, `key too large for storage: ${message}`, { cause: error });
  }
  return new EngineError(SqlState.internalError, `storage error: ${message}`, { cause: error });
}
