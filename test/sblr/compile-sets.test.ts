import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/engine/types.ts';
import type { Expr, Rel } from '../../src/sql/plan/ir.ts';
import { expectCode, openShard } from '../engine/helpers.ts';
import type { CoordinatorSite } from '../../src/sblr/compile/index.ts';
import { asc, col, compile, coordinatorContext, desc, filter, iterate, join, lit, op, project, query, sort, t, values } from './plans.ts';

const left = values([[1], [1], [1], [2], [null], [null]]);
const right = values([[1], [1], [null], [3]]);

function setop(kind: 'union' | 'intersect' | 'except', all: boolean): Rel {
  return sort({ rel: 'setop', kind, all, left, right, columns: [{ name: 'x', type: t.int4 }] }, asc(col(0)));
}

const flat = (rows: Row[]) => rows.map((r) => r[0]);

describe('set operations (results as PostgreSQL 15 gives them)', () => {
  it('UNION, INTERSECT, EXCEPT with and without ALL, NULLs equal', async () => {
    const shard = await openShard();
    expect(flat(await query(shard, setop('union', false)))).toEqual([1, 2, 3, null]);
    expect(flat(await query(shard, setop('union', true)))).toEqual([1, 1, 1, 1, 1, 2, 3, null, null, null]);
    expect(flat(await query(shard, setop('intersect', false)))).toEqual([1, null]);
    expect(flat(await query(shard, setop('intersect', true)))).toEqual([1, 1, null]);
    expect(flat(await query(shard, setop('except', false)))).toEqual([2]);
    expect(flat(await query(shard, setop('except', true)))).toEqual([1, 2, null]);
  });

  it('DISTINCT and DISTINCT ON (first row of each group in input order)', async () => {
    const shard = await openShard();
    const rows = values([[1, 'b'], [1, 'a'], [2, 'c'], [null, 'd'], [1, 'b'], [null, 'e']], [t.int4, t.text]);
    expect(await query(shard, { rel: 'distinct', input: rows, on: null })).toEqual([[1, 'b'], [1, 'a'], [2, 'c'], [null, 'd'], [null, 'e']]);
    const on = { rel: 'distinct', input: sort(rows, asc(col(0)), desc(col(1, t.text))), on: [col(0)] } as Rel;
    expect(await query(shard, on)).toEqual([[1, 'b'], [2, 'c'], [null, 'e']]);
  });
});

describe('CTEs', () => {
  it('WITH RECURSIVE counts up until the step yields nothing', async () => {
    const shard = await openShard();
    // WITH RECURSIVE r(n) AS (VALUES (1) UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT * FROM r
    const step = project(filter({ rel: 'workTable', id: 1, columns: [{ name: 'n', type: t.int4 }] }, op('<', col(0), lit(5))), [op('+', col(0), lit(1), t.int4)]);
    const recursive: Rel = { rel: 'recursive', id: 1, all: true, seed: values([[1]]), step, columns: [{ name: 'n', type: t.int4 }] };
    expect(flat(await query(shard, recursive))).toEqual([1, 2, 3, 4, 5]);
  });

  it('WITH RECURSIVE UNION drops repeated rows, so a cycle ends', async () => {
    const shard = await openShard();
    // edges 1→2, 2→3, 3→1: reachable from 1
    const edges = values([[1, 2], [2, 3], [3, 1]]);
    const work: Rel = { rel: 'workTable', id: 7, columns: [{ name: 'node', type: t.int4 }] };
    const step = project(join('inner', work, edges, op('=', col(0), col(1)), [{ left: col(0), right: col(0) }]), [col(2)]);
    const recursive: Rel = { rel: 'recursive', id: 7, all: false, seed: values([[1]]), step, columns: [{ name: 'node', type: t.int4 }] };
    expect(flat(await query(shard, recursive))).toEqual([1, 2, 3]);
  });

  it('a CTE read twice, and an uncorrelated subquery, are computed once per execution', async () => {
    let reads = 0;
    const catalog = { things: [[1], [2]] };
    const ctx = () => {
      const base = coordinatorContext([], [], new Map(), [], catalog);
      const site = base.site as CoordinatorSite;
      return { ...base, site: { ...site, catalogRows: (name: string) => (reads++, site.catalogRows(name)) } };
    };
    const things: Rel = { rel: 'catalog', name: 'things', columns: [{ name: 'n', type: t.int4 }] };
    const ref: Rel = { rel: 'cteRef', id: 3, columns: [{ name: 'n', type: t.int4 }] };
    const root: Rel = { rel: 'result', ctes: [{ id: 3, plan: things }], input: join('inner', ref, ref, op('=', col(0), col(1)), [{ left: col(0), right: col(0) }]) };
    expect([...iterate(compile(root).open(ctx()))]).toEqual([[1, 1], [2, 2]]);
    expect(reads).toBe(1);

    reads = 0;
    const sub = (uncorrelated: boolean): Expr => ({ op: 'subquery', type: t.bool, kind: 'exists', plan: things, uncorrelated });
    expect([...iterate(compile(project(values([[1], [2], [3]]), [sub(true)])).open(ctx()))]).toEqual([[true], [true], [true]]);
    expect(reads).toBe(1);
    reads = 0;
    [...iterate(compile(project(values([[1], [2], [3]]), [sub(false)])).open(ctx()))];
    expect(reads).toBe(3);
  });
});

