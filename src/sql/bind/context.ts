/**
 * What binding a statement needs from its surroundings: the catalog snapshot, the session's
 * search path, the statement's parameters, the function library and a place for notices.
 */
import type { Value } from '../../engine/types.ts';
import type { CatalogSnapshot } from '../catalog/snapshot.ts';
import type { Rel } from '../plan/ir.ts';
import type { SqlType } from '../types/sql-type.ts';

export type CastContext = 'implicit' | 'assignment' | 'explicit';

/** The function library as the binder sees it: signatures only; the executor re-resolves. */
export interface FunctionResolver {
  operator(name: string, left: SqlType | null, right: SqlType): { readonly returnType: SqlType; readonly argTypes: readonly SqlType[] };
  function(name: string, args: readonly SqlType[]): { readonly returnType: SqlType; readonly argTypes: readonly SqlType[]; readonly volatility: 'immutable' | 'stable' | 'volatile' };
  /** Whether a cast exists in this context. */
  canCast(from: SqlType, to: SqlType, context: CastContext): boolean;
  /** Converts a constant now (literals, folded casts); throws the cast's own errors. */
  castConstant(value: Value, from: SqlType, to: SqlType, context: CastContext): Value;
  isAggregate(name: string): boolean;
  aggregateType(name: string, args: readonly SqlType[]): SqlType;
  isWindowFunction(name: string): boolean;
  windowType(name: string, args: readonly SqlType[]): SqlType;
  /** A set-returning function usable in FROM: its output columns, or undefined. */
  tableFunction(name: string, args: readonly SqlType[]): { readonly argTypes: readonly SqlType[]; readonly columns: readonly { name: string; type: SqlType }[] } | undefined;
  /** format_type's spelling, for messages. */
  typeName(type: SqlType): string;
}

export interface BindOptions {
  readonly catalog: CatalogSnapshot;
  readonly searchPath: readonly string[];
  readonly functions: FunctionResolver;
  /** Types the client declared for $1…$n (undefined or unknown: infer). */
  readonly parameterTypes: readonly (SqlType | undefined)[];
  /** Character offset of the statement in the query string, for error positions. */
  readonly offset: number;
  readonly currentUser: string;
}

/** A CTE visible to a query: its plan (bound once) and its columns. */
export interface CteBinding {
  readonly id: number;
  readonly name: string;
  readonly columns: readonly { readonly name: string; readonly type: SqlType }[];
  plan: Rel | null;
  /** A recursive CTE's own name inside its recursive term reads the work table. */
  readonly recursive: boolean;
  references: number;
}
