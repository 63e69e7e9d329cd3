/**
 * The function library (`src/sql/functions`) as its two clients need it: the binder resolves
 * signatures and folds constants (`FunctionResolver`), the SBLR verifier checks that a program
 * only calls what resolution offers (`FunctionChecker`). Both ask the same resolver, so a
 * program the binder made always verifies, and a forged one never names anything else.
 */
import { EngineError, SqlState } from '../engine/errors.ts';
import type { Value } from '../engine/types.ts';
import type { AggregateName, WindowCall } from '../sql/plan/ir.ts';
import type { CastContext, FunctionResolver } from '../sql/bind/context.ts';
import { aggregateType, partialStateTypes, windowFunctionType } from '../sql/functions/aggregates.ts';
import { canCast, cannotCast, defineFunction, defineOperatorFunction, paramTypeFromOid, resolveCast, resolveFunction, resolveOperator, type EvalContext } from '../sql/functions/index.ts';
import { catalogFunctions, operatorFunctions, type CatalogFunctionContext } from '../sql/system/index.ts';
import { formatSqlType, sameType, typeCategory } from '../sql/functions/type-info.ts';
import { TEXT, type SqlType } from '../sql/types/sql-type.ts';
import { defineSetReturningFunction, definedSetReturningSignatures, setReturningColumns } from '../sblr/compile/index.ts';
import type { FunctionChecker } from '../sblr/verify.ts';

const AGGREGATES = new Set<string>([
  'count', 'sum', 'avg', 'min', 'max', 'string_agg', 'array_agg', 'bool_and', 'bool_or', 'every', 'jsonb_agg', 'json_agg', 'jsonb_object_agg',
  'stddev', 'stddev_samp', 'stddev_pop', 'variance', 'var_samp', 'var_pop',
]);
const WINDOW_ONLY = new Set<string>(['row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile', 'lag', 'lead', 'first_value', 'last_value', 'nth_value']);
/** Column names of set-returning functions with named output columns, as PostgreSQL names
 * them (the others' one column is named after the function, or the FROM item's alias). */
const SRF_COLUMNS: Record<string, readonly string[]> = {
  jsonb_each: ['key', 'value'], jsonb_each_text: ['key', 'value'], json_each: ['key', 'value'], json_each_text: ['key', 'value'],
  jsonb_array_elements: ['value'], jsonb_array_elements_text: ['value'], json_array_elements: ['value'], json_array_elements_text: ['value'],
};

/** The system catalog's functions join the library, reading the session through the EvalContext. */
for (const fn of catalogFunctions()) {
  if (fn.returnsSet) {
    defineSetReturningFunction(fn.name, fn.argTypes, fn.returnType, (args, ctx) => fn.impl(args, catalogContextOf(ctx)));
    continue;
  }
  defineFunction(fn.name, {
    params: fn.argTypes,
    returns: fn.returnType,
    strict: fn.strict,
    volatility: fn.volatility,
    impl: (args, ctx) => fn.impl(args, catalogContextOf(ctx)),
  });
}

/** PostgreSQL's operators are functions too (int4pl for integer + integer), callable by the
 * names pg_operator.oprcode gives them. */
for (const f of operatorFunctions()) {
  defineOperatorFunction(f.name, f.operator, f.argTypes.map((oid) => paramTypeFromOid(oid) ?? missingType(oid)));
}

function missingType(oid: number): never {
  throw new Error(`pg_operator names type ${oid}, which ScratchBird does not have`);
}

function catalogContextOf(ctx: EvalContext): CatalogFunctionContext {
  if (ctx.catalogFunctionContext === undefined) throw new EngineError(SqlState.featureNotSupported, 'catalog functions need a session');
  return ctx.catalogFunctionContext();
}

/** The binder's view, for one session (constant folding needs its time zone and catalog). */
export function bindingFunctions(evalContext: () => EvalContext): FunctionResolver {
  return {
    operator(name, left, right) {
      const r = resolveOperator(name, left, right);
      return { returnType: r.returnType, argTypes: r.argTypes };
    },
    function(name, args) {
      const r = resolveFunction(name, args);
      return { returnType: r.returnType, argTypes: r.argTypes, volatility: r.volatility };
    },
    canCast: (from, to, context) => sameType(from, to) || canCast(from, to, context),
    castConstant(value: Value, from: SqlType, to: SqlType, context: CastContext): Value {
      if (value === null) return null;
      const cast = resolveCast(from, to, context);
      if (cast === undefined) throw cannotCast(from, to);
      return cast(value, evalContext());
    },
    isAggregate: (name) => AGGREGATES.has(name),
    aggregateType: (name, args) => aggregateType(name as AggregateName, args),
    isWindowFunction: (name) => WINDOW_ONLY.has(name),
    windowType: (name, args) => windowFunctionType(name as WindowCall['name'], args),
    tableFunction(name, args) {
      const resolved = setReturningColumnsWithCasts(name, args);
      if (resolved === undefined) return undefined;
      const names = SRF_COLUMNS[name] ?? (resolved.columns.length === 1 ? [name] : resolved.columns.map((_, i) => `column${i + 1}`));
      return { argTypes: resolved.argTypes, columns: resolved.columns.map((type, i) => ({ name: names[i], type })) };
    },
    typeName: formatSqlType,
  };
}

