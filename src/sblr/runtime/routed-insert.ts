/**
 * INSERT of rows computed on the coordinator (into a partitioned table, or into a home-shard
 * table from rows read elsewhere): defaults and sequences are evaluated once, so a key drawn
 * from a sequence is hashed as it is stored; each row's partition key is hashed to its shard,
 * and the rows travel to that shard as the parameters of an INSERT … VALUES program, after the
 * statement's own parameters. A statement writes one shard: rows belonging to two are refused
 * before any is written.
 *
 * The shard program depends only on the row count; it is encoded once per count and kept (a
 * few counts cover single-row inserts, multi-row VALUES and COPY batches).
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import type { Value } from '../../engine/types.ts';
import { partitionBucketer } from '../../planner/partitioning.ts';
import type { Expr, InsertRel, RoutedInsertRel, ValuesRel } from '../../sql/plan/ir.ts';
import type { SqlType } from '../../sql/types/sql-type.ts';
import type { Compiler, WriteStep } from '../compile/compiler.ts';
import { badPlan } from '../compile/expr.ts';
import { encodeProgram } from '../encode.ts';
import { drain } from './cursor.ts';
import { shardNames, statementParameters } from './gather.ts';

/** Shard programs kept per routed insert, by row count. */
const PROGRAMS_KEPT = 16;

export function routedInsertStep(rel: RoutedInsertRel, c: Compiler, slot: number): WriteStep {
  const input = c.rel(rel.input);
  const values = rel.insert.input;
  if (values.rel !== 'values') throw badPlan('a routed insert whose shard part does not insert a VALUES');
  const rowTypes = values.columns.map((column) => column.type);
  const key = rel.key;
  const bucketOf = partitionBucketer(key.map((position) => rowTypes[position]), rel.shards.length);
  const programFor = shardPrograms(rel.insert, values, c.parameterTypes);
  const base = c.parameterTypes.length;
  return {
    slot,
    async run(exec) {
      const rows = drain(input(exec.top));
      if (rows.length === 0) return { count: 0, rows: [] };
      const keyValues = new Array<Value>(key.length).fill(null);
      const buckets = new Set<number>();
      for (const row of rows) {
        exec.tick();
        for (let i = 0; i < key.length; i++) keyValues[i] = row[key[i]];
        buckets.add(bucketOf(keyValues));
      }
      const shards = [...buckets].map((bucket) => rel.shards[bucket]).sort((a, b) => a - b);
      if (shards.length > 1) {
        throw new EngineError(SqlState.featureNotSupported, `this INSERT would put rows of relation "r${rel.insert.table.oid}" on shards ${shardNames(shards)}; a statement writes one shard`, {
          hint: 'ScratchBird has no cross-shard transactions yet: rows whose partition keys hash to different shards go in separate transactions (one statement each in autocommit), or choose a partition key that co-locates them.',
        });
      }
      const params = statementParameters(exec, base);
      for (const row of rows) for (const value of row) params.push(value);
      return exec.coordinator().writeOnShard(shards[0], programFor(rows.length), params);
    },
  };
}

/** The shard program inserting `count` rows given as parameters, encoded once per count. */
function shardPrograms(template: InsertRel, values: ValuesRel, parameterTypes: readonly SqlType[]): (count: number) => Uint8Array {
  const programs = new Map<number, Uint8Array>();
  const rowTypes = values.columns.map((column) => column.type);
  const base = parameterTypes.length;
  const width = rowTypes.length;
  return (count) => {
    const known = programs.get(count);
    if (known !== undefined) return known;
    const types = [...parameterTypes];
    const rows: Expr[][] = [];
    for (let r = 0; r < count; r++) {
      rows.push(rowTypes.map((type, i): Expr => ({ op: 'param', type, index: base + r * width + i })));
      types.push(...rowTypes);
    }
    const program = encodeProgram({ ...template, input: { ...values, rows } }, { parameterTypes: types });
    programs.set(count, program);
    if (programs.size > PROGRAMS_KEPT) programs.delete(programs.keys().next().value as number);
    return program;
  };
}