describe('set-returning functions', () => {
  const srf = (name: string, args: Expr[], columns: [string, (typeof t)[keyof typeof t]][], ordinality = false): Rel => ({
    rel: 'function', name, args, argTypes: args.map((a) => a.type), ordinality,
    columns: [...columns.map(([n, type]) => ({ name: n, type: type as never })), ...(ordinality ? [{ name: 'ordinality', type: t.int8 }] : [])],
  });

  it('generate_series over integers, numeric and timestamps, WITH ORDINALITY', async () => {
    const shard = await openShard();
    expect(flat(await query(shard, srf('generate_series', [lit(1), lit(10), lit(4)], [['g', t.int4]])))).toEqual([1, 5, 9]);
    expect(flat(await query(shard, srf('generate_series', [lit(5n, t.int8), lit(3n, t.int8), lit(-1n, t.int8)], [['g', t.int8]])))).toEqual([5n, 4n, 3n]);
    expect(flat(await query(shard, srf('generate_series', [lit('1.5', t.numeric), lit('3', t.numeric)], [['g', t.numeric]])))).toEqual(['1.5', '2.5']);
    const day = 86_400_000_000n;
    const ts = await query(shard, srf('generate_series', [lit(0n, t.timestamp), lit(2n * day, t.timestamp), lit({ months: 0, days: 1, micros: 0n }, t.interval)], [['g', t.timestamp]]));
    expect(flat(ts)).toEqual([0n, day, 2n * day]);
    expect(await query(shard, srf('generate_series', [lit(1), lit(2)], [['g', t.int4]], true))).toEqual([[1, 1n], [2, 2n]]);
    expect(await query(shard, srf('generate_series', [lit(1), lit(null)], [['g', t.int4]]))).toEqual([]);
    await expectCode(query(shard, srf('generate_series', [lit(1), lit(2), lit(0)], [['g', t.int4]])), '22023');
  });

  it('unnest zips several arrays; JSON expanders keep the JSON text', async () => {
    const shard = await openShard();
    const arrays = [lit([1, 2, 3], t.array(t.int4)), lit(['a'], t.array(t.text))];
    expect(await query(shard, srf('unnest', arrays, [['a', t.int4], ['b', t.text]]))).toEqual([[1, 'a'], [2, null], [3, null]]);
    const doc = lit('[1, "two", {"a": [1, 2]}, null, 1.50]', t.jsonb);
    expect(flat(await query(shard, srf('jsonb_array_elements', [doc], [['value', t.jsonb]])))).toEqual(['1', '"two"', '{"a": [1, 2]}', 'null', '1.50']);
    expect(flat(await query(shard, srf('jsonb_array_elements_text', [doc], [['value', t.text]])))).toEqual(['1', 'two', '{"a": [1, 2]}', null, '1.50']);
    const object = lit('{"a": 1, "b": {"c": "x,y"}, "d": "q"}', t.jsonb);
    expect(await query(shard, srf('jsonb_each', [object], [['key', t.text], ['value', t.jsonb]]))).toEqual([['a', '1'], ['b', '{"c": "x,y"}'], ['d', '"q"']]);
    expect(await query(shard, srf('jsonb_each_text', [object], [['key', t.text], ['value', t.text]]))).toEqual([['a', '1'], ['b', '{"c": "x,y"}'], ['d', 'q']]);
    await expectCode(query(shard, srf('jsonb_array_elements', [object], [['value', t.jsonb]])), '22023');
    const split = srf('regexp_split_to_table', [lit('a1b22c', t.text), lit('[0-9]+', t.text)], [['part', t.text]], true);
    expect(await query(shard, split)).toEqual([['a', 1n], ['b', 2n], ['c', 3n]]);
  });
});
