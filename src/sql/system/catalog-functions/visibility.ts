/**
 * Name lookups tools make: whether an object is visible on the search path, the to_reg*
 * functions (NULL instead of an error for a missing object), and PostgreSQL's partition and
 * temporary-schema questions, whose answers here are always "none".
 */
import type { Value } from '../../../engine/types.ts';
import { EngineError, SqlState } from '../../../engine/errors.ts';
import { INFORMATION_SCHEMA_NAMESPACE, PG_CATALOG_NAMESPACE } from '../../catalog/model.ts';
import { builtinType } from '../builtin-types.ts';
import type { CatalogFunctionContext } from '../context.ts';
import { relationByOid, relationVisible } from '../lookup.ts';
import { operatorExists } from '../relations/operators.ts';
import { regclassIn, regnamespaceIn, regroleIn, regtypeIn } from '../reg-types.ts';
import { COLLATION } from '../well-known.ts';
import { BOOL, OID, REGCLASS, TEXT, scalar, setReturning, type CatalogFunction } from './define.ts';

const REGTYPE = { kind: 'regtype' } as const;
const REGNAMESPACE = { kind: 'regnamespace' } as const;
const REGROLE = { kind: 'regrole' } as const;

/** What the input functions raise for a name that names nothing. */
const MISSING = new Set<string>([SqlState.undefinedTable, SqlState.undefinedObject, SqlState.invalidSchemaName, SqlState.undefinedFunction]);

/** to_regclass and kin: NULL where the input function finds nothing; bad syntax still raises
 * (PostgreSQL 15). */
export function orNull(lookup: (text: string, ctx: CatalogFunctionContext) => number) {
  return (args: readonly Value[], ctx: CatalogFunctionContext): Value => {
    try {
      return lookup(args[0] as string, ctx);
    } catch (error) {
      if (error instanceof EngineError && MISSING.has(error.code)) return null;
      throw error;
    }
  };
}

function tableVisible(args: readonly Value[], ctx: CatalogFunctionContext): Value {
  const relation = relationByOid(ctx.catalog, args[0] as number);
  return relation === undefined ? null : relationVisible(ctx, relation);
}

/** Built-in types live in pg_catalog, which is always searched. */
function typeVisible(args: readonly Value[]): Value {
  return builtinType(args[0] as number) === undefined ? null : true;
}

function operatorVisible(args: readonly Value[]): Value {
  return operatorExists(args[0] as number) ? true : null;
}

function collationVisible(args: readonly Value[]): Value {
  const oid = args[0] as number;
  return oid === COLLATION.default || oid === COLLATION.c || oid === COLLATION.posix ? true : null;
}

function publishable(args: readonly Value[], ctx: CatalogFunctionContext): Value {
  const relation = relationByOid(ctx.catalog, args[0] as number);
  if (relation === undefined) return null;
  return relation.kind === 'table' && relation.namespace !== PG_CATALOG_NAMESPACE && relation.namespace !== INFORMATION_SCHEMA_NAMESPACE;
}

export const VISIBILITY_FUNCTIONS: readonly CatalogFunction[] = [
  scalar({ oid: 2079, name: 'pg_table_is_visible', args: [OID], returns: BOOL }, tableVisible),
  scalar({ oid: 2080, name: 'pg_type_is_visible', args: [OID], returns: BOOL }, typeVisible),
  scalar({ oid: 2082, name: 'pg_operator_is_visible', args: [OID], returns: BOOL }, operatorVisible),
  scalar({ oid: 3815, name: 'pg_collation_is_visible', args: [OID], returns: BOOL }, collationVisible),
  scalar({ oid: 3495, name: 'to_regclass', args: [TEXT], returns: REGCLASS }, orNull(regclassIn)),
  scalar({ oid: 3493, name: 'to_regtype', args: [TEXT], returns: REGTYPE }, orNull(regtypeIn)),
  scalar({ oid: 4086, name: 'to_regnamespace', args: [TEXT], returns: REGNAMESPACE }, orNull(regnamespaceIn)),
  scalar({ oid: 4093, name: 'to_regrole', args: [TEXT], returns: REGROLE }, orNull(regroleIn)),
  scalar({ oid: 6121, name: 'pg_relation_is_publishable', args: [REGCLASS], returns: BOOL }, publishable),
  // A PARTITION BY table is spread over shards, not made of PostgreSQL partitions: no table
  // has ancestors, and ScratchBird has no temporary schemas.
  setReturning({ oid: 3425, name: 'pg_partition_ancestors', args: [REGCLASS], returns: REGCLASS, volatility: 'volatile' }, () => []),
  scalar({ oid: 2854, name: 'pg_my_temp_schema', args: [], returns: OID }, () => 0),
  scalar({ oid: 2855, name: 'pg_is_other_temp_schema', args: [OID], returns: BOOL }, () => false),
];
