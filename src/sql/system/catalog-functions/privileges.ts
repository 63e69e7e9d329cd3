/**
 * has_table_privilege, has_sequence_privilege, has_schema_privilege, has_database_privilege in
 * all their PostgreSQL forms. ScratchBird has no GRANT yet, so the rules are PostgreSQL's
 * defaults: superusers and owners may do everything; everyone may read the system catalogs,
 * use the pg_catalog, information_schema and public schemas, and connect to the database and
 * create temporary tables in it.
 */
import { EngineError, SqlState } from '../../../engine/errors.ts';
import type { Value } from '../../../engine/types.ts';
import { DATABASE_OID, INFORMATION_SCHEMA_NAMESPACE, PG_CATALOG_NAMESPACE, PUBLIC_NAMESPACE, type RoleObject } from '../../catalog/model.ts';
import type { CatalogFunctionContext } from '../context.ts';
import { splitQualifiedName } from '../identifiers.ts';
import { findRelation, relationByOid, roleById, type RelationRef } from '../lookup.ts';
import { BOOL, NAME, OID, TEXT, scalar, type CatalogFunction } from './define.ts';

type Target = 'table' | 'sequence' | 'schema' | 'database';

const PRIVILEGES: Record<Target, readonly string[]> = {
  table: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'],
  sequence: ['USAGE', 'SELECT', 'UPDATE'],
  schema: ['CREATE', 'USAGE'],
  database: ['CREATE', 'CONNECT', 'TEMPORARY', 'TEMP'],
};

/** The privilege list argument: names separated by commas, each maybe WITH GRANT OPTION. */
function privileges(target: Target, text: string): string[] {
  return text.split(',').map((item) => {
    const name = item.trim().toUpperCase().replace(/\s+WITH\s+GRANT\s+OPTION$/, '');
    if (!PRIVILEGES[target].includes(name)) throw new EngineError(SqlState.invalidParameterValue, `unrecognized privilege type: "${item.trim()}"`);
    return name;
  });
}

/** The role a user argument names: a name (42704 when missing) or an OID (undefined). */
function roleArgument(ctx: CatalogFunctionContext, value: Value | undefined): RoleObject | undefined {
  if (value === undefined) {
    const role = ctx.catalog.role(ctx.currentUser);
    if (role === undefined) throw new EngineError(SqlState.undefinedObject, `role "${ctx.currentUser}" does not exist`);
    return role;
  }
  if (typeof value === 'number') return roleById(ctx.catalog, value);
  const role = ctx.catalog.role(value as string);
  if (role === undefined) throw new EngineError(SqlState.undefinedObject, `role "${value as string}" does not exist`);
  return role;
}

function relationArgument(ctx: CatalogFunctionContext, value: Value): RelationRef | undefined {
  if (typeof value === 'number') return relationByOid(ctx.catalog, value);
  const parts = splitQualifiedName(value as string);
  const relation = findRelation(ctx, parts);
  if (relation === undefined) throw new EngineError(SqlState.undefinedTable, `relation "${parts.join('.')}" does not exist`);
  return relation;
}

function relationOwner(relation: RelationRef): number | undefined {
  switch (relation.kind) {
    case 'table':
    case 'index':
      return relation.table.owner;
    case 'view':
      return relation.view.owner;
    case 'sequence':
      return relation.sequence.owner;
    case 'system':
      return undefined;
  }
}

function relationPrivilege(target: 'table' | 'sequence', role: RoleObject, relation: RelationRef, wanted: string[]): boolean {
  if (target === 'sequence' && relation.kind !== 'sequence') throw new EngineError(SqlState.wrongObjectType, `"${relation.name}" is not a sequence`);
  if (role.superuser || relationOwner(relation) === role.oid) return true;
  return relation.kind === 'system' && wanted.every((p) => p === 'SELECT');
}

function schemaPrivilege(ctx: CatalogFunctionContext, role: RoleObject, namespace: number, wanted: string[]): boolean | null {
  const ns = ctx.catalog.get(namespace);
  if (ns?.kind !== 'namespace') return null;
  if (role.superuser || ns.owner === role.oid) return true;
  const everyone = namespace === PG_CATALOG_NAMESPACE || namespace === INFORMATION_SCHEMA_NAMESPACE || namespace === PUBLIC_NAMESPACE;
  return everyone && wanted.every((p) => p === 'USAGE');
}

function databasePrivilege(role: RoleObject, wanted: string[]): boolean {
  return role.superuser || role.createDb || wanted.every((p) => p !== 'CREATE');
}

/**
 * The six forms PostgreSQL has for each: (object, priv), (user, object, priv) where user is a
 * name or an OID and object a name or an OID. A missing object given by OID, or a user given
 * by an OID that names no role, gives NULL.
 */
function check(target: Target, args: readonly Value[], ctx: CatalogFunctionContext): Value {
  const [userArg, objectArg, privilegeArg] = args.length === 2 ? [undefined, args[0], args[1]] : args;
  const role = roleArgument(ctx, userArg);
  const wanted = privileges(target, privilegeArg as string);
  switch (target) {
    case 'table':
    case 'sequence': {
      const relation = relationArgument(ctx, objectArg);
      return role === undefined || relation === undefined ? null : relationPrivilege(target, role, relation, wanted);
    }
    case 'schema': {
      let namespace = objectArg as number;
      if (typeof objectArg === 'string') {
        const ns = ctx.catalog.namespace(objectArg);
        if (ns === undefined) throw new EngineError(SqlState.invalidSchemaName, `schema "${objectArg}" does not exist`);
        namespace = ns.oid;
      }
      return role === undefined ? null : schemaPrivilege(ctx, role, namespace, wanted);
    }
    case 'database': {
      if (typeof objectArg === 'string' && objectArg !== ctx.database) throw new EngineError(SqlState.invalidCatalogName, `database "${objectArg}" does not exist`);
      if (typeof objectArg === 'number' && objectArg !== DATABASE_OID) return null;
      return role === undefined ? null : databasePrivilege(role, wanted);
    }
  }
}

/** PostgreSQL's pg_proc OIDs of each form, in the order (text,text) (oid,text) (name,text,text)
 * (name,oid,text) (oid,text,text) (oid,oid,text). */
const FORMS: Record<Target, readonly number[]> = {
  table: [1926, 1927, 1922, 1923, 1924, 1925],
  sequence: [2185, 2186, 2181, 2182, 2183, 2184],
  schema: [2272, 2273, 2268, 2269, 2270, 2271],
  database: [2254, 2255, 2250, 2251, 2252, 2253],
};

function forms(target: Target): CatalogFunction[] {
  const name = `has_${target}_privilege`;
  const signatures = [[TEXT, TEXT], [OID, TEXT], [NAME, TEXT, TEXT], [NAME, OID, TEXT], [OID, TEXT, TEXT], [OID, OID, TEXT]];
  return signatures.map((args, i) => scalar({ oid: FORMS[target][i], name, args, returns: BOOL }, (values, ctx) => check(target, values, ctx)));
}

export const PRIVILEGE_FUNCTIONS: readonly CatalogFunction[] = [...forms('table'), ...forms('sequence'), ...forms('schema'), ...forms('database')];
