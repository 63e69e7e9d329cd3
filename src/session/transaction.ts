/**
 * A session's transaction: one engine transaction per shard it touched, begun lazily, and the
 * catalog draft of its DDL. Writes go to one shard only (ScratchBird has no cross-shard
 * transactions yet): a second shard is refused with 0A000 naming both. DDL is the exception:
 * its catalog rows live on the home shard and a partitioned table's storage is changed on every
 * shard, all committed together.
 */
import { EngineError, SqlState } from '../engine/errors.ts';
import type { Shard } from '../engine/shard.ts';
import type { IsolationLevel, Transaction } from '../engine/transaction.ts';
import type { CatalogObject } from '../sql/catalog/model.ts';
import type { CatalogSnapshot } from '../sql/catalog/snapshot.ts';
import type { SqlCatalog } from '../sql/catalog/store.ts';
import { timestampOfMillis } from '../sql/types/calendar.ts';

export interface TransactionOptions {
  readonly isolation: IsolationLevel;
  readonly readOnly: boolean;
  readonly lockTimeoutMs: number | undefined;
}

interface Savepoint {
  readonly name: string;
  readonly draft: CatalogSnapshot | null;
  readonly changed: Map<number, CatalogObject | null>;
  readonly shards: Set<number>;
}

export class SessionTransaction {
  private readonly byShard = new Map<number, Transaction>();
  private writeShard: number | null = null;
  private draft: CatalogSnapshot | null = null;
  private changed = new Map<number, CatalogObject | null>();
  private releaseDdl: (() => void) | null = null;
  private readonly savepoints: Savepoint[] = [];
  /** µs since 2000-01-01: now() for the whole transaction. */
  readonly startedAt: bigint;
  failed = false;

  constructor(
    private readonly shards: readonly Shard[],
    private readonly catalog: SqlCatalog,
    public options: TransactionOptions,
    readonly explicit: boolean,
  ) {
    this.startedAt = timestampOfMillis(Date.now());
  }

  /** The catalog this transaction sees: its draft, else the committed one. */
  catalogView(): CatalogSnapshot {
    return this.draft ?? this.catalog.committed();
  }

  get hasDdl(): boolean {
    return this.draft !== null;
  }

  /** The engine transaction on a shard, begun on first use. */
  on(shard: number): Transaction {
    let tx = this.byShard.get(shard);
    if (tx === undefined) {
      tx = this.shards[shard].begin({ isolation: this.options.isolation, readOnly: this.options.readOnly, lockTimeoutMs: this.options.lockTimeoutMs });
      this.byShard.set(shard, tx);
      for (const sp of this.savepoints) {
        tx.savepoint(sp.name);
        sp.shards.add(shard);
      }
    }
    return tx;
  }

  /** Claims `shard` as the one this transaction writes (DDL excepted). */
  claimWrite(shard: number): void {
    if (this.writeShard === null || this.writeShard === shard) {
      this.writeShard = shard;
      return;
    }
    throw new EngineError(SqlState.featureNotSupported, `this transaction already wrote to shard ${this.writeShard} and cannot also write to shard ${shard}`, {
      hint: 'ScratchBird has no cross-shard transactions yet: co-locate the tables a transaction writes (same partition key value), or write them in separate transactions.',
    });
  }

  /** READ COMMITTED: each statement sees what committed before it started. */
  newStatement(): void {
    for (const tx of this.byShard.values()) tx.newStatement();
  }

  /** Takes the DDL lock and starts the catalog draft on the first DDL statement. */
  async beginDdl(): Promise<CatalogSnapshot> {
    if (this.draft === null) {
      this.releaseDdl = await this.catalog.lockDdl();
      this.draft = this.catalog.committed().edit();
    }
    return this.draft;
  }

  /** Records catalog changes in the draft and writes them in the home shard's transaction. */
  async applyCatalogChanges(changes: readonly [number, CatalogObject | null][], home: number): Promise<void> {
    const draft = await this.beginDdl();
    const batch = new Map<number, CatalogObject | null>();
    for (const [oid, object] of changes) {
      if (object === null) draft.remove(oid);
      else draft.put(object);
      this.changed.set(oid, object);
      batch.set(oid, object);
    }
    await this.catalog.persist(this.on(home), batch);
  }

  savepoint(name: string): void {
    this.savepoints.push({ name, draft: this.draft?.edit() ?? null, changed: new Map(this.changed), shards: new Set(this.byShard.keys()) });
    for (const tx of this.byShard.values()) tx.savepoint(name);
  }

  private findSavepoint(name: string): number {
    for (let i = this.savepoints.length - 1; i >= 0; i--) if (this.savepoints[i].name === name) return i;
    throw new EngineError(SqlState.invalidSavepointSpecification, `savepoint "${name}" does not exist`);
  }

  rollbackToSavepoint(name: string): void {
    const at = this.findSavepoint(name);
    const sp = this.savepoints[at];
    this.savepoints.length = at + 1;
    for (const [shard, tx] of this.byShard) if (sp.shards.has(shard)) tx.rollbackToSavepoint(name);
    if (this.draft !== null) {
      this.draft = sp.draft?.edit() ?? this.catalog.committed().edit();
      this.changed = new Map(sp.changed);
    }
    this.failed = false;
  }

  releaseSavepoint(name: string): void {
    const at = this.findSavepoint(name);
    const sp = this.savepoints[at];
    this.savepoints.length = at;
    for (const [shard, tx] of this.byShard) if (sp.shards.has(shard)) tx.releaseSavepoint(name);
  }

  /**
   * Commits at once a transaction that wrote nothing and handed out no counter values not yet
   * durable: true when done, false (doing nothing) when it must go through `commit`.
   */
  commitReadOnly(): boolean {
    if (this.draft !== null || this.writeShard !== null) return false;
    for (const shard of this.shards) if (shard.hasUnsyncedCounters) return false;
    for (const tx of this.byShard.values()) if (!tx.committableAtOnce) return false;
    for (const tx of this.byShard.values()) tx.commitReadOnly();
    this.end();
    return true;
  }

  async commit(): Promise<void> {
    try {
      // OIDs and sequence values handed out must be on disk before anything using them is.
      let counters: Promise<void>[] | undefined;
      for (const shard of this.shards) if (shard.hasUnsyncedCounters) (counters ??= []).push(shard.syncCounters());
      if (counters !== undefined) await Promise.all(counters);
      // Read-only shard transactions first, the written shard last.
      if (this.byShard.size === 1) {
        for (const tx of this.byShard.values()) await tx.commit();
      } else {
        const order = [...this.byShard.entries()].sort(([a], [b]) => (a === this.writeShard ? 1 : b === this.writeShard ? -1 : a - b));
        for (const [, tx] of order) await tx.commit();
      }
      if (this.draft !== null) this.catalog.publish(this.draft);
    } finally {
      this.end();
    }
  }

  async rollback(): Promise<void> {
    try {
      for (const tx of this.byShard.values()) if (tx.isActive) await tx.rollback();
    } finally {
      this.end();
    }
  }

  private end(): void {
    this.byShard.clear();
    this.releaseDdl?.();
    this.releaseDdl = null;
    this.draft = null;
  }

  /** Cancels waits of this transaction's shard transactions (lock waits end with `reason`). */
  cancel(reason: Error): void {
    for (const tx of this.byShard.values()) if (tx.isActive) tx.cancel(reason);
  }
}
