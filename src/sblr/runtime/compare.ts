/**
 * Orderings of rows by sort keys: each key's type order (from the function library),
 * DESC, and NULLS FIRST / LAST.
 */
import type { Value } from '../../engine/types.ts';
import type { SqlType } from '../../sql/types/sql-type.ts';
import { comparator, type Compare } from '../compile/functions.ts';

export interface KeyOrder {
  readonly type: SqlType;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

/** The order of one key, NULLs placed as asked. */
export function keyCompare(order: KeyOrder): Compare {
  const compare = comparator(order.type);
  const nullSide = order.nullsFirst ? -1 : 1;
  const sign = order.descending ? -1 : 1;
  return (a, b) => {
    if (a === null) return b === null ? 0 : nullSide;
    if (b === null) return -nullSide;
    return sign * compare(a, b);
  };
}

/** The order of value lists (key i of each at position i). */
export function keysCompare(orders: readonly KeyOrder[]): (a: readonly Value[], b: readonly Value[]) => number {
  const compares = orders.map(keyCompare);
  if (compares.length === 1) {
    const [only] = compares;
    return (a, b) => only(a[0], b[0]);
  }
  return (a, b) => {
    for (let i = 0; i < compares.length; i++) {
      const d = compares[i](a[i], b[i]);
      if (d !== 0) return d;
    }
    return 0;
  };
}

/** The order of rows by some of their columns. */
export function columnsCompare(columns: readonly number[], orders: readonly KeyOrder[]): (a: readonly Value[], b: readonly Value[]) => number {
  const compares = orders.map(keyCompare);
  return (a, b) => {
    for (let i = 0; i < compares.length; i++) {
      const column = columns[i];
      const d = compares[i](a[column], b[column]);
      if (d !== 0) return d;
    }
    return 0;
  };
}
