/**
 * The SQL catalog's names for the function library (src/sql/functions' CatalogNames): what
 * the reg* casts and name-printing functions look up while a statement runs.
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import type { CatalogNames } from '../functions/context.ts';
import { builtinTypeNamed } from './builtin-types.ts';
import { formatType } from './format-type.ts';
import { quoteIdent } from './identifiers.ts';
import { findRelation, namespaceName, relationByOid, relationDisplayName, roleById, type NameContext } from './lookup.ts';
import { regprocIn, regprocOut, procByOid } from './procs.ts';

function missingAsUndefined<T>(lookup: () => T): T | undefined {
  try {
    return lookup();
  } catch (error) {
    if (error instanceof EngineError && (error.code === SqlState.undefinedFunction || error.code === SqlState.invalidSchemaName)) return undefined;
    throw error;
  }
}

export function catalogNames(ctx: NameContext): CatalogNames {
  return {
    relationOid: (name) => missingAsUndefined(() => findRelation(ctx, name)?.oid),
    relationName: (oid) => {
      const relation = relationByOid(ctx.catalog, oid);
      return relation === undefined ? undefined : relationDisplayName(ctx, relation);
    },
    typeOid: (name) => (name.length === 1 || (name.length === 2 && name[0] === 'pg_catalog') ? builtinTypeNamed(name[name.length - 1])?.oid : undefined),
    typeName: (oid) => formatType(oid, null),
    functionOid: (name) => missingAsUndefined(() => regprocIn(name.map((part) => `"${part.replace(/"/g, '""')}"`).join('.'))),
    functionName: (oid) => (procByOid(oid) === undefined ? undefined : regprocOut(oid)),
    namespaceOid: (name) => ctx.catalog.namespace(name)?.oid,
    namespaceName: (oid) => {
      const name = namespaceName(ctx.catalog, oid);
      return name === undefined ? undefined : quoteIdent(name);
    },
    roleOid: (name) => ctx.catalog.role(name)?.oid,
    roleName: (oid) => {
      const role = roleById(ctx.catalog, oid);
      return role === undefined ? undefined : quoteIdent(role.name);
    },
  };
}
