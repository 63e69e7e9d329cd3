/**
 * The one type for values that must share one (CASE branches, COALESCE, UNION and VALUES
 * columns, IN lists, ARRAY[…]): the function library's select_common_type, with the statement
 * position added to its error.
 */
import { EngineError } from '../../engine/errors.ts';
import { selectCommonType } from '../functions/index.ts';
import type { SqlType } from '../types/sql-type.ts';

export function commonType(types: readonly SqlType[], context: string, position?: number): SqlType {
  try {
    return selectCommonType(types, context) as SqlType;
  } catch (error) {
    if (error instanceof EngineError && error.position === undefined && position !== undefined) {
      throw new EngineError(error.code, error.message, { detail: error.detail, hint: error.hint, position });
    }
    throw error;
  }
}

/** The same type with the same modifiers (varchar(3) is not varchar(5)): whether a value needs
 * no cast at all. The library's `sameType` ignores modifiers, as pg_type identity does. */
export function identicalType(a: SqlType, b: SqlType): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'array' && b.kind === 'array') return identicalType(a.element, b.element);
  return JSON.stringify(a) === JSON.stringify(b);
}
