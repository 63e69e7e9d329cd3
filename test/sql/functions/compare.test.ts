/**
 * compareValues, equalValues and hashKey agree with the engine's key codec: sorting values by
 * compareValues gives index order, equal keys are equal values, and equal values hash alike.
 * Property-based over every engine type and arrays of some (seed FC_SEED).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeKey } from '../../../src/engine/key-codec.ts';
import type { ColumnType, Value } from '../../../src/engine/types.ts';
import { compareValues, equalValues, hashKey } from '../../../src/sql/functions/index.ts';
import { arbitraryValue, SCALAR_KINDS } from '../types/values.ts';

const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
const TYPES: ColumnType[] = [
  ...SCALAR_KINDS.map((kind) => ({ kind }) as ColumnType),
  { kind: 'array', element: { kind: 'int4' } },
  { kind: 'array', element: { kind: 'text' } },
  { kind: 'array', element: { kind: 'numeric' } },
];

/** A float4 column only holds single-precision values. */
function stored(type: ColumnType, value: Value): Value {
  return type.kind === 'float4' && typeof value === 'number' ? Math.fround(value) : value;
}

describe('value order matches the key codec', () => {
  for (const type of TYPES) {
    it(`orders, compares and hashes ${type.kind === 'array' ? `${type.element.kind}[]` : type.kind} like its index keys`, () => {
      const compare = compareValues(type);
      const equal = equalValues(type);
      const key = hashKey(type);
      const value = arbitraryValue(type).filter((v) => v !== null).map((v) => stored(type, v));
      // Pairs drawn from a small pool collide often enough to test equality too.
      const pair = fc.oneof(fc.tuple(value, value), value.map((v) => [v, v] as const));
      fc.assert(
        fc.property(pair, ([a, b]) => {
          const order = Math.sign(compare(a, b));
          const keyOrder = Math.sign(Buffer.compare(encodeKey([{ type }], [a]), encodeKey([{ type }], [b])));
          expect(order).toBe(keyOrder);
          expect(equal(a, b)).toBe(order === 0);
          expect(key(a) === key(b) || (Number.isNaN(key(a)) && Number.isNaN(key(b)))).toBe(order === 0);
        }),
        { numRuns: 300, seed },
      );
    });
  }
});
