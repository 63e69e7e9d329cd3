/**
 * The btree order and equality of each type's values, for ORDER BY, DISTINCT, GROUP BY, MIN/MAX,
 * GREATEST/LEAST and the comparison operators. The order is the key codec's (src/engine/
 * key-codec.ts), so a sort gives what an index scan gives: text in code point order ("C"
 * collation), char(n) without its trailing spaces, numeric by value ('1.5' = '1.50'), NaN above
 * every other float or numeric, interval by its span (1 mon = 30 days), jsonb in jsonb's order,
 * arrays element by element with NULL elements last and a prefix first. Arrays of several
 * dimensions or another lower bound than 1 compare as PostgreSQL's array_cmp does, which the
 * key codec cannot quite follow (its header says where they part).
 *
 * NULL handling is the caller's: the functions here only see non-NULL values.
 */
import { arrayElements, arrayShape, isShaped, type ArrayValue } from '../../engine/array-value.ts';
import type { Interval, Value } from '../../engine/types.ts';
import type { SqlType } from '../types/sql-type.ts';
import { EngineError, FnState } from './errors.ts';
import { compareCodePoints, compareJson, isJsonArray, isJsonNumber, parseJson, quoteJson, type Json } from './json/value.ts';
import { compareNum, isSpecial, readNum } from './numeric/decimal.ts';
import { sqlTypeName } from './type-info.ts';

export type Comparator = (a: Value, b: Value) => number;
export type Equality = (a: Value, b: Value) => boolean;
/** A primitive equal for equal values (Map/Set keys: SameValueZero). */
export type HashKey = (value: Value) => string | number | bigint | boolean;

export function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** float order: NaN equals NaN and sorts above everything; -0 equals 0. */
export function compareFloats(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  const nanA = Number.isNaN(a);
  return nanA === Number.isNaN(b) ? 0 : nanA ? 1 : -1;
}

export function compareBigints(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareNumeric(a: string, b: string): number {
  return a === b ? 0 : compareNum(readNum(a), readNum(b));
}

export function trimTrailingSpaces(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x20) end--;
  return end === text.length ? text : text.slice(0, end);
}

