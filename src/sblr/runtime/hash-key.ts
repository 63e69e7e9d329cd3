/**
 * Hash keys: primitives that are equal (as Map keys) exactly when the SQL values are equal
 * under their type's `=`, for hash joins, grouping, DISTINCT and set operations.
 *
 * One value's key is the function library's `hashKey` (canonical forms: numeric '1.50' =
 * '1.5', char(n) without trailing spaces, an interval's span, …); NULL's key is null, so
 * NULLs group together. Several values combine into one string whose parts are
 * length-prefixed, so no two value lists share a key. Records carry no field types, so
 * their fields are keyed by their JavaScript values.
 */
import { ShapedArray } from '../../engine/array-value.ts';
import type { Interval, Value } from '../../engine/types.ts';
import { hashKey } from '../../sql/functions/index.ts';
import { intervalSpan } from '../../sql/functions/compare.ts';
import type { SqlType } from '../../sql/types/sql-type.ts';

export type HashKey = string | number | bigint | boolean | null;
export type KeyOf = (value: Value) => HashKey;

/** The key of one value of `type` (NULL's key is null). */
export function keyOf(type: SqlType): KeyOf {
  if (type.kind === 'record') return (v) => (v === null ? null : `(${listKey(v as readonly Value[], () => dynamicKey)}`);
  const key = hashKey(type);
  return (v) => (v === null ? null : key(v));
}

/** The key of several values, one per type. */
export function compositeKeyOf(types: readonly SqlType[]): (values: readonly Value[]) => HashKey {
  if (types.length === 1) {
    const only = keyOf(types[0]);
    return (values) => only(values[0]);
  }
  const parts = types.map(keyOf);
  return (values) => listKey(values, (i) => parts[i]);
}

/** The key of several values, given each one's key function. */
export function keyOfParts(parts: readonly KeyOf[], values: readonly Value[]): string {
  return listKey(values, (i) => parts[i]);
}

function listKey(values: readonly Value[], partOf: (i: number) => KeyOf): string {
  let key = '';
  for (let i = 0; i < values.length; i++) key += part(partOf(i)(values[i]));
  return key;
}

/** A prefix-free spelling of one part: a type letter, and a length for strings. */
function part(key: HashKey): string {
  switch (typeof key) {
    case 'string':
      return `s${key.length}:${key}`;
    case 'number':
      return `n${key === 0 ? 0 : key};`;
    case 'bigint':
      return `b${key};`;
    case 'boolean':
      return key ? 't' : 'f';
    default:
      return '~';
  }
}

function dynamicKey(value: Value): HashKey {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Uint8Array) return `x${Buffer.from(value).toString('hex')}`;
  if (Array.isArray(value)) return `[${listKey(value as readonly Value[], () => dynamicKey)}`;
  if (value instanceof ShapedArray) return `[${value.lengths}/${value.lowers}/${listKey(value.elements, () => dynamicKey)}`;
  return intervalSpan(value as Interval);
}
