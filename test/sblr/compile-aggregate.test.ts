import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/engine/types.ts';
import { aggregateType, partialStateTypes } from '../../src/sql/functions/aggregates.ts';
import type { Rel } from '../../src/sql/plan/ir.ts';
import { expectCode, openShard } from '../engine/helpers.ts';
import { agg, aggregate, asc, col, desc, filter, lit, op, query, sort, t, values } from './plans.ts';

// (grp text, n int4, big int8, f float8, ok bool)
const input = values(
  [
    ['a', 1, 10n, 1.5, true],
    ['a', 2, null, 2.5, false],
    ['b', 3, 30n, null, true],
    [null, 4, 40n, 4.0, null],
    ['a', null, 10n, 0.5, true],
  ],
  [t.text, t.int4, t.int8, t.float8, t.bool],
);
const grp = col(0, t.text);
const n = col(1, t.int4);
const big = col(2, t.int8);
const f = col(3, t.float8);
const ok = col(4, t.bool);

async function run(rel: Rel): Promise<Row[]> {
  return query(await openShard(), rel);
}

describe('aggregate signatures', () => {
  it('follow PostgreSQL result types', () => {
    expect(aggregateType('sum', [t.int4])).toEqual(t.int8);
    expect(aggregateType('sum', [t.int8])).toEqual(t.numeric);
    expect(aggregateType('sum', [t.float4])).toEqual(t.float4);
    expect(aggregateType('avg', [t.int2])).toEqual(t.numeric);
    expect(aggregateType('avg', [t.float4])).toEqual(t.float8);
    expect(aggregateType('count_star', [])).toEqual(t.int8);
    expect(aggregateType('max', [{ kind: 'varchar', length: 3 }])).toEqual(t.text);
    expect(aggregateType('array_agg', [t.int4])).toEqual(t.array(t.int4));
    expect(partialStateTypes('avg', [t.int4])).toEqual([t.int8, t.int8]);
    expect(partialStateTypes('avg', [t.int8])).toEqual([t.numeric, t.int8]);
    expect(() => aggregateType('sum', [t.text])).toThrow(/function sum\(text\) does not exist/);
    expect(aggregateType('stddev', [t.int4])).toEqual(t.numeric);
    expect(aggregateType('var_pop', [t.float4])).toEqual(t.float8);
    expect(partialStateTypes('variance', [t.int8])).toEqual([t.int8, t.numeric, t.numeric]);
    expect(partialStateTypes('stddev_pop', [t.float8])).toEqual([t.float8, t.float8, t.float8]);
    expect(() => aggregateType('var_samp', [t.text])).toThrow(/function var_samp\(text\) does not exist/);
  });
});

