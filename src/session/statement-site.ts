/**
 * Where a session's statement runs its coordinator program: the gathers reach the shards of
 * the session's transaction through the node's ShardHost, and pg_catalog rows come from the
 * database. A class, made once per statement, rather than an object of closures: this is on
 * the path of every statement.
 */
import type { Row, Value } from '../engine/types.ts';
import type { ShardHost } from '../coordinator/shard-host.ts';
import type { CoordinatorSite, ExecContext, WriteResult } from '../sblr/compile/context.ts';
import type { EvalContext } from '../sql/functions/index.ts';
import type { SessionTransaction } from './transaction.ts';

export class StatementSite implements CoordinatorSite, ExecContext {
  readonly kind = 'coordinator';
  readonly eval: EvalContext;

  constructor(
    private readonly host: ShardHost,
    private readonly txn: SessionTransaction,
    readonly params: readonly Value[],
    evalContext: EvalContext,
    readonly checkInterrupt: () => void,
    private readonly catalog: (name: string) => Iterable<Row>,
  ) {
    this.eval = evalContext;
  }

  /** The statement's execution context is the site itself. */
  get site(): CoordinatorSite {
    return this;
  }

  openOnShard(shard: number, program: Uint8Array, params: readonly Value[]): Iterator<Row> {
    return this.host.open({ shard, program, params, tx: this.txn.on(shard), eval: this.eval, checkInterrupt: this.checkInterrupt });
  }

  writeOnShard(shard: number, program: Uint8Array, params: readonly Value[]): Promise<WriteResult> {
    this.txn.claimWrite(shard);
    return this.host.write({ shard, program, params, tx: this.txn.on(shard), eval: this.eval, checkInterrupt: this.checkInterrupt });
  }

  catalogRows(name: string): Iterable<Row> {
    return this.catalog(name);
  }
}
