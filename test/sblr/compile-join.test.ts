import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/engine/types.ts';
import type { Rel } from '../../src/sql/plan/ir.ts';
import { openShard } from '../engine/helpers.ts';
import { and, col, eq, filter, join, lit, op, outer, query, sort, asc, t, values } from './plans.ts';

// left(id, k), right(k, name): k NULL on both sides must never match.
const left = values([[1, 10], [2, 20], [3, null], [4, 40]]);
const right = values([[10, 'a'], [10, 'b'], [30, 'c'], [null, 'n']], [t.int4, t.text]);
const on = eq(col(1), col(2));
const keys = [{ left: col(1), right: col(0) }];

function sorted(rows: Row[]): Row[] {
  return [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

async function both(kind: Parameters<typeof join>[0]): Promise<[Row[], Row[]]> {
  const shard = await openShard();
  const hashed = await query(shard, join(kind, left, right, on, keys));
  const looped = await query(shard, join(kind, left, right, on));
  return [sorted(hashed), sorted(looped)];
}

describe('joins (hash join and nested loop agree)', () => {
  it('inner', async () => {
    const [hashed, looped] = await both('inner');
    expect(hashed).toEqual(sorted([[1, 10, 10, 'a'], [1, 10, 10, 'b']]));
    expect(looped).toEqual(hashed);
  });

  it('left', async () => {
    const [hashed, looped] = await both('left');
    expect(hashed).toEqual(sorted([[1, 10, 10, 'a'], [1, 10, 10, 'b'], [2, 20, null, null], [3, null, null, null], [4, 40, null, null]]));
    expect(looped).toEqual(hashed);
  });

  it('right', async () => {
    const [hashed, looped] = await both('right');
    expect(hashed).toEqual(sorted([[1, 10, 10, 'a'], [1, 10, 10, 'b'], [null, null, 30, 'c'], [null, null, null, 'n']]));
    expect(looped).toEqual(hashed);
  });

  it('full', async () => {
    const [hashed, looped] = await both('full');
    expect(hashed).toEqual(sorted([
      [1, 10, 10, 'a'], [1, 10, 10, 'b'], [2, 20, null, null], [3, null, null, null], [4, 40, null, null], [null, null, 30, 'c'], [null, null, null, 'n'],
    ]));
    expect(looped).toEqual(hashed);
  });

  it('semi and anti (NOT EXISTS semantics: a NULL key has no match)', async () => {
    const [semi, semiLoop] = await both('semi');
    expect(semi).toEqual([[1, 10]]);
    expect(semiLoop).toEqual(semi);
    const [anti, antiLoop] = await both('anti');
    expect(anti).toEqual(sorted([[2, 20], [3, null], [4, 40]]));
    expect(antiLoop).toEqual(anti);
  });

  it('uses the full condition beyond the keys', async () => {
    const shard = await openShard();
    const condition = and(on, op('=', col(3, t.text), lit('b', t.text)));
    expect(await query(shard, join('inner', left, right, condition, keys))).toEqual([[1, 10, 10, 'b']]);
    expect(await query(shard, join('left', left, right, condition, keys))).toEqual([[1, 10, 10, 'b'], [2, 20, null, null], [3, null, null, null], [4, 40, null, null]]);
  });

  it('cross join without a condition', async () => {
    const shard = await openShard();
    const rows = await query(shard, join('inner', values([[1], [2]]), values([[7], [8]]), null));
    expect(rows).toEqual([[1, 7], [1, 8], [2, 7], [2, 8]]);
  });

  it('joins on several keys', async () => {
    const shard = await openShard();
    const a = values([[1, 1], [1, 2], [2, 1]]);
    const b = values([[1, 2], [2, 1], [2, 2]]);
    const condition = and(eq(col(0), col(2)), eq(col(1), col(3)));
    const rows = await query(shard, join('inner', a, b, condition, [{ left: col(0), right: col(0) }, { left: col(1), right: col(1) }]));
    expect(rows).toEqual([[1, 2, 1, 2], [2, 1, 2, 1]]);
  });

  it('LATERAL re-evaluates the right side for each left row', async () => {
    const shard = await openShard();
    // SELECT * FROM (VALUES (1),(2),(3)) l(n), LATERAL (SELECT n * 10 UNION VALUES (n + 100)) WHERE n <> 2
    const perRow: Rel = { rel: 'values', columns: [{ name: 'v', type: t.int4 }], rows: [[op('*', outer(1, 0), lit(10), t.int4)], [op('+', outer(1, 0), lit(100), t.int4)]] };
    const rows = await query(shard, join('inner', filter(values([[1], [2], [3]]), op('<>', col(0), lit(2))), perRow, null, [], true));
    expect(rows).toEqual([[1, 10], [1, 101], [3, 30], [3, 103]]);
    const leftLateral = join('left', values([[1], [2]]), filter(values([[5]]), op('>', outer(1, 0), lit(1))), null, [], true);
    expect(await query(shard, sort(leftLateral, asc(col(0))))).toEqual([[1, null], [2, 5]]);
  });
});
