/**
 * Relations as pg_class sees them: the SQL catalog's tables, views and sequences, the indexes
 * inside its tables, and the system relations; found by OID or by name, with PostgreSQL's
 * search-path visibility and the names it prints for them.
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import {
  INFORMATION_SCHEMA_NAMESPACE,
  PG_CATALOG_NAMESPACE,
  type IndexObject,
  type NamespaceObject,
  type RoleObject,
  type SequenceObject,
  type TableObject,
  type ViewObject,
} from '../catalog/model.ts';
import type { CatalogSnapshot } from '../catalog/snapshot.ts';
import { SYSTEM_RELATIONS, systemRelationByOid, systemRelationNamed, type SystemRelationInfo, type SystemSchema } from './catalog-relations.ts';
import type { SystemContext } from './context.ts';
import { quoteQualified } from './identifiers.ts';

/** What name lookups need from a session. */
export type NameContext = Pick<SystemContext, 'catalog' | 'currentUser' | 'database' | 'searchPath'>;

interface RelationBase {
  readonly oid: number;
  readonly name: string;
  readonly namespace: number;
}

export type RelationRef =
  | (RelationBase & { readonly kind: 'table'; readonly table: TableObject })
  | (RelationBase & { readonly kind: 'view'; readonly view: ViewObject })
  | (RelationBase & { readonly kind: 'sequence'; readonly sequence: SequenceObject })
  | (RelationBase & { readonly kind: 'index'; readonly table: TableObject; readonly index: IndexObject })
  | (RelationBase & { readonly kind: 'system'; readonly system: SystemRelationInfo });

export function systemNamespace(schema: SystemSchema): number {
  return schema === 'pg_catalog' ? PG_CATALOG_NAMESPACE : INFORMATION_SCHEMA_NAMESPACE;
}

function systemRef(info: SystemRelationInfo): RelationRef {
  return { kind: 'system', oid: info.oid, name: info.name, namespace: systemNamespace(info.schema), system: info };
}

function indexRef(table: TableObject, index: IndexObject): RelationRef {
  return { kind: 'index', oid: index.oid, name: index.name, namespace: table.namespace, table, index };
}

function objectRef(object: TableObject | ViewObject | SequenceObject): RelationRef {
  const base = { oid: object.oid, name: object.name, namespace: object.namespace };
  switch (object.kind) {
    case 'table':
      return { ...base, kind: 'table', table: object };
    case 'view':
      return { ...base, kind: 'view', view: object };
    case 'sequence':
      return { ...base, kind: 'sequence', sequence: object };
  }
}

export function tables(catalog: CatalogSnapshot): TableObject[] {
  const found: TableObject[] = [];
  for (const object of catalog.all()) if (object.kind === 'table') found.push(object);
  return found.sort((a, b) => a.oid - b.oid);
}

export function namespaces(catalog: CatalogSnapshot): NamespaceObject[] {
  const found: NamespaceObject[] = [];
  for (const object of catalog.all()) if (object.kind === 'namespace') found.push(object);
  return found.sort((a, b) => a.oid - b.oid);
}

export function roles(catalog: CatalogSnapshot): RoleObject[] {
  const found: RoleObject[] = [];
  for (const object of catalog.all()) if (object.kind === 'role') found.push(object);
  return found.sort((a, b) => a.oid - b.oid);
}

/** Every relation: system relations first, then the catalog's by OID, each table's indexes after it. */
export function allRelations(catalog: CatalogSnapshot): RelationRef[] {
  const found: RelationRef[] = SYSTEM_RELATIONS.map(systemRef);
  const user: (TableObject | ViewObject | SequenceObject)[] = [];
  for (const object of catalog.all()) if (object.kind === 'table' || object.kind === 'view' || object.kind === 'sequence') user.push(object);
  user.sort((a, b) => a.oid - b.oid);
  for (const object of user) {
    found.push(objectRef(object));
    if (object.kind === 'table') for (const index of object.indexes) found.push(indexRef(object, index));
  }
  return found;
}

export function relationByOid(catalog: CatalogSnapshot, oid: number): RelationRef | undefined {
  const object = catalog.get(oid);
  if (object !== undefined) return object.kind === 'table' || object.kind === 'view' || object.kind === 'sequence' ? objectRef(object) : undefined;
  const system = systemRelationByOid(oid);
  if (system !== undefined) return systemRef(system);
  for (const table of catalog.all()) {
    if (table.kind !== 'table') continue;
    const index = table.indexes.find((ix) => ix.oid === oid);
    if (index !== undefined) return indexRef(table, index);
  }
  return undefined;
}

