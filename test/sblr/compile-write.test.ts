import { describe, expect, it } from 'vitest';
import type { Shard } from '../../src/engine/index.ts';
import type { Value } from '../../src/engine/types.ts';
import type { Expr, InsertRel, OnConflict, Rel, TableRef } from '../../src/sql/plan/ir.ts';
import { expectCode, openShard, tempDir } from '../engine/helpers.ts';
import { col, createTable, eq, filter, join, lit, op, query, scan, t, tableRef, values, write } from './plans.ts';

const accounts = tableRef(300, [['id', t.int4], ['owner', t.text], ['balance', t.int8]]);
const log = tableRef(301, [['msg', t.text], ['n', t.int4]], true);

function insert(table: TableRef, input: Rel, extra: Partial<InsertRel> = {}): Rel {
  return { rel: 'insert', table, input, onConflict: null, returning: null, columns: [], checks: [], foreignKeys: [], ...extra };
}

function update(table: TableRef, input: Rel, set: Expr[], extra: Partial<Extract<Rel, { rel: 'update' }>> = {}): Rel {
  return { rel: 'update', table, input, set, recheck: null, returning: null, columns: [], checks: [], foreignKeys: [], ...extra };
}

function remove(table: TableRef, input: Rel, extra: Partial<Extract<Rel, { rel: 'delete' }>> = {}): Rel {
  return { rel: 'delete', table, input, recheck: null, returning: null, columns: [], foreignKeys: [], ...extra };
}

const rowsOf = (...rows: Value[][]) => values(rows, [t.int4, t.text, t.int8]);
const id = col(0);
const owner = col(1, t.text);
const balance = col(2, t.int8);

async function withAccounts(): Promise<Shard> {
  const shard = await openShard();
  await createTable(shard, accounts, [[1, 'ann', 100n], [2, 'bob', 200n]], [{ name: 'i_owner', columns: ['owner'], unique: true }]);
  return shard;
}

describe('INSERT', () => {
  it('inserts rows, counts them, returns RETURNING rows', async () => {
    const shard = await withAccounts();
    const result = await write(shard, insert(accounts, rowsOf([3, 'cy', 5n], [4, 'dee', null]), { returning: [id, op('*', balance, lit(2n, t.int8), t.int8)] }));
    expect(result).toEqual({ count: 2, rows: [[3, 10n], [4, null]] });
    expect(await query(shard, scan(accounts))).toHaveLength(4);
    await expectCode(write(shard, insert(accounts, rowsOf([1, 'zed', 0n]))), '23505');
  });

  it('fills hidden row ids from a per-shard counter that survives restarts', async () => {
    const dir = tempDir();
    let shard = await openShard(dir);
    await createTable(shard, log);
    const rows = values([['a', 1], ['b', 2]], [t.text, t.int4]);
    const ids = async () => (await query(shard, scan(log))).map((r) => r[2]);
    await write(shard, insert(log, rows));
    expect(await ids()).toEqual([1n, 2n]);
    // Two open transactions draw distinct ids.
    const tx1 = shard.begin();
    const tx2 = shard.begin();
    await write(shard, insert(log, rows), [], tx1);
    await write(shard, insert(log, rows), [], tx2);
    await tx2.commit();
    await tx1.rollback();
    expect(await ids()).toEqual([1n, 2n, 5n, 6n]);
    await shard.close();
    shard = await openShard(dir);
    await write(shard, insert(log, values([['c', 3]], [t.text, t.int4])));
    expect(await ids()).toEqual([1n, 2n, 5n, 6n, 7n]);
  });

  it('checks CHECK constraints (NULL passes) with PostgreSQL\'s message', async () => {
    const shard = await withAccounts();
    const checks = [{ name: 'balance_positive', expr: op('>=', balance, lit(0n, t.int8)) }];
    expect((await write(shard, insert(accounts, rowsOf([5, 'eve', null]), { checks }))).count).toBe(1);
    try {
      await write(shard, insert(accounts, rowsOf([6, 'fay', -1n]), { checks }));
      expect.unreachable();
    } catch (error) {
      expect((error as { code: string }).code).toBe('23514');
      expect((error as Error).message).toMatch(/^new row for relation "\w+" violates check constraint "balance_positive"$/);
      expect((error as { detail: string }).detail).toBe('Failing row contains (6, fay, -1).');
    }
  });
});

