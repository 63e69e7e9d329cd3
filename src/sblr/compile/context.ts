/**
 * What a compiled program needs from the place it runs: the statement's parameters and
 * evaluation settings, and either a shard's transaction or the coordinator's reach into the
 * shards and the SQL catalog.
 */
import type { Transaction } from '../../engine/index.ts';
import type { Row, Value } from '../../engine/types.ts';
import type { EvalContext } from '../../sql/functions/index.ts';
import type { ShardRuntime } from '../runtime/shard-runtime.ts';

export interface ExecContext {
  readonly params: readonly Value[];
  readonly eval: EvalContext;
  readonly site: ShardSite | CoordinatorSite;
  /** Throws EngineError 57014 when the statement was cancelled or timed out. Executors call
   * it about every 1024 rows they touch. */
  checkInterrupt(): void;
}

export interface ShardSite {
  readonly kind: 'shard';
  readonly shardIndex: number;
  readonly tx: Transaction;
  readonly runtime: ShardRuntime;
}

export interface CoordinatorSite {
  readonly kind: 'coordinator';
  /** Runs an encoded subplan on a shard (verify + compile + open there); rows stream back. */
  openOnShard(shard: number, program: Uint8Array, params: readonly Value[]): Iterator<Row>;
  writeOnShard(shard: number, program: Uint8Array, params: readonly Value[]): Promise<WriteResult>;
  /** The rows of a pg_catalog / information_schema relation. */
  catalogRows(name: string): Iterable<Row>;
}

/** A write's outcome: the row count for the command tag, and the RETURNING rows. */
export interface WriteResult {
  readonly count: number;
  readonly rows: Row[];
}
