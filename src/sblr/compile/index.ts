/**
 * The SBLR executor: verified plans compiled to JavaScript closures and run on a shard (over
 * its engine transaction) or on the coordinator (gathering from shards, reading the SQL
 * catalog).
 *
 * ```ts
 * const program = compileProgram(verifyProgram(bytes, site, catalog, functions));  // cached by hash
 * if (program.kind === 'query') for (const row of iterate(program.open(ctx))) …          // pull, stop any time
 * else { const { count, rows } = await program.run(ctx); }                                // DML / DDL
 * ```
 *
 * `ctx.site` is `{ kind: 'shard', shardIndex, tx, runtime: ShardRuntime.of(shard) }` or a
 * CoordinatorSite. Errors are EngineErrors with PostgreSQL's SQLSTATEs.
 */
export { compileProgram, type CompiledProgram, type VerifiedProgram } from './program.ts';
export type { CoordinatorSite, ExecContext, ShardSite, WriteResult } from './context.ts';
export { ShardRuntime } from '../runtime/shard-runtime.ts';
export { isWrite } from './rel.ts';
export { defineSetReturningFunction, definedSetReturningSignatures, setReturningColumns } from '../runtime/srf.ts';
