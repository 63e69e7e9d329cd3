/**
 * The shard side of execution on this node: the node's open shards, and the path every shard
 * program takes: verify (never trusting the coordinator), compile (cached by program hash),
 * run in the caller's shard transaction. A later issue puts gRPC between the coordinator and
 * this class; nothing above it assumes the shard is local.
 */
import type { Shard } from '../engine/shard.ts';
import type { Transaction } from '../engine/transaction.ts';
import { parseType, type Row, type Value } from '../engine/types.ts';
import { HIDDEN_ROW_ID } from '../sql/catalog/model.ts';
import { layoutVersion } from '../sql/catalog/physical.ts';
import type { EvalContext } from '../sql/functions/index.ts';
import { compileProgram, type CompiledProgram } from '../sblr/compile/index.ts';
import type { WriteResult } from '../sblr/compile/context.ts';
import { ShardRuntime } from '../sblr/runtime/shard-runtime.ts';
import { programHash } from '../sblr/encode.ts';
import { verifyProgram, type FunctionChecker, type VerifierCatalog } from '../sblr/verify.ts';
import { RecencyCache } from './recency-cache.ts';

export interface ShardCall {
  readonly shard: number;
  readonly program: Uint8Array;
  readonly params: readonly Value[];
  readonly tx: Transaction;
  readonly eval: EvalContext;
  checkInterrupt(): void;
}

/** Verified and compiled programs, per shard schema version; bounded. */
const CACHE_LIMIT = 2048;

export class ShardHost {
  private readonly cache = new RecencyCache<CompiledProgram>(CACHE_LIMIT);
  /**
   * The hash of programs seen before, by the bytes object the coordinator encoded once per plan,
   * with a copy of the bytes: a program is looked up by hash only while its bytes are still
   * what was hashed, so reusing (or changing) a buffer can never skip verification.
   */
  private readonly hashes = new WeakMap<Uint8Array, { readonly bytes: Buffer; readonly hex: string }>();

  constructor(
    readonly shards: readonly Shard[],
    private readonly functions: FunctionChecker,
  ) {}

  private prepare(call: ShardCall): CompiledProgram {
    const shard = this.shards[call.shard];
    // A transaction that changed the schema sees its own catalog: never cached.
    const ownSchema = call.tx.ownTables.size > 0;
    const key = `${call.shard}:${shard.schemaVersion}:${this.hashOf(call.program)}`;
    if (!ownSchema) {
      const cached = this.cache.get(key);
      if (cached !== undefined) return cached;
    }
    const verified = verifyProgram(call.program, 'shard', shardCatalog(call.tx), this.functions);
    const compiled = compileProgram(verified);
    if (!ownSchema) this.cache.set(key, compiled);
    return compiled;
  }

  private hashOf(program: Uint8Array): string {
    const known = this.hashes.get(program);
    if (known !== undefined && known.bytes.equals(program)) return known.hex;
    const hex = programHash(program).toString('hex');
    this.hashes.set(program, { bytes: Buffer.from(program), hex });
    return hex;
  }

  open(call: ShardCall): Iterator<Row> {
    const compiled = this.prepare(call);
    return compiled.open(this.context(call));
  }

  write(call: ShardCall): Promise<WriteResult> {
    const compiled = this.prepare(call);
    return compiled.run(this.context(call));
  }

  private context(call: ShardCall) {
    return {
      params: call.params,
      eval: call.eval,
      site: { kind: 'shard' as const, shardIndex: call.shard, tx: call.tx, runtime: ShardRuntime.of(this.shards[call.shard]) },
      checkInterrupt: call.checkInterrupt,
    };
  }
}

/** What the verifier checks a program's tables against: this transaction's view of the
 * shard's catalog. */
function shardCatalog(tx: Transaction): VerifierCatalog {
  return {
    table(oid: number) {
      let info;
      try {
        info = tx.table(`r${oid}`);
      } catch {
        return undefined;
      }
      const stored = info.stored;
      const columns = stored.columns.map((c) => ({ name: c.name, type: parseType(c.type) }));
      return {
        version: layoutVersion({ columns: stored.columns.map((c) => ({ name: c.name, type: c.type, notNull: c.notNull === true })), primaryKey: stored.primaryKey }),
        columns,
        hiddenRowId: stored.columns[stored.columns.length - 1]?.name === HIDDEN_ROW_ID,
        indexes: stored.indexes.map((ix) => ix.name),
      };
    },
  };
}
