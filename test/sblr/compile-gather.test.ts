import { describe, expect, it } from 'vitest';
import type { Shard, Transaction } from '../../src/engine/index.ts';
import type { Rel, SortKey } from '../../src/sql/plan/ir.ts';
import type { SqlType } from '../../src/sql/types/sql-type.ts';
import { encodeProgram } from '../../src/sblr/encode.ts';
import { openShard } from '../engine/helpers.ts';
import { agg, aggregate, asc, col, compile, coordinatorContext, createTable, desc, iterate, query, scan, sort, t, tableRef, values } from './plans.ts';

const items = tableRef(500, [['id', t.int4], ['score', t.int4]]);

interface Cluster {
  readonly shards: Shard[];
  readonly txs: Transaction[];
  readonly subplans: Map<string, Rel>;
}

async function cluster(): Promise<Cluster> {
  const shards = [await openShard(), await openShard(), await openShard()];
  await createTable(shards[0], items, [[1, 50], [4, 20], [7, 90]]);
  await createTable(shards[1], items, [[2, 10], [5, 60]]);
  await createTable(shards[2], items, [[3, 30], [6, 50], [8, null]]);
  return { shards, txs: shards.map((s) => s.begin()), subplans: new Map() };
}

function gather(c: Cluster, subplan: Rel, mergeKeys: SortKey[] | null = null, parameterTypes: SqlType[] = []): Rel {
  c.subplans.set(Buffer.from(encodeProgram(subplan, { parameterTypes })).toString('hex'), subplan);
  return { rel: 'gather', shards: [0, 1, 2], subplan, columns: items.columns, mergeKeys };
}

describe('gather', () => {
  it('concatenates shard streams in shard order', async () => {
    const c = await cluster();
    const rows = [...iterate(compile(gather(c, scan(items))).open(coordinatorContext(c.shards, c.txs, c.subplans)))];
    expect(rows.map((r) => r[0])).toEqual([1, 4, 7, 2, 5, 3, 6, 8]);
  });

  it('merges sorted shard streams by the merge keys, NULLs placed as the keys say', async () => {
    const c = await cluster();
    const byScore = [desc(col(1)), asc(col(0))];
    const plan = gather(c, sort(scan(items), ...byScore), byScore);
    const rows = [...iterate(compile(plan).open(coordinatorContext(c.shards, c.txs, c.subplans)))];
    expect(rows).toEqual([[8, null], [7, 90], [5, 60], [1, 50], [6, 50], [3, 30], [4, 20], [2, 10]]);
  });

  it('finishes partial aggregates on the coordinator', async () => {
    const c = await cluster();
    const partial = aggregate(scan(items), [], [agg('avg', [col(1)], t.numeric), agg('count_star', [], t.int8)], {
      phase: 'partial', columns: [{ name: 's', type: t.int8 }, { name: 'n', type: t.int8 }, { name: 'c', type: t.int8 }],
    });
    c.subplans.set(Buffer.from(encodeProgram(partial, { parameterTypes: [] })).toString('hex'), partial);
    const gathered: Rel = { rel: 'gather', shards: [0, 1, 2], subplan: partial, columns: partial.rel === 'aggregate' ? partial.columns : [], mergeKeys: null };
    const final = aggregate(gathered, [], [agg('avg', [col(0, t.int8), col(1, t.int8)], t.numeric), agg('count_star', [col(2, t.int8)], t.int8)], { phase: 'final' });
    const rows = [...iterate(compile(final).open(coordinatorContext(c.shards, c.txs, c.subplans)))];
    expect(rows).toEqual([['44.2857142857142857', 8n]]);
  });

  it('runs a write on every shard and concatenates RETURNING rows in shard order', async () => {
    const c = await cluster();
    const insert: Rel = {
      rel: 'insert', table: items, input: values([[10, 1]]), onConflict: null, returning: [col(0), col(1)], foreignKeys: [],
      columns: items.columns, checks: [],
    };
    c.subplans.set(Buffer.from(encodeProgram(insert, { parameterTypes: [] })).toString('hex'), insert);
    const plan: Rel = { rel: 'gather', shards: [2, 0], subplan: insert, columns: items.columns, mergeKeys: null };
    const program = compile(plan);
    expect(program.kind).toBe('write');
    expect(await program.run(coordinatorContext(c.shards, c.txs, c.subplans))).toEqual({ count: 2, rows: [[10, 1], [10, 1]] });
    const counts = await Promise.all(c.shards.map(async (shard, i) => (await query(shard, scan(items), [], c.txs[i])).length));
    expect(counts).toEqual([4, 2, 4]);

    // A subplan writing through a CTE is a write too: WITH w AS (INSERT … RETURNING) SELECT * FROM w
    const ref: Rel = { rel: 'cteRef', id: 1, columns: items.columns };
    const withInsert: Rel = { rel: 'result', ctes: [{ id: 1, plan: { ...insert, input: values([[11, 2]]) } as Rel }], input: ref };
    c.subplans.set(Buffer.from(encodeProgram(withInsert, { parameterTypes: [] })).toString('hex'), withInsert);
    const viaCte = compile({ rel: 'gather', shards: [1], subplan: withInsert, columns: items.columns, mergeKeys: null });
    expect(viaCte.kind).toBe('write');
    expect(await viaCte.run(coordinatorContext(c.shards, c.txs, c.subplans))).toEqual({ count: 1, rows: [[11, 2]] });
  });
});
