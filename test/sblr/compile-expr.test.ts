import { describe, expect, it } from 'vitest';
import type { Value } from '../../src/engine/types.ts';
import type { Expr, Rel } from '../../src/sql/plan/ir.ts';
import { expectCode, openShard } from '../engine/helpers.ts';
import { and, col, createTable, eq, filter, lit, not, op, or, outer, project, query, scan, t, tableRef, values } from './plans.ts';

const B = (v: boolean | null): Expr => lit(v, t.bool);
const I = (v: number | null): Expr => lit(v, t.int4);
const ints = (...v: (number | null)[]): Expr => lit(v, t.array(t.int4));

/** Evaluates expressions over one empty VALUES row. */
async function evaluate(...exprs: Expr[]): Promise<Value[]> {
  const shard = await openShard();
  const [row] = await query(shard, project(values([[0]]), exprs));
  return row as Value[];
}

function inList(arg: Expr, list: Expr[], negated = false): Expr {
  return { op: 'inList', type: t.bool, arg, list, negated };
}

function quantified(kind: 'anyArray' | 'allArray', left: Expr, array: Expr, name: string): Expr {
  return { op: kind, type: t.bool, left, array, test: op(name, col(0), col(1)) };
}

describe('expressions', () => {
  it('AND, OR and NOT follow three-valued logic', async () => {
    expect(await evaluate(and(B(true), B(null)), and(B(false), B(null)), or(B(true), B(null)), or(B(false), B(null)), not(B(null)), and(B(true), B(true)))).toEqual([
      null, false, true, null, null, true,
    ]);
  });

  it('IN lists: a NULL in the list makes a miss NULL; NOT IN likewise', async () => {
    const x = (n: number | null): Expr => op('+', I(n), I(0), t.int4);
    expect(await evaluate(
      inList(I(1), [I(1), I(null)]),
      inList(I(2), [I(1), I(null)]),
      inList(I(2), [I(1), I(null)], true),
      inList(I(null), [I(1)]),
      inList(I(2), [I(1), I(3)]),
      inList(I(2), [I(1), x(2)]),
      inList(I(2), [x(1), x(null)]),
      inList(I(3), [x(1), x(2)], true),
    )).toEqual([true, null, null, null, false, true, null, true]);
  });

  it('ANY / ALL over arrays, with NULL elements and empty arrays', async () => {
    expect(await evaluate(
      quantified('anyArray', I(1), ints(1, 2), '='),
      quantified('anyArray', I(3), ints(1, null), '='),
      quantified('anyArray', I(3), ints(), '='),
      quantified('anyArray', I(null), ints(), '='),
      quantified('anyArray', I(null), ints(1), '='),
      quantified('allArray', I(3), ints(1, 2), '>'),
      quantified('allArray', I(3), ints(1, null), '>'),
      quantified('allArray', I(0), ints(1, null), '>'),
      quantified('anyArray', I(1), lit(null, t.array(t.int4)), '='),
    )).toEqual([true, null, false, false, null, true, null, false, null]);
  });

  it('CASE, COALESCE, NULLIF, GREATEST, LEAST, IS [NOT] DISTINCT FROM, IS NULL on rows', async () => {
    const caseExpr: Expr = { op: 'case', type: t.text, whens: [{ when: B(null), then: lit('a', t.text) }, { when: eq(I(1), I(1)), then: lit('b', t.text) }], otherwise: lit('c', t.text) };
    const caseNone: Expr = { op: 'case', type: t.text, whens: [{ when: B(false), then: lit('a', t.text) }], otherwise: null };
    const distinct = (a: Expr, b: Expr, negated = false): Expr => ({ op: 'isDistinct', type: t.bool, argType: t.int4, left: a, right: b, negated });
    const row = (...fields: Expr[]): Expr => ({ op: 'row', type: t.record, fields });
    const isNull = (arg: Expr, negated = false): Expr => ({ op: 'isNull', type: t.bool, arg, negated });
    expect(await evaluate(
      caseExpr,
      caseNone,
      { op: 'coalesce', type: t.int4, args: [I(null), I(null), I(3), I(4)] },
      { op: 'nullif', type: t.int4, left: I(2), right: I(2) },
      { op: 'nullif', type: t.int4, left: I(2), right: I(null) },
      { op: 'greatest', type: t.int4, args: [I(1), I(null), I(5)] },
      { op: 'least', type: t.int4, args: [I(null), I(null)] },
      distinct(I(null), I(null)),
      distinct(I(1), I(null)),
      distinct(I(1), I(1), true),
      isNull(row(I(null), I(null))),
      isNull(row(I(1), I(null))),
      isNull(row(I(1), I(null)), true),
      isNull(row(I(1), I(2)), true),
    )).toEqual(['b', null, 3, null, 2, 5, null, false, true, true, true, false, false, true]);
  });

  it('builds arrays and rows', async () => {
    expect(await evaluate({ op: 'array', type: t.array(t.int4), elements: [I(1), I(null)] }, { op: 'row', type: t.record, fields: [I(1), lit('x', t.text)] })).toEqual([[1, null], [1, 'x']]);
  });
});

