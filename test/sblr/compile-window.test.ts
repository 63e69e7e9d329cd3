import { describe, expect, it } from 'vitest';
import type { Value } from '../../src/engine/types.ts';
import type { FrameBound, WindowCall, WindowFrame } from '../../src/sql/plan/ir.ts';
import { expectCode, openShard } from '../engine/helpers.ts';
import { asc, col, desc, lit, query, t, values, win, window } from './plans.ts';

// Expected values come from PostgreSQL 15 over the same data:
// WITH d(p, x) AS (VALUES (1,1),(1,2),(1,2),(1,4),(1,7),(2,3),(2,NULL)) SELECT … FROM d
const data = values([[1, 1], [1, 2], [1, 2], [1, 4], [1, 7], [2, 3], [2, null]]);
const p = col(0);
const x = col(1);

const bound = (kind: 'preceding' | 'following', n: number): FrameBound => ({ kind, offset: lit(n) });
const frame = (mode: WindowFrame['mode'], start: FrameBound, end: FrameBound): WindowFrame => ({ mode, start, end });
const CURRENT: FrameBound = { kind: 'currentRow' };

/** The function columns of a window over the data, PARTITION BY p ORDER BY x (or DESC). */
async function columns(functions: WindowCall[], descending = false): Promise<Value[][]> {
  const rows = await query(await openShard(), window(data, [p], [descending ? desc(x, false) : asc(x)], functions));
  return functions.map((_, i) => rows.map((r) => r[2 + i]));
}

