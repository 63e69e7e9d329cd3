import { describe, expect, it } from 'vitest';
import { expectCode, openShard } from '../engine/helpers.ts';
import type { Rel } from '../../src/sql/plan/ir.ts';
import { asc, col, compile, createTable, desc, eq, filter, iterate, lit, limit, op, param, project, query, scan, shardContext, sort, t, tableRef, values } from './plans.ts';

const accounts = tableRef(100, [['id', t.int4], ['owner', t.text], ['balance', t.int8]]);
const rows = [
  [1, 'ann', 100n],
  [2, 'bob', null],
  [3, 'cy', 300n],
  [4, 'bob', 50n],
  [5, 'dee', 500n],
];

async function shardWithAccounts() {
  const shard = await openShard();
  await createTable(shard, accounts, rows, [{ name: 'i_owner', columns: ['owner'] }]);
  return shard;
}

function indexScan(extra: Partial<Extract<Rel, { rel: 'indexScan' }>>): Rel {
  return { rel: 'indexScan', table: accounts, index: null, reverse: false, ...extra };
}

describe('scans', () => {
  it('scans every row in primary-key order', async () => {
    const shard = await shardWithAccounts();
    expect(await query(shard, scan(accounts))).toEqual(rows);
  });

  it('reads one row by its full primary key, from a constant or a parameter', async () => {
    const shard = await shardWithAccounts();
    expect(await query(shard, indexScan({ equal: [[lit(3)]] }))).toEqual([[3, 'cy', 300n]]);
    expect(await query(shard, indexScan({ equal: [[param(1)]] }), [4])).toEqual([[4, 'bob', 50n]]);
    expect(await query(shard, indexScan({ equal: [[param(1)]] }), [9])).toEqual([]);
    expect(await query(shard, indexScan({ equal: [[param(1)]] }), [null])).toEqual([]);
  });

  it('looks up an IN list once per distinct value, in key order (reversed when asked)', async () => {
    const shard = await shardWithAccounts();
    const list = [[lit(5)], [lit(1)], [lit(null)], [lit(5)], [lit(3)]];
    expect((await query(shard, indexScan({ equal: list }))).map((r) => r[0])).toEqual([1, 3, 5]);
    expect((await query(shard, indexScan({ equal: list, reverse: true }))).map((r) => r[0])).toEqual([5, 3, 1]);
  });

  it('scans ranges with inclusive and exclusive bounds, both ways', async () => {
    const shard = await shardWithAccounts();
    const ids = async (rel: Rel) => (await query(shard, rel)).map((r) => r[0]);
    expect(await ids(indexScan({ lower: { values: [lit(2)], inclusive: true }, upper: { values: [lit(4)], inclusive: false } }))).toEqual([2, 3]);
    expect(await ids(indexScan({ lower: { values: [lit(2)], inclusive: false }, reverse: true }))).toEqual([5, 4, 3]);
    expect(await ids(indexScan({ upper: { values: [lit(null)], inclusive: true } }))).toEqual([]);
  });

  it('finds rows through a secondary index, with equality and ranges', async () => {
    const shard = await shardWithAccounts();
    const ids = async (rel: Rel) => (await query(shard, rel)).map((r) => r[0]);
    expect(await ids(indexScan({ index: 'i_owner', equal: [[lit('bob', t.text)]] }))).toEqual([2, 4]);
    expect(await ids(indexScan({ index: 'i_owner', equal: [[lit('dee', t.text)], [lit('ann', t.text)]] }))).toEqual([1, 5]);
    expect(await ids(indexScan({ index: 'i_owner', lower: { values: [lit('c', t.text)], inclusive: true }, reverse: true }))).toEqual([5, 3]);
  });

  it('filters with three-valued logic (NULL does not pass) and projects', async () => {
    const shard = await shardWithAccounts();
    const rich = filter(scan(accounts), op('>', col(2, t.int8), lit(90n, t.int8)));
    expect(await query(shard, project(rich, [col(1, t.text)]))).toEqual([['ann'], ['cy'], ['dee']]);
    const byParam = filter(scan(accounts), eq(col(1, t.text), param(1, t.text)));
    expect(await query(shard, project(byParam, [col(0), col(2, t.int8)]), ['bob'])).toEqual([[2, null], [4, 50n]]);
  });

  it('evaluates VALUES rows with expressions', async () => {
    const shard = await openShard();
    const rel: Rel = { rel: 'values', columns: [{ name: 'a', type: t.int4 }], rows: [[op('+', lit(1), lit(2), t.int4)], [param(1)]] };
    expect(await query(shard, rel, [7])).toEqual([[3], [7]]);
  });

  it('applies LIMIT and OFFSET, NULL meaning none, negative values refused', async () => {
    const shard = await shardWithAccounts();
    const ids = async (rel: Rel) => (await query(shard, rel)).map((r) => r[0]);
    expect(await ids(limit(scan(accounts), lit(2n, t.int8), lit(1n, t.int8)))).toEqual([2, 3]);
    expect(await ids(limit(scan(accounts), lit(null, t.int8), lit(3n, t.int8)))).toEqual([4, 5]);
    expect(await ids(limit(scan(accounts), lit(0n, t.int8)))).toEqual([]);
    await expectCode(query(shard, limit(scan(accounts), lit(-1n, t.int8))), '2201W');
    await expectCode(query(shard, limit(scan(accounts), null, lit(-1n, t.int8))), '2201X');
  });

  it('sorts stably with DESC and NULLS FIRST/LAST; under LIMIT keeps only the first rows (top-k)', async () => {
    const shard = await openShard();
    const data = values([[3, 'a'], [null, 'b'], [1, 'c'], [3, 'd'], [2, 'e'], [null, 'f'], [1, 'g']], [t.int4, t.text]);
    const letters = async (rel: Rel) => (await query(shard, rel)).map((r) => r[1]).join('');
    expect(await letters(sort(data, asc(col(0))))).toBe('cgeadbf');
    expect(await letters(sort(data, asc(col(0), true)))).toBe('bfcgead');
    expect(await letters(sort(data, desc(col(0))))).toBe('bfadecg');
    expect(await letters(sort(data, desc(col(0), false), desc(col(1, t.text))))).toBe('daegcfb');
    expect(await letters(limit(sort(data, asc(col(0))), lit(3n, t.int8), lit(1n, t.int8)))).toBe('gea');
    expect(await letters(limit(sort(data, desc(op('*', col(0), lit(2), t.int4))), lit(4n, t.int8)))).toBe('bfad');
  });

  it('streams: a portal can stop after some rows and close the rest', async () => {
    const shard = await shardWithAccounts();
    const tx = shard.begin();
    const iterator = compile(scan(accounts)).open(shardContext(shard, tx));
    expect(iterator.next().value).toEqual(rows[0]);
    expect(iterator.next().value).toEqual(rows[1]);
    iterator.return?.();
    await tx.commit();
  });

  it('checks for interrupts while scanning', async () => {
    const shard = await openShard();
    const big = tableRef(101, [['id', t.int4]]);
    await createTable(shard, big, Array.from({ length: 3000 }, (_, i) => [i]));
    const tx = shard.begin();
    let checks = 0;
    const ctx = shardContext(shard, tx, [], () => {
      if (++checks === 2) throw Object.assign(new Error('canceling statement due to user request'), { code: '57014' });
    });
    await expectCode(() => [...iterate(compile(scan(big)).open(ctx))], '57014');
    await tx.rollback();
  });

  it('runs the same compiled program in interleaved executions', async () => {
    const shard = await shardWithAccounts();
    const tx = shard.begin();
    const program = compile(filter(scan(accounts), op('>=', col(0), param(1))), [t.int4]);
    const a = program.open(shardContext(shard, tx, [2]));
    const b = program.open(shardContext(shard, tx, [4]));
    expect([a.next().value[0], b.next().value[0], a.next().value[0], b.next().value[0]]).toEqual([2, 4, 3, 5]);
    await tx.commit();
  });
});
