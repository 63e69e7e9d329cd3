/**
 * PostgreSQL's choice of one type for values that must share one (CASE branches, COALESCE,
 * UNION columns, VALUES columns, IN lists, ARRAY[…]): unknown literals take the others' type
 * (text if all are unknown); otherwise the preferred or widest type of the category wins.
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import { TEXT, type SqlType } from '../types/sql-type.ts';
import type { FunctionResolver } from './context.ts';

const NUMERIC_RANK: Record<string, number> = { int2: 1, int4: 2, int8: 3, numeric: 4, float4: 5, float8: 6 };
const STRING_KINDS = new Set(['text', 'varchar', 'char', 'name', 'char1']);
const DATETIME_RANK: Record<string, number> = { date: 1, timestamp: 2, timestamptz: 3 };

export function sameType(a: SqlType, b: SqlType): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'array' && b.kind === 'array') return sameType(a.element, b.element);
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The type without modifiers: varchar(10) → varchar, numeric(10,2) → numeric. */
export function withoutModifiers(type: SqlType): SqlType {
  switch (type.kind) {
    case 'numeric':
      return { kind: 'numeric' };
    case 'varchar':
      return { kind: 'varchar' };
    case 'char':
      return type.length === undefined ? type : { kind: 'char' };
    default:
      return type;
  }
}

export function commonType(types: readonly SqlType[], context: string, functions: FunctionResolver, position?: number): SqlType {
  const known = types.filter((t) => t.kind !== 'unknown');
  if (known.length === 0) return TEXT;
  let best = known[0];
  for (const t of known.slice(1)) {
    if (sameType(best, t)) continue;
    if (best.kind === t.kind) {
      best = withoutModifiers(best);
      continue;
    }
    const nb = NUMERIC_RANK[best.kind];
    const nt = NUMERIC_RANK[t.kind];
    if (nb !== undefined && nt !== undefined) {
      best = nt > nb ? t : best;
      continue;
    }
    if (STRING_KINDS.has(best.kind) && STRING_KINDS.has(t.kind)) {
      best = TEXT;
      continue;
    }
    const db = DATETIME_RANK[best.kind];
    const dt = DATETIME_RANK[t.kind];
    if (db !== undefined && dt !== undefined) {
      best = dt > db ? t : best;
      continue;
    }
    if (functions.canCast(t, best, 'implicit')) continue;
    if (functions.canCast(best, t, 'implicit')) {
      best = t;
      continue;
    }
    throw new EngineError(SqlState.datatypeMismatch, `${context} types ${functions.typeName(best)} and ${functions.typeName(t)} cannot be matched`, { position });
  }
  return withoutModifiers(best);
}