/** A set-returning function's columns for these argument types; unknown literals are tried
 * as the types the function takes. */
function setReturningColumnsWithCasts(name: string, args: readonly SqlType[]): { argTypes: SqlType[]; columns: readonly SqlType[] } | undefined {
  const direct = setReturningColumns(name, args);
  if (direct !== undefined) return { argTypes: [...args], columns: direct };
  // The system catalog's take their arguments as a function call does: cast implicitly.
  const defined = definedSetReturningSignatures(name).find((s) => s.argTypes.length === args.length && args.every((a, i) => canCast(a, s.argTypes[i], 'implicit')));
  if (defined !== undefined) return { argTypes: [...defined.argTypes], columns: defined.columns };
  const candidates: SqlType[] = [{ kind: 'int4' }, { kind: 'int8' }, { kind: 'numeric' }, { kind: 'timestamptz' }, { kind: 'timestamp' }, { kind: 'jsonb' }, { kind: 'json' }, { kind: 'text' }, { kind: 'array', element: { kind: 'text' } }];
  const known = args.find((a) => a.kind !== 'unknown');
  for (const c of known === undefined ? candidates : [known, ...candidates]) {
    const widened = args.map((a) => (a.kind === 'unknown' ? c : a));
    const columns = setReturningColumns(name, widened);
    if (columns !== undefined) return { argTypes: widened, columns };
  }
  // String arguments (varchar, name, literals) are text to the functions, as implicit casts make them.
  const asText = args.map((a) => (a.kind === 'unknown' || typeCategory(a) === 'S' ? TEXT : a));
  const textColumns = setReturningColumns(name, asText);
  if (textColumns !== undefined) return { argTypes: asText, columns: textColumns };
  for (const widen of [{ kind: 'int8' }, { kind: 'numeric' }] as SqlType[]) {
    const widened = args.map((a) => (a.kind === 'int4' || a.kind === 'int2' || a.kind === 'unknown' ? widen : a));
    const columns = setReturningColumns(name, widened);
    if (columns !== undefined) return { argTypes: widened, columns };
  }
  return undefined;
}

/** The verifier's view: a call is allowed exactly when resolution gives its declared type. */
export const verifierFunctions: FunctionChecker = {
  checkCall(kind, name, argTypes, returnType) {
    try {
      const r = kind === 'operator' ? resolveOperator(name, argTypes.length === 2 ? argTypes[0] : null, argTypes[argTypes.length - 1]) : resolveFunction(name, argTypes);
      return sameType(r.returnType, returnType) && r.argTypes.every((t, i) => sameType(t, argTypes[i]));
    } catch (error) {
      if (error instanceof EngineError) return false;
      throw error;
    }
  },
  checkCast: (from, to, context) => sameType(from, to) || canCast(from, to, context),
  checkAggregate(name, phase, argTypes, returnType) {
    try {
      if (phase === 'partial') {
        const states = partialStateTypes(name, argTypes);
        return states;
      }
      if (phase === 'final') return [returnType];
      return sameType(aggregateType(name, argTypes), returnType) ? [returnType] : undefined;
    } catch (error) {
      if (error instanceof EngineError) return undefined;
      throw error;
    }
  },
  checkWindow(name, argTypes, returnType) {
    try {
      const type = WINDOW_ONLY.has(name) ? windowFunctionType(name, argTypes) : aggregateType(name as AggregateName, argTypes);
      return sameType(type, returnType);
    } catch (error) {
      if (error instanceof EngineError) return false;
      throw error;
    }
  },
  checkSetReturning(name, argTypes, columns) {
    const expected = setReturningColumns(name, argTypes);
    return expected !== undefined && expected.length === columns.length && expected.every((t, i) => sameType(t, columns[i]));
  },
};
