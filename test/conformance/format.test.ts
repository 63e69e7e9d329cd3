/**
 * How results are written: sqllogictest's NULL and (empty), escapes that keep a row on one
 * line, the three sort modes, and the md5 hash line above the threshold.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatValue, hashLine, resultLines } from '../../conformance/runner/format.ts';

describe('formatValue', () => {
  it('writes NULL, the empty string and PostgreSQL text unchanged otherwise', () => {
    expect(formatValue(null)).toBe('NULL');
    expect(formatValue('')).toBe('(empty)');
    expect(formatValue('t')).toBe('t');
    expect(formatValue('0.10')).toBe('0.10');
    expect(formatValue('a b')).toBe('a b');
  });

  it('escapes line breaks, tabs and backslashes', () => {
    expect(formatValue('a\nb\tc\rd\\e')).toBe('a\\nb\\tc\\rd\\\\e');
  });
});

describe('resultLines', () => {
  const rows = [
    ['b', '2'],
    ['a', null],
    ['a', ''],
  ];

  it('keeps the server order with nosort, one row per line', () => {
    expect(resultLines(rows, 'nosort', 0)).toEqual(['b 2', 'a NULL', 'a (empty)']);
  });

  it('sorts whole rows by code point with rowsort', () => {
    expect(resultLines(rows, 'rowsort', 0)).toEqual(['a (empty)', 'a NULL', 'b 2']);
  });

  it('sorts every value on its own line with valuesort', () => {
    expect(resultLines(rows, 'valuesort', 0)).toEqual(['(empty)', '2', 'NULL', 'a', 'a', 'b']);
  });

  it('writes an empty result as no lines', () => {
    expect(resultLines([], 'nosort', 0)).toEqual([]);
  });

  it('hashes results of more values than the threshold, after sorting', () => {
    const expected = createHash('md5').update('a\n(empty)\na\nNULL\nb\n2\n').digest('hex');
    expect(resultLines(rows, 'rowsort', 5)).toEqual([`6 values hashing to ${expected}`]);
    expect(resultLines([...rows].reverse(), 'rowsort', 5)).toEqual(resultLines(rows, 'rowsort', 5));
    expect(resultLines(rows, 'rowsort', 6)).toHaveLength(3);
  });

  it('matches sqllogictest hash lines', () => {
    // md5 of "1\n2\n" as sqllogictest computes it for the values 1 and 2.
    expect(hashLine(['1', '2'])).toBe('2 values hashing to 6ddb4095eb719e2a9f0a3f95677d24e0');
  });
});
