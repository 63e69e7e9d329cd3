/**
 * The built-in functions and operators (ScratchBird's pg_proc and pg_operator): each name with
 * its signatures, and the helpers the family modules use to declare them tersely.
 *
 * A signature's parameter types may be PostgreSQL's polymorphic pseudo-types (anyelement,
 * anyarray, anynonarray, anycompatible, anycompatiblearray) or "any"; a variadic tail repeats
 * one parameter type. Implementations are made per resolution by `build`, so a closure can hold
 * what it needs for the resolved argument types and allocate nothing per call beyond its result.
 */
import type { Value } from '../../engine/types.ts';
import type { NonNullValue } from '../types/text-out.ts';
import type { SqlType } from '../types/sql-type.ts';
import type { EvalContext } from './context.ts';
import { parseSqlType, sameType, sqlTypeFromOid } from './type-info.ts';
import { EngineError, FnState } from './errors.ts';

export type Impl = (args: readonly Value[], ctx: EvalContext) => Value;
export type Volatility = 'immutable' | 'stable' | 'volatile';

export type PolyKind = 'anyelement' | 'anyarray' | 'anynonarray' | 'anycompatible' | 'anycompatiblearray' | 'any';
export type ParamType = SqlType | { readonly kind: PolyKind };

export interface Signature {
  readonly params: readonly ParamType[];
  /** The type each extra argument has, for VARIADIC functions. */
  readonly variadic?: ParamType;
  /** Values of the last parameters when a call leaves them out. */
  readonly defaults?: readonly Value[];
  readonly returns: ParamType | ((args: readonly SqlType[]) => SqlType);
  /** Makes the implementation for the resolved argument and return types. */
  readonly build: (args: readonly SqlType[], returns: SqlType) => Impl;
  readonly strict: boolean;
  readonly volatility: Volatility;
}

export const FUNCTIONS = new Map<string, Signature[]>();
/** Keyed by name; prefix operators have one parameter. */
export const OPERATORS = new Map<string, Signature[]>();

const POLY: ReadonlySet<string> = new Set(['anyelement', 'anyarray', 'anynonarray', 'anycompatible', 'anycompatiblearray', 'any']);

export function isPoly(type: ParamType): type is { readonly kind: PolyKind } {
  return POLY.has(type.kind);
}

const parsed = new Map<string, ParamType>();

/** A parameter type as written in declarations: 'int4', 'text[]', 'anyelement', 'any'. */
export function t(spelling: string): ParamType {
  let type = parsed.get(spelling);
  if (type === undefined) {
    // Declarations mean character without a length by 'char' and 'bpchar' (SQL reads 'char' as character(1)).
    type = POLY.has(spelling) ? ({ kind: spelling } as ParamType) : spelling === 'bpchar' || spelling === 'char' ? { kind: 'char' } : parseSqlType(spelling);
    if (type === undefined) throw new Error(`unknown type in a built-in declaration: ${spelling}`);
    parsed.set(spelling, type);
  }
  return type;
}

export interface Options {
  readonly strict?: boolean;
  readonly volatility?: Volatility;
  readonly variadic?: string;
  readonly defaults?: readonly Value[];
}

type Returns = string | ((args: readonly SqlType[]) => SqlType);
type Implementation = Impl | { readonly build: (args: readonly SqlType[], returns: SqlType) => Impl };

function signature(params: readonly string[], returns: Returns, implementation: Implementation, options: Options): Signature {
  const impl = implementation;
  return {
    params: params.map(t),
    variadic: options.variadic === undefined ? undefined : t(options.variadic),
    defaults: options.defaults,
    returns: typeof returns === 'string' ? t(returns) : returns,
    build: typeof impl === 'function' ? () => impl : impl.build,
    strict: options.strict ?? true,
    volatility: options.volatility ?? 'immutable',
  };
}

function add(table: Map<string, Signature[]>, name: string, entry: Signature): void {
  const list = table.get(name);
  if (list === undefined) table.set(name, [entry]);
  else list.push(entry);
}

/** Declares a function. */
export function fn(name: string, params: readonly string[], returns: Returns, impl: Implementation, options: Options = {}): void {
  add(FUNCTIONS, name, signature(params, returns, impl, options));
}

/** A function defined outside the library (the system catalog's), with concrete types. */
export interface ExternalFunction {
  readonly params: readonly SqlType[];
  readonly returns: SqlType;
  readonly impl: Impl;
  readonly strict: boolean;
  readonly volatility: Volatility;
}

/**
 * The part of the running session an external function works on (its sequences, its advisory
 * locks), which the session's EvalContext carries under `key`; 0A000 where no session runs the
 * statement.
 */
