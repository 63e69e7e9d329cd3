/**
 * PROJECT_SET, the set-returning functions of a select list: verified against the function
 * library as a shard verifies it, then run with PostgreSQL 15's semantics (calls in lockstep,
 * the exhausted ones NULL, an input row whose calls yield nothing gives no row).
 */
import { describe, expect, it } from 'vitest';
import type { Rel, SetCall } from '../../src/sql/plan/ir.ts';
import type { SqlType } from '../../src/sql/types/sql-type.ts';
import { encodeProgram } from '../../src/sblr/encode.ts';
import { verifyProgram } from '../../src/sblr/verify.ts';
import { verifierFunctions } from '../../src/coordinator/functions.ts';
import { openShard } from '../engine/helpers.ts';
import { col, lit, query, t, values } from './plans.ts';
import { TestCatalog } from './support.ts';

const INT4_ARRAY: SqlType = { kind: 'array', element: t.int4 };

const series = (stop: ReturnType<typeof col>): SetCall => ({ name: 'generate_series', argTypes: [t.int4, t.int4], args: [lit(1), stop], returns: [t.int4] });
const unnest = (array: ReturnType<typeof col>): SetCall => ({ name: 'unnest', argTypes: [INT4_ARRAY], args: [array], returns: [t.int4] });

function projectSet(input: Rel, inputTypes: SqlType[], functions: SetCall[]): Rel {
  const columns = [...inputTypes, ...functions.flatMap((f) => f.returns)].map((type, i) => ({ name: `c${i}`, type }));
  return { rel: 'projectSet', input, functions, columns };
}

describe('PROJECT_SET', () => {
  it('verifies against the library and comes back as encoded', () => {
    const plan = projectSet(values([[2, [7, 8, 9]]], [t.int4, INT4_ARRAY]), [t.int4, INT4_ARRAY], [series(col(0)), unnest(col(1, INT4_ARRAY))]);
    const verified = verifyProgram(encodeProgram(plan, { parameterTypes: [] }), 'shard', new TestCatalog(), verifierFunctions);
    expect(verified.root).toEqual(plan);
  });

  it('refuses a call the library does not have, or one claiming other columns', () => {
    const input = values([[2]]);
    const wrongColumns: SetCall = { ...series(col(0)), returns: [t.text] };
    const unknown: SetCall = { ...series(col(0)), name: 'no_such_srf' };
    for (const call of [wrongColumns, unknown]) {
      const bytes = encodeProgram(projectSet(input, [t.int4], [call]), { parameterTypes: [] });
      expect(() => verifyProgram(bytes, 'shard', new TestCatalog(), verifierFunctions)).toThrow(/no set-returning function/);
    }
  });

  it('steps the calls together, padding the shorter with NULLs, row by row', async () => {
    const shard = await openShard();
    const plan = projectSet(values([[2, [7, 8, 9]], [0, []], [1, null]], [t.int4, INT4_ARRAY]), [t.int4, INT4_ARRAY], [series(col(0)), unnest(col(1, INT4_ARRAY))]);
    expect(await query(shard, plan)).toEqual([
      [2, [7, 8, 9], 1, 7],
      [2, [7, 8, 9], 2, 8],
      [2, [7, 8, 9], null, 9],
      // [0, []]: neither call yields a row, so the input row gives none.
      // [1, NULL]: unnest of NULL yields nothing (strict), generate_series one row.
      [1, null, 1, null],
    ]);
  });
});