describe('aggregates', () => {
  it('count, sum, avg, min, max skip NULLs, with PostgreSQL result values', async () => {
    const rows = await run(aggregate(input, [], [
      agg('count_star', [], t.int8), agg('count', [n], t.int8), agg('sum', [n], t.int8), agg('sum', [big], t.numeric),
      agg('avg', [n], t.numeric), agg('avg', [big], t.numeric), agg('avg', [f], t.float8), agg('min', [grp], t.text), agg('max', [big], t.int8),
      agg('sum', [f], t.float8),
    ]));
    expect(rows).toEqual([[5n, 4n, 10n, '90', '2.5000000000000000', '22.5000000000000000', 2.125, 'a', 40n, 8.5]]);
  });

  it('one row over no input without GROUP BY; no rows with it', async () => {
    const none = filter(input, lit(false, t.bool));
    expect(await run(aggregate(none, [], [agg('count_star', [], t.int8), agg('sum', [n], t.int8), agg('array_agg', [n], t.array(t.int4))]))).toEqual([[0n, null, null]]);
    expect(await run(aggregate(none, [grp], [agg('count_star', [], t.int8)]))).toEqual([]);
  });

  it('groups, NULL keys forming one group', async () => {
    const rows = await run(sort(aggregate(input, [grp], [agg('count_star', [], t.int8), agg('sum', [n], t.int8)]), asc(col(0, t.text))));
    expect(rows).toEqual([['a', 3n, 3n], ['b', 1n, 3n], [null, 1n, 4n]]);
  });

  it('string_agg, array_agg, bool_and/or, every, JSON aggregates', async () => {
    const [row] = await run(aggregate(input, [], [
      agg('string_agg', [grp, lit(',', t.text)], t.text),
      agg('array_agg', [n], t.array(t.int4)),
      agg('bool_and', [ok], t.bool), agg('bool_or', [ok], t.bool), agg('every', [ok], t.bool),
      agg('jsonb_agg', [n], t.jsonb),
      agg('jsonb_object_agg', [grp, n], t.jsonb, { filter: op('<>', grp, lit('b', t.text)) }),
    ]));
    expect(row).toEqual(['a,a,b,a', [1, 2, 3, 4, null], false, true, false, '[1, 2, 3, 4, null]', '{"a": null}']);
  });

  it('DISTINCT (sorted like PostgreSQL), ORDER BY and FILTER', async () => {
    const [row] = await run(aggregate(input, [], [
      agg('count', [grp], t.int8, { distinct: true }),
      agg('array_agg', [grp], t.array(t.text), { distinct: true }),
      agg('string_agg', [grp, lit('-', t.text)], t.text, { orderBy: [desc(n, false)] }),
      agg('sum', [n], t.int8, { filter: op('=', grp, lit('a', t.text)) }),
      agg('array_agg', [n], t.array(t.int4), { orderBy: [desc(n)] }),
    ]));
    expect(row).toEqual([2n, ['a', 'b', null], 'b-a-a-a', 3n, [null, 4, 3, 2, 1]]);
  });

  it('grouping sets with GROUPING() bits, the empty set giving a row over no input', async () => {
    const rows = await run(sort(
      aggregate(input, [grp, ok], [agg('count_star', [], t.int8)], { groupingSets: [[0, 1], [0], []] }),
      asc(col(3, t.int4)), asc(col(0, t.text)), asc(col(1, t.bool)),
    ));
    expect(rows).toEqual([
      ['a', false, 1n, 0], ['a', true, 2n, 0], ['b', true, 1n, 0], [null, null, 1n, 0],
      ['a', null, 3n, 1], ['b', null, 1n, 1], [null, null, 1n, 1],
      [null, null, 5n, 3],
    ]);
    const none = filter(input, lit(false, t.bool));
    expect(await run(aggregate(none, [grp], [agg('count_star', [], t.int8)], { groupingSets: [[0], []] }))).toEqual([[null, 0n, 1]]);
  });

  it('partial aggregates combine in a final phase (avg as sum + count)', async () => {
    const shard1 = values([['x', 1], ['y', 2], ['x', 3]], [t.text, t.int4]);
    const shard2 = values([['x', 5], ['y', null]], [t.text, t.int4]);
    const calls = [agg('avg', [col(1)], t.numeric), agg('sum', [col(1)], t.int8), agg('count', [col(1)], t.int8), agg('max', [col(1)], t.int4), agg('string_agg', [col(0, t.text), lit('+', t.text)], t.text)];
    const partial = (rel: Rel) => aggregate(rel, [col(0, t.text)], calls, {
      phase: 'partial',
      columns: [{ name: 'k', type: t.text }, { name: 's', type: t.int8 }, { name: 'c', type: t.int8 }, { name: 'sum', type: t.int8 }, { name: 'n', type: t.int8 }, { name: 'm', type: t.int4 }, { name: 'sa', type: t.text }, { name: 'sd', type: t.text }],
    });
    const shard = await openShard();
    const states = [...(await query(shard, partial(shard1))), ...(await query(shard, partial(shard2)))];
    expect(states[0]).toEqual(['x', 4n, 2n, 4n, 2n, 3, 'x+x', '+']);
    const stateRows = values(states as never, [t.text, t.int8, t.int8, t.int8, t.int8, t.int4, t.text, t.text]);
    const final = aggregate(stateRows, [col(0, t.text)], [
      { ...agg('avg', [col(1, t.int8), col(2, t.int8)], t.numeric) },
      agg('sum', [col(3, t.int8)], t.int8), agg('count', [col(4, t.int8)], t.int8), agg('max', [col(5)], t.int4),
      agg('string_agg', [col(6, t.text), col(7, t.text)], t.text),
    ], { phase: 'final' });
    expect(await query(shard, sort(final, asc(col(0, t.text))))).toEqual([
      ['x', '3.0000000000000000', 9n, 3n, 5, 'x+x+x'],
      ['y', '2.0000000000000000', 2n, 1n, 2, 'y+y'],
    ]);
  });

  it('variance and standard deviation: numeric at PostgreSQL\'s scale for integers, Youngs-Cramer for floats', async () => {
    // SELECT var_samp(x), var_pop(x), stddev_samp(x), stddev_pop(x), variance(x::float8), stddev(x::float8), var_pop(x::float8)
    // FROM (VALUES (1),(2),(3),(5),(NULL)) v(x) in PostgreSQL 15
    const xs = values([[1], [2], [3], [5], [null]], [t.int4]);
    const floats = values([[1], [2], [3], [5], [null]], [t.float8]);
    const x = col(0);
    const [ints] = await run(aggregate(xs, [], [
      agg('var_samp', [x], t.numeric), agg('var_pop', [x], t.numeric), agg('stddev_samp', [x], t.numeric), agg('stddev_pop', [x], t.numeric),
    ]));
    expect(ints).toEqual(['2.9166666666666667', '2.1875000000000000', '1.7078251276599331', '1.4790199457749040']);
    const [doubles] = await run(aggregate(floats, [], [
      agg('variance', [col(0, t.float8)], t.float8), agg('stddev', [col(0, t.float8)], t.float8), agg('var_pop', [col(0, t.float8)], t.float8),
    ]));
    expect(doubles).toEqual([2.9166666666666665, 1.707825127659933, 2.1875]);
    // var_samp(n), stddev(n) FROM (VALUES (1.5),(2.25),(3)); one value: the sample forms are NULL, the population ones 0.
    const [decimals] = await run(aggregate(values([['1.5'], ['2.25'], ['3']], [t.numeric]), [], [agg('var_samp', [col(0, t.numeric)], t.numeric), agg('stddev', [col(0, t.numeric)], t.numeric)]));
    expect(decimals).toEqual(['0.56250000000000000000', '0.75000000000000000000']);
    const one = values([[7]], [t.int4]);
    expect(await run(aggregate(one, [], [agg('var_samp', [x], t.numeric), agg('var_pop', [x], t.numeric)]))).toEqual([[null, '0']]);
  });

  it('variance merges partial states exactly (numeric) and with float8_combine (floats)', async () => {
    const shard = await openShard();
    const calls = [agg('var_samp', [col(0)], t.numeric), agg('stddev_pop', [col(1, t.float8)], t.float8)];
    const partial = (rel: Rel) => aggregate(rel, [], calls, {
      phase: 'partial',
      columns: [
        { name: 'n', type: t.int8 }, { name: 'sx', type: t.numeric }, { name: 'sxx', type: t.numeric },
        { name: 'fn', type: t.float8 }, { name: 'fsx', type: t.float8 }, { name: 'fsxx', type: t.float8 },
      ],
    });
    const part1 = await query(shard, partial(values([[1, 1], [2, 2]], [t.int4, t.float8])));
    const part2 = await query(shard, partial(values([[3, 3], [5, 5], [null, null]], [t.int4, t.float8])));
    const empty = await query(shard, partial(values([[null, null]], [t.int4, t.float8])));
    expect(part1).toEqual([[2n, '3', '5', 2, 3, 0.5]]);
    const states = values([...part1, ...part2, ...empty] as never, [t.int8, t.numeric, t.numeric, t.float8, t.float8, t.float8]);
    const final = aggregate(states, [], [
      agg('var_samp', [col(0, t.int8), col(1, t.numeric), col(2, t.numeric)], t.numeric),
      agg('stddev_pop', [col(3, t.float8), col(4, t.float8), col(5, t.float8)], t.float8),
    ], { phase: 'final' });
    expect(await query(shard, final)).toEqual([['2.9166666666666667', 1.479019945774904]]);
  });

  it('overflows like PostgreSQL: int8 sums of partial states, float sums', async () => {
    const max = 2n ** 63n - 1n;
    const states = values([[max], [1n]], [t.int8]);
    await expectCode(run(aggregate(states, [], [agg('sum', [col(0, t.int8)], t.int8)], { phase: 'final' })), '22003');
    await expectCode(run(aggregate(values([[1e308], [1e308]], [t.float8]), [], [agg('sum', [col(0, t.float8)], t.float8)])), '22003');
    expect(await run(aggregate(values([[max], [max]], [t.int8]), [], [agg('sum', [col(0, t.int8)], t.numeric)]))).toEqual([[(2n * max).toString()]]);
  });
});
