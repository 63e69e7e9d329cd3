/**
 * PostgreSQL's select_common_type (Type Conversion §10.5): the one type that the branches of
 * UNION, CASE, VALUES, ARRAY[], COALESCE, GREATEST/LEAST and the anycompatible arguments of a
 * function are converted to. A type modifier survives only when every input has the same one.
 */
import type { SqlScalarType, SqlType } from '../types/sql-type.ts';
import { canCast } from './casts.ts';
import { EngineError, FnState } from './errors.ts';
import { isPreferredType, sameType, sqlTypeName, typeCategory } from './type-info.ts';

const TEXT: SqlType = { kind: 'text' };

/**
 * The common type of `types`. With a `context` ('UNION', 'CASE', 'COALESCE', …) a mismatch
 * raises 42804 `CASE types integer and text cannot be matched`; without one it returns
 * undefined. It does not check that every input converts to the result: see `canCast`.
 */
export function selectCommonType(types: readonly SqlType[], context?: string): SqlType | undefined {
  const first = types[0];
  if (first.kind !== 'unknown' && types.every((type) => sameType(type, first))) return commonModifier(first, types);
  let chosen: SqlType | undefined;
  for (const type of types) {
    if (type.kind === 'unknown' || (chosen !== undefined && sameType(type, chosen))) continue;
    if (chosen === undefined) {
      chosen = type;
      continue;
    }
    if (typeCategory(type) !== typeCategory(chosen)) {
      if (context === undefined) return undefined;
      throw new EngineError(FnState.datatypeMismatch, `${context} types ${sqlTypeName(chosen)} and ${sqlTypeName(type)} cannot be matched`);
    }
    if (!isPreferredType(chosen) && canCast(chosen, type, 'implicit') && !canCast(type, chosen, 'implicit')) chosen = type;
  }
  return chosen === undefined ? TEXT : commonModifier(chosen, types);
}

/** select_common_typmod: keep the modifier only if every input has the type and that modifier. */
function commonModifier(type: SqlType, types: readonly SqlType[]): SqlType {
  const same = types.every((other) => JSON.stringify(other) === JSON.stringify(type));
  return same ? type : withoutModifier(type);
}

export function withoutModifier(type: SqlType): SqlType {
  return type.kind === 'array' ? { kind: 'array', element: scalarWithoutModifier(type.element) } : scalarWithoutModifier(type);
}

function scalarWithoutModifier(type: SqlScalarType): SqlScalarType {
  switch (type.kind) {
    case 'varchar':
      return { kind: 'varchar' };
    case 'char':
      return { kind: 'char' };
    case 'numeric':
      return { kind: 'numeric' };
    default:
      return type;
  }
}
