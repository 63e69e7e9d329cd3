/**
 * Reading ScratchBird's system catalogs the way the differential tests read PostgreSQL's: rows
 * as objects of PostgreSQL text (t/f, {a,b}, '1 2' for int2vector), and catalog function calls
 * by name.
 */
import type { Value } from '../../../src/engine/types.ts';
import { formatArray } from '../../../src/sql/types/array-text.ts';
import { catalogFunctions, systemRelation, type CatalogFunctionContext, type SystemSchema } from '../../../src/sql/system/index.ts';
import type { SqlType } from '../../../src/sql/types/sql-type.ts';

export type TextRow = Record<string, string | null>;

/** A value as PostgreSQL's text output prints it, for the types catalogs hold. */
export function pgText(value: Value): string | null {
  if (value === null) return null;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return formatArray(value.map((v) => pgText(v as Value)));
  throw new Error(`no text for ${String(value)}`);
}

/** A system relation's rows as objects of column name → value (not converted). */
export function rowsOf(ctx: CatalogFunctionContext, schema: SystemSchema, name: string): Record<string, Value>[] {
  const relation = systemRelation(schema, name);
  if (relation === undefined) throw new Error(`no ${schema}.${name}`);
  return [...relation.rows(ctx)].map((row) => Object.fromEntries(relation.columns.map((c, i) => [c.name, row[i]])));
}

/** Whether a JavaScript value can be an argument of this SQL type (NULL can be any). */
function fits(type: SqlType, value: Value): boolean {
  switch (typeof value) {
    case 'number':
      return ['oid', 'regclass', 'int4', 'int2'].includes(type.kind);
    case 'bigint':
      return type.kind === 'int8';
    case 'string':
      return ['text', 'name', 'numeric'].includes(type.kind);
    case 'boolean':
      return type.kind === 'bool';
    default:
      return true;
  }
}

/** Calls the catalog function with this name whose argument types fit the values. */
export function call(ctx: CatalogFunctionContext, name: string, ...args: Value[]): Value {
  const fn = catalogFunctions().find((f) => f.name === name && f.argTypes.length === args.length && f.argTypes.every((t, i) => fits(t, args[i])));
  if (fn === undefined) throw new Error(`no function ${name} with ${args.length} arguments`);
  if (fn.returnsSet) return [...fn.impl(args, ctx)];
  return fn.impl(args, ctx);
}

/** The outcome of something that may raise, as the tests compare it with PostgreSQL's. */
export function outcome(run: () => Value): { value: string | null } | { error: string } {
  try {
    return { value: pgText(run()) };
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    return { error: `${code ?? 'not an EngineError'}: ${message}` };
  }
}

/** Rows sorted by their JSON, for comparing sets. */
export function sorted<T>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0));
}
