/**
 * pg_operator and pg_cast: PostgreSQL 15's rows for the operators and casts the function
 * library has (builtin-operators.ts, builtin-casts.ts), with the pg_proc entries of the
 * functions they name and the operators' pg_description texts.
 */
import { BOOTSTRAP_SUPERUSER, PG_CATALOG_NAMESPACE } from '../../catalog/model.ts';
import { BUILTIN_CASTS, CAST_FUNCTIONS } from '../builtin-casts.ts';
import { BUILTIN_OPERATORS } from '../builtin-operators.ts';
import type { RowObject, RowSources } from './rows.ts';


/** An operator's implementing function (pg_operator.oprcode) as pg_proc lists it. */
export interface OperatorFunction {
  readonly oid: number;
  readonly name: string;
  /** The operator it implements, and its argument types (one for a prefix operator). */
  readonly operator: string;
  readonly argTypes: readonly number[];
  readonly returnType: number;
}

export function operatorFunctions(): OperatorFunction[] {
  return BUILTIN_OPERATORS.map(([, operator, left, right, result, , , code, codeName]) => ({
    oid: code, name: codeName, operator, argTypes: left === 0 ? [right] : [left, right], returnType: result,
  }));
}

/** The functions pg_cast names: oid, name, argument types, result type. */
export function castFunctions(): { oid: number; name: string; argTypes: readonly number[]; returnType: number }[] {
  return CAST_FUNCTIONS.map(([oid, name, argTypes, returnType]) => ({ oid, name, argTypes, returnType }));
}

/** pg_description's rows for the operators: objoid, text. */
export function operatorDescriptions(): Iterable<readonly [number, string]> {
  return BUILTIN_OPERATORS.map((row) => [row[0], row[11]] as const);
}

const OPERATOR_OIDS: ReadonlySet<number> = new Set(BUILTIN_OPERATORS.map((row) => row[0]));

/** Every operator lives in pg_catalog, which is always searched. */
export function operatorExists(oid: number): boolean {
  return OPERATOR_OIDS.has(oid);
}

function* pgOperator(): Iterable<RowObject> {
  for (const [oid, name, left, right, result, commutator, negator, code, , merges, hashes] of BUILTIN_OPERATORS) {
    yield {
      oid, oprname: name, oprnamespace: PG_CATALOG_NAMESPACE, oprowner: BOOTSTRAP_SUPERUSER, oprkind: left === 0 ? 'l' : 'b', oprcanmerge: merges,
      oprcanhash: hashes, oprleft: left, oprright: right, oprresult: result, oprcom: commutator, oprnegate: negator, oprcode: code,
      // ScratchBird's planner estimates no selectivity: no restriction or join estimators.
      oprrest: 0, oprjoin: 0,
    };
  }
}

function* pgCast(): Iterable<RowObject> {
  for (const [oid, source, target, func, context, method] of BUILTIN_CASTS) {
    yield { oid, castsource: source, casttarget: target, castfunc: func, castcontext: context, castmethod: method };
  }
}

export const OPERATOR_CATALOGS: RowSources = {
  'pg_catalog.pg_operator': pgOperator,
  'pg_catalog.pg_cast': pgCast,
};