export function relationInNamespace(catalog: CatalogSnapshot, namespace: number, name: string): RelationRef | undefined {
  const object = catalog.relationIn(namespace, name);
  if (object !== undefined) return objectRef(object);
  if (namespace === PG_CATALOG_NAMESPACE || namespace === INFORMATION_SCHEMA_NAMESPACE) {
    const system = systemRelationNamed(namespace === PG_CATALOG_NAMESPACE ? 'pg_catalog' : 'information_schema', name);
    if (system !== undefined) return systemRef(system);
  }
  const found = catalog.findIndex(namespace, name);
  return found === undefined ? undefined : indexRef(found.table, found.index);
}

export function namespaceName(catalog: CatalogSnapshot, oid: number): string | undefined {
  const object = catalog.get(oid);
  return object?.kind === 'namespace' ? object.name : undefined;
}

export function roleById(catalog: CatalogSnapshot, oid: number): RoleObject | undefined {
  const object = catalog.get(oid);
  return object?.kind === 'role' ? object : undefined;
}

/** The namespaces an unqualified name is looked up in, in order: pg_catalog first unless the
 * path names it elsewhere, '$user' as the current user's schema, schemas that do not exist left out. */
export function effectiveSearchPath(ctx: NameContext): number[] {
  const path: number[] = [];
  for (const entry of ctx.searchPath) {
    const ns = ctx.catalog.namespace(entry === '$user' ? ctx.currentUser : entry);
    if (ns !== undefined && !path.includes(ns.oid)) path.push(ns.oid);
  }
  if (!path.includes(PG_CATALOG_NAMESPACE)) path.unshift(PG_CATALOG_NAMESPACE);
  return path;
}

/** The first search-path schema that exists, not counting the implicit pg_catalog (current_schema()). */
export function currentSchema(ctx: NameContext): string | null {
  for (const entry of ctx.searchPath) {
    const ns = ctx.catalog.namespace(entry === '$user' ? ctx.currentUser : entry);
    if (ns !== undefined) return ns.name;
  }
  return null;
}

/** Whether an unqualified reference to the relation's name finds this relation. */
export function relationVisible(ctx: NameContext, relation: RelationRef): boolean {
  for (const namespace of effectiveSearchPath(ctx)) {
    if (namespace === relation.namespace) return true;
    if (relationInNamespace(ctx.catalog, namespace, relation.name) !== undefined) return false;
  }
  return false;
}

/** The relation's name as regclass prints it: qualified only when not visible. */
export function relationDisplayName(ctx: NameContext, relation: RelationRef): string {
  return quoteQualified(relationVisible(ctx, relation) ? null : namespaceName(ctx.catalog, relation.namespace) ?? null, relation.name);
}

/** The relation's name qualified with its schema, as pg_get_indexdef prints the table. */
export function relationQualifiedName(catalog: CatalogSnapshot, relation: RelationRef): string {
  return quoteQualified(namespaceName(catalog, relation.namespace) ?? null, relation.name);
}

/**
 * The schema and name of a possibly qualified name list; a three-part name must name the
 * current database (0A000 otherwise), more parts are 42601.
 */
export function qualifiedParts(ctx: NameContext, parts: readonly string[], what: string): { schema: string | undefined; name: string } {
  const shown = parts.join('.');
  switch (parts.length) {
    case 1:
      return { schema: undefined, name: parts[0] };
    case 2:
      return { schema: parts[0], name: parts[1] };
    case 3:
      if (parts[0] !== ctx.database) throw new EngineError(SqlState.featureNotSupported, `cross-database references are not implemented: "${shown}"`);
      return { schema: parts[1], name: parts[2] };
    default:
      throw new EngineError(SqlState.syntaxError, `improper ${what} name (too many dotted names): ${shown}`);
  }
}

/** A relation by a name list, through the search path when unqualified. */
export function findRelation(ctx: NameContext, parts: readonly string[]): RelationRef | undefined {
  const { schema, name } = qualifiedParts(ctx, parts, 'relation');
  if (schema !== undefined) {
    const ns = ctx.catalog.namespace(schema);
    if (ns === undefined) throw new EngineError(SqlState.invalidSchemaName, `schema "${schema}" does not exist`);
    return relationInNamespace(ctx.catalog, ns.oid, name);
  }
  for (const namespace of effectiveSearchPath(ctx)) {
    const found = relationInNamespace(ctx.catalog, namespace, name);
    if (found !== undefined) return found;
  }
  return undefined;
}