describe('window functions', () => {
  it('ranking functions by peer groups, ntile, lag and lead', async () => {
    const [rowNumber, rank, denseRank, percentRank, cumeDist, ntile, lag, lead] = await columns([
      win('row_number', [], t.int8), win('rank', [], t.int8), win('dense_rank', [], t.int8),
      win('percent_rank', [], t.float8), win('cume_dist', [], t.float8), win('ntile', [lit(3)], t.int4),
      win('lag', [x], t.int4), win('lead', [x, lit(2), lit(-1)], t.int4),
    ]);
    expect(rowNumber).toEqual([1n, 2n, 3n, 4n, 5n, 1n, 2n]);
    expect(rank).toEqual([1n, 2n, 2n, 4n, 5n, 1n, 2n]);
    expect(denseRank).toEqual([1n, 2n, 2n, 3n, 4n, 1n, 2n]);
    expect(percentRank).toEqual([0, 0.25, 0.25, 0.75, 1, 0, 1]);
    expect(cumeDist).toEqual([0.2, 0.6, 0.6, 0.8, 1, 0.5, 1]);
    expect(ntile).toEqual([1, 1, 2, 2, 3, 1, 2]);
    expect(lag).toEqual([null, 1, 2, 2, 4, null, 3]);
    expect(lead).toEqual([2, 4, 7, -1, -1, -1, -1]);
  });

  it('value functions and aggregates over the default frame (peers included)', async () => {
    const [first, last, nth, sum] = await columns([
      win('first_value', [x], t.int4), win('last_value', [x], t.int4), win('nth_value', [x, lit(2)], t.int4), win('sum', [x], t.int8),
    ]);
    expect(first).toEqual([1, 1, 1, 1, 1, 3, 3]);
    expect(last).toEqual([1, 2, 2, 4, 7, 3, null]);
    expect(nth).toEqual([null, 2, 2, 2, 2, null, null]);
    expect(sum).toEqual([1n, 5n, 5n, 9n, 16n, 3n, 3n]);
  });

  it('ROWS, RANGE and GROUPS frames with offsets', async () => {
    const [rows, range, groups, whole, lastValue, following] = await columns([
      win('sum', [x], t.int8, frame('rows', bound('preceding', 1), bound('following', 1))),
      win('sum', [x], t.int8, frame('range', bound('preceding', 2), bound('following', 1))),
      win('sum', [x], t.int8, frame('groups', bound('preceding', 1), CURRENT)),
      win('count', [x], t.int8, frame('rows', { kind: 'unboundedPreceding' }, { kind: 'unboundedFollowing' })),
      win('last_value', [x], t.int4, frame('rows', CURRENT, { kind: 'unboundedFollowing' })),
      win('array_agg', [x], t.array(t.int4), frame('range', bound('following', 1), bound('following', 3))),
    ]);
    expect(rows).toEqual([3n, 5n, 8n, 13n, 11n, 3n, 3n]);
    expect(range).toEqual([5n, 5n, 5n, 8n, 7n, 3n, null]);
    expect(groups).toEqual([1n, 5n, 5n, 8n, 11n, 3n, 3n]);
    expect(whole).toEqual([5n, 5n, 5n, 5n, 5n, 1n, 1n]);
    expect(lastValue).toEqual([7, 7, 7, 7, 7, null, null]);
    expect(following).toEqual([[2, 2, 4], [4], [4], [7], null, null, [null]]);
  });

  it('EXCLUDE CURRENT ROW, GROUP and TIES take rows out of the frame', async () => {
    const whole = (exclude?: WindowFrame['exclude']): WindowFrame => ({ ...frame('rows', { kind: 'unboundedPreceding' }, { kind: 'unboundedFollowing' }), exclude });
    const [currentRow, group, ties, first, last, nth, noOthers] = await columns([
      win('sum', [x], t.int8, whole('currentRow')),
      win('sum', [x], t.int8, whole('group')),
      win('array_agg', [x], t.array(t.int4), { ...frame('range', bound('preceding', 1), bound('following', 1)), exclude: 'ties' }),
      win('first_value', [x], t.int4, { ...frame('rows', { kind: 'unboundedPreceding' }, CURRENT), exclude: 'currentRow' }),
      win('last_value', [x], t.int4, { ...frame('groups', CURRENT, bound('following', 1)), exclude: 'group' }),
      win('nth_value', [x, lit(2)], t.int4, whole('ties')),
      win('sum', [x], t.int8, frame('rows', { kind: 'unboundedPreceding' }, CURRENT)),
    ]);
    expect(currentRow).toEqual([15n, 14n, 14n, 12n, 9n, null, 3n]);
    expect(group).toEqual([15n, 12n, 12n, 12n, 9n, null, 3n]);
    expect(ties).toEqual([[1, 2, 2], [1, 2], [1, 2], [4], [7], [3], [null]]);
    expect(first).toEqual([null, 1, 1, 1, 1, null, 3]);
    expect(last).toEqual([2, 4, 4, 7, null, null, null]);
    expect(nth).toEqual([2, 2, 2, 2, 2, null, null]);
    expect(noOthers).toEqual([1n, 3n, 5n, 9n, 16n, 3n, 3n]);
  });

  it('RANGE offsets follow a descending order', async () => {
    // count(*) OVER (PARTITION BY p ORDER BY x DESC RANGE BETWEEN 2 PRECEDING AND CURRENT ROW); rows come out 7,4,2,2,1 | 3,NULL
    const [count] = await columns([win('count_star', [], t.int8, frame('range', bound('preceding', 2), CURRENT))], true);
    expect(count).toEqual([1n, 1n, 3n, 3n, 3n, 1n, 1n]);
  });

  it('aggregates honour FILTER', async () => {
    const [count] = await columns([win('count_star', [], t.int8, frame('rows', { kind: 'unboundedPreceding' }, { kind: 'unboundedFollowing' }), { op: 'call', kind: 'operator', name: '>', type: t.bool, argTypes: [t.int4, t.int4], args: [x, lit(1)] })]);
    expect(count).toEqual([4n, 4n, 4n, 4n, 4n, 1n, 1n]);
  });

  it('refuses bad arguments as PostgreSQL does', async () => {
    const shard = await openShard();
    await expectCode(query(shard, window(data, [p], [asc(x)], [win('sum', [x], t.int8, frame('rows', bound('preceding', -1), CURRENT))])), '22013');
    await expectCode(query(shard, window(data, [p], [asc(x)], [win('ntile', [lit(0)], t.int4)])), '22014');
    await expectCode(query(shard, window(data, [p], [asc(x)], [win('nth_value', [x, lit(0)], t.int4)])), '22016');
    await expectCode(query(shard, window(data, [p], [asc(x)], [win('sum', [x], t.int8, frame('rows', { kind: 'preceding', offset: lit(null) }, CURRENT))])), '22004');
  });
});