export function sessionPart<T>(ctx: EvalContext, key: string, functions: string): T {
  const part = (ctx as unknown as Record<string, T | undefined>)[key];
  if (part === undefined) throw new EngineError(FnState.featureNotSupported, `${functions} cannot run here`);
  return part;
}

/** Adds a function another module defines; a signature the library already has is kept. */
export function defineFunction(name: string, external: ExternalFunction): void {
  const existing = FUNCTIONS.get(name) ?? [];
  const same = (params: readonly ParamType[]) => params.length === external.params.length && params.every((p, i) => !isPoly(p) && sameType(p, external.params[i]));
  if (existing.some((s) => s.variadic === undefined && same(s.params))) return;
  const impl = external.impl;
  add(FUNCTIONS, name, { params: external.params, returns: external.returns, build: () => impl, strict: external.strict, volatility: external.volatility });
}

/** PostgreSQL's OIDs of the pseudo-types signatures may use. */
const POLY_OIDS: Readonly<Record<number, PolyKind>> = {
  2276: 'any', 2277: 'anyarray', 2283: 'anyelement', 2776: 'anynonarray', 5077: 'anycompatible', 5078: 'anycompatiblearray',
};

/** A parameter type by its pg_type OID (pseudo-types included), or undefined. */
export function paramTypeFromOid(oid: number): ParamType | undefined {
  const poly = POLY_OIDS[oid];
  return poly === undefined ? sqlTypeFromOid(oid) : { kind: poly };
}

function sameParam(a: ParamType, b: ParamType): boolean {
  return isPoly(a) || isPoly(b) ? a.kind === b.kind : sameType(a, b);
}

/** The operator's signature with exactly these parameter types (one for a prefix operator). */
export function operatorSignature(name: string, params: readonly ParamType[]): Signature | undefined {
  return OPERATORS.get(name)?.find((s) => s.variadic === undefined && s.params.length === params.length && s.params.every((p, i) => sameParam(p, params[i])));
}

/** Whether a function signature takes exactly these parameters, its VARIADIC tail as an array. */
function takes(signature: Signature, params: readonly ParamType[]): boolean {
  const declared = signature.variadic === undefined ? signature.params : [...signature.params, arrayOf(signature.variadic)];
  return declared.length === params.length && declared.every((p, i) => p !== undefined && sameParam(p, params[i]));
}

function arrayOf(element: ParamType): ParamType | undefined {
  return isPoly(element) || element.kind === 'array' ? undefined : { kind: 'array', element };
}

/**
 * Declares function `name` with an operator's signature and implementation, as PostgreSQL's
 * operators are functions (oprcode: int4pl for integer + integer), unless the library has a
 * function of that name taking those parameters already (jsonb_extract_path's VARIADIC text).
 */
export function defineOperatorFunction(name: string, operator: string, params: readonly ParamType[]): void {
  if (FUNCTIONS.get(name)?.some((s) => takes(s, params)) === true) return;
  const signature = operatorSignature(operator, params);
  if (signature === undefined) throw new Error(`no operator ${operator} over (${params.map((p) => p.kind).join(', ')}) to declare ${name} with`);
  add(FUNCTIONS, name, signature);
}

/** Declares a binary operator (two parameter types) or a prefix operator (one). */
export function op(name: string, params: readonly string[], returns: Returns, impl: Implementation, options: Options = {}): void {
  add(OPERATORS, name, signature(params, returns, impl, options));
}

// ---- implementation shapes ---------------------------------------------------------------------
// NULL in gives NULL out here too, so an implementation is safe to call whatever the caller does.

export function unary<A extends NonNullValue>(f: (a: A, ctx: EvalContext) => Value): Impl {
  return (args, ctx) => {
    const a = args[0];
    return a === null ? null : f(a as A, ctx);
  };
}

export function binary<A extends NonNullValue, B extends NonNullValue>(f: (a: A, b: B, ctx: EvalContext) => Value): Impl {
  return (args, ctx) => {
    const a = args[0];
    const b = args[1];
    return a === null || b === null ? null : f(a as A, b as B, ctx);
  };
}

export function ternary<A extends NonNullValue, B extends NonNullValue, C extends NonNullValue>(f: (a: A, b: B, c: C, ctx: EvalContext) => Value): Impl {
  return (args, ctx) => {
    const a = args[0];
    const b = args[1];
    const c = args[2];
    return a === null || b === null || c === null ? null : f(a as A, b as B, c as C, ctx);
  };
}

/** Any arity; NULL in any argument gives NULL. */
export function strictN(f: (args: readonly NonNullValue[], ctx: EvalContext) => Value): Impl {
  return (args, ctx) => {
    for (let i = 0; i < args.length; i++) if (args[i] === null) return null;
    return f(args as readonly NonNullValue[], ctx);
  };
}
