/**
 * ScratchBird's scalar type system semantics: PostgreSQL 15's casts, operators and everyday
 * functions over the engine's values, resolved at plan time and run per row.
 *
 *   const r = resolveOperator('+', INT4, NUMERIC);      // r.returnType numeric, r.argTypes [numeric, numeric]
 *   const toNumeric = resolveCast(INT4, NUMERIC, 'implicit')!;
 *   r.impl([toNumeric(1, ctx), '1.5'], ctx);            // '2.5'
 *
 * Resolution follows PostgreSQL's Type Conversion chapter (§10.2–10.5); implementations are
 * closures over plain values (types.ts of the engine) and an EvalContext the session supplies.
 */
export type { CatalogNames, EvalContext } from './context.ts';
export type { ExternalFunction, Impl, Volatility } from './registry.ts';
export { defineFunction, defineOperatorFunction, operatorSignature, paramTypeFromOid, sessionPart, type ParamType } from './registry.ts';
export { resolveFunction, resolveOperator, type Resolved } from './resolve.ts';
export { canCast, cannotCast, castVolatility, identityCast, resolveCast, type CastContext, type CastFn } from './casts.ts';
export { selectCommonType } from './common-type.ts';
export { compareValues, equalValues, hashKey, type Comparator, type Equality, type HashKey } from './compare.ts';
export {
  formatSqlType,
  internalTypeName,
  isPreferredType,
  parseSqlType,
  sameType,
  sqlTypeFromOid,
  sqlTypeName,
  sqlTypeOid,
  typeCategory,
  type TypeCategory,
} from './type-info.ts';
export { normalizeJsonb, sqlBinaryRecv, sqlBinarySend, sqlTextIn, sqlTextOut, type IoContext } from './value-io.ts';
export { quoteIdentifier } from './names.ts';
export { unnestElementType } from './library/arrays.ts';
