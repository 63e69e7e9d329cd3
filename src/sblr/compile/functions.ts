/**
 * The executor's one door into the scalar function library: calls, casts and comparisons are
 * resolved here once, at compile time, and the closures keep what they return.
 */
import type { Value } from '../../engine/types.ts';
import { cannotCast, compareValues, resolveCast, resolveFunction, resolveOperator, type EvalContext, type Impl } from '../../sql/functions/index.ts';
import type { CallExpr } from '../../sql/plan/ir.ts';
import type { SqlType } from '../../sql/types/sql-type.ts';

export type { Impl };
export type Compare = (a: Value, b: Value) => number;

export interface Callable {
  readonly impl: Impl;
  /** NULL in any argument gives NULL without calling `impl`. */
  readonly strict: boolean;
}

/** The function or operator a call node names, with the signature it was bound to. */
export function resolveCall(call: Pick<CallExpr, 'kind' | 'name' | 'argTypes'>): Callable {
  const { argTypes } = call;
  if (call.kind === 'operator') {
    const left = argTypes.length === 2 ? argTypes[0] : null;
    return resolveOperator(call.name, left, argTypes[argTypes.length - 1]);
  }
  return resolveFunction(call.name, argTypes);
}

/** A binary operator over two types, e.g. '+' for a window frame's offset arithmetic. */
export function resolveBinary(name: string, left: SqlType, right: SqlType): Callable & { readonly returnType: SqlType } {
  return resolveOperator(name, left, right);
}

export function resolveFunctionCall(name: string, argTypes: readonly SqlType[]): Callable & { readonly returnType: SqlType } {
  return resolveFunction(name, argTypes);
}

/** The cast of one value from `from` to `to`; NULL stays NULL. */
export function castFunction(from: SqlType, to: SqlType, context: 'implicit' | 'assignment' | 'explicit'): (value: Value, ctx: EvalContext) => Value {
  const cast = resolveCast(from, to, context);
  if (cast === undefined) throw cannotCast(from, to);
  return (value, ctx) => (value === null ? null : cast(value, ctx));
}

/** The btree order of non-NULL values of `type`. */
export function comparator(type: SqlType): Compare {
  return compareValues(type);
}
