/**
 * What function implementations may need while a statement runs. The session implements these
 * interfaces; implementations only read them.
 */
import type { CatalogFunctionContext } from '../system/context.ts';

/**
 * Names and OIDs of catalog objects, for the reg* types and functions that print or look up
 * names. Lookups take a name already split into its parts and unquoted ('public.t' is
 * ['public', 't'], '"My T"' is ['My T']); unqualified names go through the search path. A name
 * returned for printing is quoted and qualified as PostgreSQL prints it (qualified only when the
 * object is not visible on the search path). Undefined means there is no such object.
 */
export interface CatalogNames {
  relationOid(name: readonly string[]): number | undefined;
  relationName(oid: number): string | undefined;
  /** For types beyond the built-in ones, which are resolved without asking. */
  typeOid(name: readonly string[]): number | undefined;
  typeName(oid: number): string | undefined;
  /** Throws 42725 `more than one function named "x"` when the name is overloaded. */
  functionOid(name: readonly string[]): number | undefined;
  functionName(oid: number): string | undefined;
  namespaceOid(name: string): number | undefined;
  namespaceName(oid: number): string | undefined;
  roleOid(name: string): number | undefined;
  roleName(oid: number): string | undefined;
}

export interface EvalContext {
  /** The TimeZone setting, as src/sql/types/time-zone.ts reads it ('UTC', 'Europe/Paris', '+05:30'). */
  readonly timeZone: string;
  /** Start of the current transaction, µs since 2000-01-01 UTC: now(), current_timestamp. */
  readonly transactionTimestamp: bigint;
  /** Start of the current statement (statement_timestamp()). */
  readonly statementTimestamp: bigint;
  /** The wall clock now (clock_timestamp()), µs since 2000-01-01 UTC. */
  clockTimestamp(): bigint;
  readonly currentUser: string;
  readonly sessionUser: string;
  readonly currentDatabase: string;
  /** The schemas of the effective search path that exist, in order (current_schemas(false)). */
  readonly searchPath: readonly string[];
  readonly catalog: CatalogNames;
  /** A setting's value as SHOW prints it; undefined for an unknown setting. */
  setting(name: string): string | undefined;
  /** A uniform double in [0, 1), for random(); the session may seed it (setseed). */
  random(): number;
  /** What the system catalog's functions (format_type, pg_get_indexdef, …) read; absent where
   * no session runs the statement, and those functions then fail. */
  catalogFunctionContext?(): CatalogFunctionContext;
}