describe('subqueries', () => {
  const items = tableRef(200, [['id', t.int4], ['grp', t.int4]]);
  const sub = (kind: Extract<Expr, { op: 'subquery' }>['kind'], plan: Rel, extra: Partial<Extract<Expr, { op: 'subquery' }>> = {}): Expr => ({
    op: 'subquery', type: kind === 'array' ? t.array(t.int4) : kind === 'scalar' ? t.int4 : t.bool, kind, plan, uncorrelated: true, ...extra,
  });

  async function shard() {
    const s = await openShard();
    await createTable(s, items, [[1, 10], [2, 10], [3, 20], [4, null]]);
    return s;
  }

  it('scalar: NULL over no rows, the value of one, 21000 for more', async () => {
    const s = await shard();
    const one = project(filter(scan(items), eq(col(0), I(3))), [col(1)]);
    const none = project(filter(scan(items), eq(col(0), I(9))), [col(1)]);
    const many = project(scan(items), [col(1)]);
    expect(await query(s, project(values([[0]]), [sub('scalar', one), sub('scalar', none)]))).toEqual([[20, null]]);
    await expectCode(query(s, project(values([[0]]), [sub('scalar', many)])), '21000');
  });

  it('EXISTS and ARRAY(subquery)', async () => {
    const s = await shard();
    const grp10 = project(filter(scan(items), eq(col(1), I(10))), [col(0)]);
    const none = filter(scan(items), B(false));
    expect(await query(s, project(values([[0]]), [sub('exists', grp10), sub('exists', none), sub('array', grp10), sub('array', project(none, [col(0)]))]))).toEqual([
      [true, false, [1, 2], []],
    ]);
  });

  it('IN / NOT IN (subquery) with NULLs, hashed and compared', async () => {
    const s = await shard();
    const groups = project(scan(items), [col(1)]);
    const anyEq = (x: number | null) => sub('any', groups, { left: I(x), test: op('=', col(0), col(1)) });
    const allNe = (x: number | null) => sub('all', groups, { left: I(x), test: op('<>', col(0), col(1)) });
    const anyLt = (x: number | null) => sub('any', groups, { left: I(x), test: op('<', col(0), col(1)) });
    expect(await query(s, project(values([[0]]), [anyEq(10), anyEq(30), anyEq(null), allNe(10), allNe(30), anyLt(15), anyLt(25)]))).toEqual([
      [true, null, null, false, null, true, null],
    ]);
    const empty = project(filter(scan(items), B(false)), [col(1)]);
    expect(await query(s, project(values([[0]]), [
      sub('any', empty, { left: I(null), test: op('=', col(0), col(1)) }),
      sub('all', empty, { left: I(null), test: op('<>', col(0), col(1)) }),
    ]))).toEqual([[false, true]]);
  });

  it('(a, b) IN / NOT IN (subquery) and (a, b) = (subquery): rows compared field by field', async () => {
    const s = await shard();
    const both = scan(items);
    const pair = (a: number | null, b: number | null): Expr => ({ op: 'row', type: t.record, fields: [I(a), I(b)] });
    // The test reads [a, b, id, grp].
    const equal: Expr = { op: 'and', type: t.bool, args: [op('=', col(0), col(2)), op('=', col(1), col(3))] };
    const differ: Expr = { op: 'or', type: t.bool, args: [op('<>', col(0), col(2)), op('<>', col(1), col(3))] };
    const checks = (uncorrelated: boolean): Expr[] => {
      const isIn = (a: number | null, b: number | null) => sub('any', both, { left: pair(a, b), test: equal, uncorrelated });
      const notIn = (a: number | null, b: number | null) => sub('all', both, { left: pair(a, b), test: differ, uncorrelated });
      return [isIn(1, 10), isIn(1, 20), isIn(4, 10), isIn(null, 10), isIn(9, null), notIn(1, 10), notIn(4, 10), notIn(9, 9)];
    };
    // PostgreSQL 15 over (VALUES (1,10),(2,10),(3,20),(4,NULL)): hashed (uncorrelated) and streamed alike.
    const expected = [true, false, null, null, false, false, null, true];
    expect(await query(s, project(values([[0]]), checks(true)))).toEqual([expected]);
    expect(await query(s, project(values([[0]]), checks(false)))).toEqual([expected]);
    const rowCompare = (id: number | null) => sub('rowCompare', project(filter(scan(items), id === null ? B(true) : eq(col(0), I(id))), [col(0), col(1)]), { type: t.bool, left: pair(3, 20), test: equal });
    expect(await query(s, project(values([[0]]), [rowCompare(3), rowCompare(1), rowCompare(9)]))).toEqual([[true, false, null]]);
    await expectCode(query(s, project(values([[0]]), [rowCompare(null)])), '21000');
  });

  it('correlated subqueries run per row with the row as outer depth 1', async () => {
    const s = await shard();
    // SELECT id, (SELECT count(*)-ish: ARRAY(SELECT id FROM items i2 WHERE i2.grp = i1.grp)) FROM items i1
    const peers = project(filter(scan(items), eq(col(1), outer(1, 1))), [col(0)]);
    const rows = await query(s, project(scan(items), [col(0), sub('array', peers, { uncorrelated: false })]));
    expect(rows).toEqual([[1, [1, 2]], [2, [1, 2]], [3, [3]], [4, []]]);
    // EXISTS (SELECT 1 FROM items i2 WHERE i2.id = i1.id + 1)
    const next = filter(scan(items), eq(col(0), op('+', outer(1, 0), I(1), t.int4)));
    expect(await query(s, project(filter(scan(items), sub('exists', next, { uncorrelated: false })), [col(0)]))).toEqual([[1], [2], [3]]);
  });
});
