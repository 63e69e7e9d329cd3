/**
 * compareValues, equalValues and hashKey agree with the engine's key codec: sorting values by
 * compareValues gives index order, equal keys are equal values, and equal values hash alike.
 * Property-based over every engine type and arrays of some (seed FC_SEED). Arrays of several
 * dimensions or other lower bounds agree on equality and hashing, and on order except where
 * the key codec's header says it parts from PostgreSQL.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeKey } from '../../../src/engine/key-codec.ts';
import type { ColumnType, Value } from '../../../src/engine/types.ts';
import { compareValues, equalValues, hashKey } from '../../../src/sql/functions/index.ts';
import { arrayElements, arrayShape, isShaped, type ArrayValue } from '../../../src/engine/array-value.ts';
import { arbitraryValue, plainArray, SCALAR_KINDS, shapedArray } from '../types/values.ts';

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
      const values = type.kind === 'array' ? plainArray(type.element) : arbitraryValue(type);
      const value = values.filter((v) => v !== null).map((v) => stored(type, v));
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

/** Where the key codec orders arrays otherwise than PostgreSQL: a shaped array against one
 * extending its elements, and a one-dimensional array from below 1 against the same elements from 1. */
function keyOrderDiffers(a: ArrayValue, b: ArrayValue): boolean {
  const [x, y] = [arrayElements(a), arrayElements(b)];
  const [shorter, longer] = x.length <= y.length ? [a, b] : [b, a];
  const prefix = arrayElements(shorter).every((e, i) => e === arrayElements(longer)[i]);
  if (prefix && x.length !== y.length) return isShaped(shorter);
  const below1 = (v: ArrayValue) => arrayShape(v).lengths.length === 1 && arrayShape(v).lowers[0] < 1;
  return prefix && (below1(a) || below1(b));
}

describe('arrays of several dimensions or other lower bounds', () => {
  for (const kind of ['int4', 'text'] as const) {
    const type: ColumnType = { kind: 'array', element: { kind } };
    it(`compare, equal and hash ${kind}[] as their keys do`, () => {
      const compare = compareValues(type);
      const equal = equalValues(type);
      const key = hashKey(type);
      const value = fc.oneof(shapedArray({ kind }), plainArray({ kind }));
      fc.assert(
        fc.property(fc.oneof(fc.tuple(value, value), value.map((v) => [v, v] as const)), ([a, b]) => {
          const order = Math.sign(compare(a, b));
          const keyOrder = Math.sign(Buffer.compare(encodeKey([{ type }], [a]), encodeKey([{ type }], [b])));
          expect(keyOrder === 0).toBe(order === 0);
          if (!keyOrderDiffers(a as ArrayValue, b as ArrayValue)) expect(keyOrder).toBe(order);
          expect(equal(a, b)).toBe(order === 0);
          expect(key(a) === key(b)).toBe(order === 0);
        }),
        { numRuns: 300, seed },
      );
    });
  }
});