describe('INSERT … ON CONFLICT', () => {
  const excludedBalance = col(5, t.int8);
  const doUpdate = (where: Expr | null = null): OnConflict => ({
    index: null, action: 'update', where,
    set: [col(0), col(1, t.text), op('+', balance, excludedBalance, t.int8)],
  });

  it('DO NOTHING skips rows whose key exists, also within the same command', async () => {
    const shard = await withAccounts();
    const result = await write(shard, insert(accounts, rowsOf([1, 'x', 0n], [3, 'cy', 3n], [3, 'cy2', 4n]), { onConflict: { index: null, action: 'nothing', set: null, where: null }, returning: [id] }));
    expect(result).toEqual({ count: 1, rows: [[3]] });
  });

  it('DO UPDATE over [existing…, excluded…], with WHERE, counting updated rows', async () => {
    const shard = await withAccounts();
    const result = await write(shard, insert(accounts, rowsOf([1, 'x', 5n], [2, 'y', 7n], [9, 'new', 1n]), {
      onConflict: doUpdate(op('<>', col(0), lit(2))),
      returning: [id, balance],
    }));
    expect(result).toEqual({ count: 2, rows: [[1, 105n], [9, 1n]] });
    expect(await query(shard, scan(accounts))).toEqual([[1, 'ann', 105n], [2, 'bob', 200n], [9, 'new', 1n]]);
  });

  it('uses a unique index as arbiter, and refuses to affect a row twice (21000)', async () => {
    const shard = await withAccounts();
    const byOwner: OnConflict = { index: 'i_owner', action: 'update', where: null, set: [col(0), col(1, t.text), excludedBalance] };
    expect(await write(shard, insert(accounts, rowsOf([7, 'bob', 1n]), { onConflict: byOwner, returning: [id, balance] }))).toEqual({ count: 1, rows: [[2, 1n]] });
    await expectCode(write(shard, insert(accounts, rowsOf([5, 'cy', 1n], [6, 'cy', 2n]), { onConflict: byOwner })), '21000');
    await expectCode(write(shard, insert(accounts, rowsOf([1, 'x', 5n], [1, 'x', 6n]), { onConflict: doUpdate() })), '21000');
  });

  it('a key inserted concurrently is updated once that insert commits', async () => {
    const shard = await withAccounts();
    const tx1 = shard.begin();
    const tx2 = shard.begin();
    await write(shard, insert(accounts, rowsOf([5, 'eve', 10n])), [], tx1);
    const upsert = write(shard, insert(accounts, rowsOf([5, 'x', 1n]), { onConflict: doUpdate(), returning: [balance] }), [], tx2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await tx1.commit();
    expect(await upsert).toEqual({ count: 1, rows: [[11n]] });
    await tx2.commit();
  });
});

describe('UPDATE and DELETE', () => {
  it('updates qualifying rows from SET expressions, with RETURNING', async () => {
    const shard = await withAccounts();
    const plan = update(accounts, filter(scan(accounts), op('>', balance, lit(150n, t.int8))), [id, owner, op('-', balance, lit(1n, t.int8), t.int8)], { returning: [owner, balance] });
    expect(await write(shard, plan)).toEqual({ count: 1, rows: [['bob', 199n]] });
  });

  it('UPDATE … FROM changes a row once even when the join repeats it, and can move the key', async () => {
    const shard = await withAccounts();
    const joined = join('inner', scan(accounts), values([[1, 10], [1, 20], [2, 5]]), eq(id, col(3)), [{ left: id, right: col(0) }]);
    const plan = update(accounts, joined, [op('+', id, lit(100), t.int4), owner, op('+', balance, op('*', lit(1n, t.int8), lit(1n, t.int8), t.int8), t.int8)], { returning: [id, col(4)] });
    const result = await write(shard, plan);
    expect(result.count).toBe(2);
    expect(result.rows).toEqual([[101, 10], [102, 5]]);
    expect((await query(shard, scan(accounts))).map((r) => r[0])).toEqual([101, 102]);
  });

  it('READ COMMITTED: a row changed concurrently is rechecked and SET sees the new version', async () => {
    const shard = await withAccounts();
    const tx1 = shard.begin();
    const tx2 = shard.begin();
    const tx3 = shard.begin();
    // tx1 moves ann's balance to 90 and bob's to 50, uncommitted.
    await write(shard, update(accounts, scan(accounts), [id, owner, op('-', balance, lit(10n, t.int8), t.int8)]), [], tx1);
    await write(shard, update(accounts, filter(scan(accounts), eq(id, lit(2))), [id, owner, lit(50n, t.int8)]), [], tx1);
    // tx2: UPDATE … SET balance = balance + 1 WHERE balance > 80 — its snapshot sees 100 and 200.
    const rich = op('>', balance, lit(80n, t.int8));
    const plan = update(accounts, filter(scan(accounts), rich), [id, owner, op('+', balance, lit(1n, t.int8), t.int8)], { recheck: rich, returning: [id, balance] });
    const pending = write(shard, plan, [], tx2);
    // tx3: DELETE … WHERE balance > 150 (sees bob at 200, which becomes 50).
    const big = op('>', balance, lit(150n, t.int8));
    const deleting = write(shard, remove(accounts, filter(scan(accounts), big), { recheck: big }), [], tx3);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await tx1.commit();
    expect(await pending).toEqual({ count: 1, rows: [[1, 91n]] });
    await tx2.commit();
    expect(await deleting).toEqual({ count: 0, rows: [] });
    await tx3.commit();
    expect(await query(shard, scan(accounts))).toEqual([[1, 'ann', 91n], [2, 'bob', 50n]]);
  });

  it('SNAPSHOT isolation fails a concurrent update with 40001', async () => {
    const shard = await withAccounts();
    const tx1 = shard.begin();
    const tx2 = shard.begin({ isolation: 'snapshot' });
    await query(shard, scan(accounts), [], tx2);
    await write(shard, update(accounts, scan(accounts), [id, owner, lit(0n, t.int8)]), [], tx1);
    await tx1.commit();
    await expectCode(write(shard, update(accounts, scan(accounts), [id, owner, lit(1n, t.int8)]), [], tx2), '40001');
    await tx2.rollback();
  });

  it('deletes with RETURNING and USING columns', async () => {
    const shard = await withAccounts();
    const using = join('inner', scan(accounts), values([[2, 'gone']], [t.int4, t.text]), eq(id, col(3)), [{ left: id, right: col(0) }]);
    expect(await write(shard, remove(accounts, using, { returning: [owner, col(4, t.text)] }))).toEqual({ count: 1, rows: [['bob', 'gone']] });
    expect(await query(shard, scan(accounts))).toEqual([[1, 'ann', 100n]]);
  });

  it('a data-modifying CTE feeds the statement (WITH d AS (DELETE … RETURNING) INSERT … SELECT FROM d)', async () => {
    const shard = await withAccounts();
    await createTable(shard, log);
    const deleted = remove(accounts, scan(accounts), { returning: [owner, id], columns: [{ name: 'owner', type: t.text }, { name: 'id', type: t.int4 }] });
    const ref: Rel = { rel: 'cteRef', id: 1, columns: [{ name: 'owner', type: t.text }, { name: 'id', type: t.int4 }] };
    const root: Rel = { rel: 'result', ctes: [{ id: 1, plan: deleted }], input: insert(log, ref) };
    expect((await write(shard, root)).count).toBe(2);
    expect(await query(shard, scan(accounts))).toEqual([]);
    expect(await query(shard, scan(log))).toEqual([['ann', 1, 1n], ['bob', 2, 2n]]);
  });
});

describe('DDL', () => {
  const table: TableRef = tableRef(400, [['c0', t.int4], ['c1', t.text]]);
  const createPlan: Extract<Rel, { action: 'createTable' }> = {
    rel: 'ddl', action: 'createTable', oid: 400,
    definition: { columns: [{ name: 'c0', type: 'int4', notNull: true }, { name: 'c1', type: 'text', notNull: false }], primaryKey: ['c0'], indexes: [] },
  };

  it('creates, indexes, truncates (transactionally), rewrites and drops tables', async () => {
    const shard = await openShard();
    expect(await write(shard, createPlan)).toEqual({ count: 0, rows: [] });
    await write(shard, insert(table, values([[1, 'b'], [2, 'a']], [t.int4, t.text])));
    await write(shard, { rel: 'ddl', action: 'createIndex', oid: 400, index: { name: 'i401', unique: false, columns: [{ column: 'c1', descending: true, nullsFirst: true }] } });
    const byName: Rel = { rel: 'indexScan', table, index: 'i401', reverse: false };
    expect((await query(shard, byName)).map((r) => r[1])).toEqual(['b', 'a']);

    const tx = shard.begin();
    await write(shard, { rel: 'ddl', action: 'truncate', table }, [], tx);
    expect(await query(shard, scan(table), [], tx)).toEqual([]);
    await tx.rollback();
    expect(await query(shard, scan(table))).toHaveLength(2);
    await write(shard, { rel: 'ddl', action: 'truncate', table });
    expect(await query(shard, scan(table))).toEqual([]);
    expect((await query(shard, byName))).toEqual([]);

    await write(shard, insert(table, values([[5, 'e']], [t.int4, t.text])));
    // ALTER TABLE … ADD COLUMN c2 int8 DEFAULT c0 * 10
    const wider = tableRef(400, [['c0', t.int4], ['c1', t.text], ['c2', t.int8]]);
    await write(shard, {
      rel: 'ddl', action: 'rewrite', table,
      definition: { columns: [...createPlan.definition.columns, { name: 'c2', type: 'int8', notNull: false }], primaryKey: ['c0'], indexes: [] },
      row: [col(0), col(1, t.text), cast8(op('*', col(0), lit(10), t.int4))],
    });
    expect(await query(shard, scan(wider))).toEqual([[5, 'e', 50n]]);
    await write(shard, { rel: 'ddl', action: 'dropTable', oid: 400 });
    await expectCode(query(shard, scan(wider)), '42P01');
  });
});

function cast8(arg: Expr): Expr {
  return { op: 'cast', type: t.int8, context: 'explicit', arg };
}
