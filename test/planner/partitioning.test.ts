/**
 * The partition hash: a bucket in range for every value, equal buckets for SQL-equal values of
 * one hash family (so tables keyed by int4 and int8 co-locate), and rows spread evenly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashFamily, partitionBucket, partitionBucketer } from '../../src/planner/partitioning.ts';
import type { SqlType } from '../../src/sql/types/sql-type.ts';

const int2: SqlType = { kind: 'int2' };
const int4: SqlType = { kind: 'int4' };
const int8: SqlType = { kind: 'int8' };
const text: SqlType = { kind: 'text' };

describe('the partition hash', () => {
  it('puts equal integers of every width in one bucket', () => {
    fc.assert(fc.property(fc.integer({ min: -32768, max: 32767 }), fc.integer({ min: 1, max: 64 }), (n, buckets) => {
      const bucket = partitionBucket([BigInt(n)], [int8], buckets);
      expect(bucket).toBeGreaterThanOrEqual(0);
      expect(bucket).toBeLessThan(buckets);
      expect(partitionBucket([n], [int4], buckets)).toBe(bucket);
      expect(partitionBucket([n], [int2], buckets)).toBe(bucket);
    }));
  });

  it('hashes SQL-equal values alike: text and char(n), numeric scales, intervals, -0', () => {
    fc.assert(fc.property(fc.string({ maxLength: 12 }).filter((s) => !s.includes('\0') && !s.endsWith(' ')), (s) => {
      const bucket = partitionBucket([s], [text], 16);
      expect(partitionBucket([`${s}   `], [{ kind: 'char', length: s.length + 3 }], 16)).toBe(bucket);
      expect(partitionBucket([s], [{ kind: 'varchar', length: 20 }], 16)).toBe(bucket);
    }));
    expect(partitionBucket(['1.50'], [{ kind: 'numeric', precision: 10, scale: 2 }], 16)).toBe(partitionBucket(['1.5'], [{ kind: 'numeric' }], 16));
    expect(partitionBucket([{ months: 1, days: 0, micros: 0n }], [{ kind: 'interval' }], 16)).toBe(partitionBucket([{ months: 0, days: 30, micros: 0n }], [{ kind: 'interval' }], 16));
    expect(partitionBucket([-0], [{ kind: 'float8' }], 16)).toBe(partitionBucket([0], [{ kind: 'float4' }], 16));
    expect(partitionBucket([[1, null, 3]], [{ kind: 'array', element: { kind: 'int4' } }], 16)).toBe(partitionBucket([[1n, null, 3n]], [{ kind: 'array', element: { kind: 'int8' } }], 16));
  });

  it('is stable: xxhash64 of the canonical key, modulo the shard count', () => {
    // Pinned values: changing them moves every stored row to another shard.
    expect([1, 2, 3, 42, 1000].map((n) => partitionBucket([n], [int4], 16))).toEqual([15, 1, 13, 14, 1]);
    expect(partitionBucket(['abc'], [text], 16)).toBe(1);
    expect(partitionBucket([7, 'x'], [int4, text], 16)).toBe(7);
    expect(partitionBucket([7, 'x'], [int4, text], 1)).toBe(0);
  });

  it('spreads consecutive keys evenly over the shards', () => {
    const bucketOf = partitionBucketer([int8], 16);
    const counts = new Array<number>(16).fill(0);
    for (let n = 0n; n < 16_000n; n++) counts[bucketOf([n])]++;
    for (const count of counts) expect(Math.abs(count - 1000)).toBeLessThan(150);
  });

  it('names the families that co-locate', () => {
    expect(hashFamily(int2)).toBe('int8');
    expect(hashFamily({ kind: 'varchar', length: 3 })).toBe('text');
    expect(hashFamily({ kind: 'float4' })).toBe('float8');
    expect(hashFamily({ kind: 'numeric', precision: 5, scale: 1 })).toBe('numeric');
    expect(hashFamily({ kind: 'array', element: int4 })).toBe('int8[]');
    expect(hashFamily({ kind: 'date' })).toBe('date');
    expect(hashFamily({ kind: 'oid' })).toBeUndefined();
  });
});