export function compareBpchar(a: string, b: string): number {
  return compareCodePoints(trimTrailingSpaces(a), trimTrailingSpaces(b));
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

const MICROS_PER_DAY = 86_400_000_000n;

/** An interval's span as PostgreSQL compares it: a month is 30 days, a day 24 hours. */
export function intervalSpan(value: Interval): bigint {
  return (BigInt(value.months) * 30n + BigInt(value.days)) * MICROS_PER_DAY + value.micros;
}

export function compareIntervals(a: Interval, b: Interval): number {
  return compareBigints(intervalSpan(a), intervalSpan(b));
}

export function compareJsonb(a: string, b: string): number {
  return a === b ? 0 : compareJson(parseJson(a), parseJson(b));
}

function noOrdering(type: SqlType): EngineError {
  return new EngineError(FnState.undefinedFunction, `could not identify an ordering operator for type ${sqlTypeName(type)}`, {
    hint: 'Use an explicit ordering operator or modify the query.',
  });
}

/** The order of two non-NULL values of `type`: negative, zero or positive. */
export function compareValues(type: SqlType): Comparator {
  switch (type.kind) {
    case 'int2':
    case 'int4':
    case 'date':
    case 'oid':
    case 'regclass':
    case 'regtype':
    case 'regproc':
    case 'regnamespace':
    case 'regrole':
      return (a, b) => compareNumbers(a as number, b as number);
    case 'float4':
    case 'float8':
      return (a, b) => compareFloats(a as number, b as number);
    case 'int8':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      return (a, b) => compareBigints(a as bigint, b as bigint);
    case 'numeric':
      return (a, b) => compareNumeric(a as string, b as string);
    case 'bool':
      return (a, b) => (a === b ? 0 : a ? 1 : -1);
    case 'text':
    case 'varchar':
    case 'name':
    case 'unknown':
    case 'uuid':
      return (a, b) => compareCodePoints(a as string, b as string);
    case 'char':
      return (a, b) => compareBpchar(a as string, b as string);
    case 'char1':
      return (a, b) => compareNumbers((a as string).charCodeAt(0) || 0, (b as string).charCodeAt(0) || 0);
    case 'bytea':
      return (a, b) => compareBytes(a as Uint8Array, b as Uint8Array);
    case 'interval':
      return (a, b) => compareIntervals(a as Interval, b as Interval);
    case 'jsonb':
      return (a, b) => compareJsonb(a as string, b as string);
    case 'int2vector':
    case 'oidvector':
      return (a, b) => {
        const x = a as readonly number[];
        const y = b as readonly number[];
        if (x.length !== y.length) return x.length - y.length;
        for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
        return 0;
      };
    case 'array': {
      const element = compareValues(type.element);
      return (a, b) => compareArrays(a as ArrayValue, b as ArrayValue, element);
    }
    case 'json':
    case 'record':
    case 'void':
      throw noOrdering(type);
  }
}

/** array_cmp: element by element (row-major), NULL above any value, then the fewer elements
 * first; arrays of equal elements by their number of dimensions, then lengths, then lower bounds. */
export function compareArrays(a: ArrayValue, b: ArrayValue, element: Comparator): number {
  const x = arrayElements(a);
  const y = arrayElements(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const p = x[i];
    const q = y[i];
    if (p === null || q === null) {
      if (p !== q) return p === null ? 1 : -1;
      continue;
    }
    const order = element(p, q);
    if (order !== 0) return order;
  }
  if (x.length !== y.length || (!isShaped(a) && !isShaped(b))) return x.length - y.length;
  const s = arrayShape(a);
  const t = arrayShape(b);
  if (s.lengths.length !== t.lengths.length) return s.lengths.length - t.lengths.length;
  for (let i = 0; i < s.lengths.length; i++) if (s.lengths[i] !== t.lengths[i]) return s.lengths[i] - t.lengths[i];
  for (let i = 0; i < s.lowers.length; i++) if (s.lowers[i] !== t.lowers[i]) return s.lowers[i] - t.lowers[i];
  return 0;
}

/** Equality of two non-NULL values, as the type's = operator decides it. */
export function equalValues(type: SqlType): Equality {
  switch (type.kind) {
    case 'text':
    case 'varchar':
    case 'name':
    case 'unknown':
    case 'uuid':
    case 'bool':
    case 'int2':
    case 'int4':
    case 'int8':
    case 'date':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'oid':
    case 'regclass':
    case 'regtype':
    case 'regproc':
    case 'regnamespace':
    case 'regrole':
    case 'char1':
      return (a, b) => a === b;
    case 'json':
      throw new EngineError(FnState.undefinedFunction, 'could not identify an equality operator for type json');
    default: {
      const compare = compareValues(type);
      return (a, b) => compare(a, b) === 0;
    }
  }
}

function numericKey(text: string): string {
  const value = readNum(text);
  if (isSpecial(value)) return value;
  let { v, s } = value;
  while (s > 0 && v % 10n === 0n) {
    v /= 10n;
    s--;
  }
  return `${v}e-${s}`;
}

/** Canonical text of a jsonb document in which equal documents are equal ('1.0' = '1'). */
function jsonKey(json: Json): string {
  if (isJsonNumber(json)) return numericKey(json.number);
  if (json === null || typeof json !== 'object') return typeof json === 'string' ? quoteJson(json) : String(json);
  if (isJsonArray(json)) return `[${json.map(jsonKey).join(',')}]`;
  return `{${json.entries.map(([key, value]) => `${quoteJson(key)}:${jsonKey(value)}`).join(',')}}`;
}

/** A primitive standing for a non-NULL value in hash tables: equal values give equal keys. */
export function hashKey(type: SqlType): HashKey {
  switch (type.kind) {
    case 'numeric':
      return (value) => numericKey(value as string);
    case 'char':
      return (value) => trimTrailingSpaces(value as string);
    case 'bytea':
      return (value) => Buffer.from((value as Uint8Array).buffer, (value as Uint8Array).byteOffset, (value as Uint8Array).byteLength).toString('latin1');
    case 'interval':
      return (value) => intervalSpan(value as Interval);
    case 'jsonb':
      return (value) => jsonKey(parseJson(value as string));
    case 'int2vector':
    case 'oidvector':
      return (value) => (value as readonly number[]).join(' ');
    case 'array': {
      const element = hashKey(type.element);
      return (value) => {
        const key = arrayElements(value as ArrayValue).map((item) => (item === null ? 'N' : elementKey(element(item)))).join(',');
        if (!isShaped(value)) return key;
        return `${value.lengths.join(',')}/${value.lowers.join(',')}/${key}`;
      };
    }
    case 'json':
    case 'record':
    case 'void':
      throw new EngineError(FnState.undefinedFunction, `could not identify an equality operator for type ${sqlTypeName(type)}`);
    default:
      return (value) => value as string | number | bigint | boolean;
  }
}

function elementKey(key: string | number | bigint | boolean): string {
  switch (typeof key) {
    case 'string': return JSON.stringify(key);
    case 'bigint': return `${key}n`;
    case 'boolean': return key ? 't' : 'f';
    default: return Object.is(key, -0) ? '0' : String(key);
  }
}
