/**
 * The shape in which catalog functions are handed to the function library: a PostgreSQL
 * signature (with its pg_proc OID, so pg_proc and regproc agree with PostgreSQL) and an
 * implementation over already-cast argument values.
 */
import type { Value } from '../../../engine/types.ts';
import type { SqlType } from '../../types/sql-type.ts';
import type { CatalogFunctionContext } from '../context.ts';

export type Volatility = 'immutable' | 'stable' | 'volatile';

interface CatalogFunctionBase {
  /** pg_proc.oid of this signature in PostgreSQL 15. */
  readonly oid: number;
  readonly name: string;
  readonly argTypes: readonly SqlType[];
  readonly returnType: SqlType;
  readonly volatility: Volatility;
  /** Strict functions return NULL (no rows) for any NULL argument; `impl` already does so. */
  readonly strict: boolean;
}

export interface ScalarCatalogFunction extends CatalogFunctionBase {
  readonly returnsSet: false;
  impl(args: readonly Value[], ctx: CatalogFunctionContext): Value;
}

/** A set-returning function (usable in FROM): one value per row. */
export interface SetCatalogFunction extends CatalogFunctionBase {
  readonly returnsSet: true;
  impl(args: readonly Value[], ctx: CatalogFunctionContext): Iterable<Value>;
}

export type CatalogFunction = ScalarCatalogFunction | SetCatalogFunction;

export const OID: SqlType = { kind: 'oid' };
export const NAME: SqlType = { kind: 'name' };
export const TEXT: SqlType = { kind: 'text' };
export const BOOL: SqlType = { kind: 'bool' };
export const INT4: SqlType = { kind: 'int4' };
export const INT8: SqlType = { kind: 'int8' };
export const NUMERIC: SqlType = { kind: 'numeric' };
export const REGCLASS: SqlType = { kind: 'regclass' };
export const TIMESTAMPTZ: SqlType = { kind: 'timestamptz' };

interface Declaration {
  readonly oid: number;
  readonly name: string;
  readonly args: readonly SqlType[];
  readonly returns: SqlType;
  readonly volatility?: Volatility;
  /** PostgreSQL's proisstrict; most catalog functions are. */
  readonly strict?: boolean;
}

function hasNull(args: readonly Value[]): boolean {
  return args.some((a) => a === null);
}

/** A scalar function; a strict one's `impl` only sees non-NULL arguments. */
export function scalar(declaration: Declaration, impl: (args: readonly Value[], ctx: CatalogFunctionContext) => Value): ScalarCatalogFunction {
  const strict = declaration.strict ?? true;
  return {
    oid: declaration.oid,
    name: declaration.name,
    argTypes: declaration.args,
    returnType: declaration.returns,
    volatility: declaration.volatility ?? 'stable',
    strict,
    returnsSet: false,
    impl: strict ? (args, ctx) => (hasNull(args) ? null : impl(args, ctx)) : impl,
  };
}

export function setReturning(declaration: Declaration, impl: (args: readonly Value[], ctx: CatalogFunctionContext) => Iterable<Value>): SetCatalogFunction {
  return {
    oid: declaration.oid,
    name: declaration.name,
    argTypes: declaration.args,
    returnType: declaration.returns,
    volatility: declaration.volatility ?? 'stable',
    strict: true,
    returnsSet: true,
    impl: (args, ctx) => (hasNull(args) ? [] : impl(args, ctx)),
  };
}
