/**
 * One consistent state of the SQL catalog: every object by OID, with name lookups. Committed
 * snapshots are shared by every session and never change; a transaction that runs DDL works on
 * a `draft` copy (`CatalogSnapshot.edit`) which becomes the committed snapshot when it commits.
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import type { CatalogObject, NamespaceObject, RelationObject, RoleObject, TableObject } from './model.ts';
import { PG_CATALOG_NAMESPACE } from './model.ts';

export class CatalogSnapshot {
  private readonly relationsByName = new Map<string, RelationObject>();
  private readonly namespacesByName = new Map<string, NamespaceObject>();
  private readonly rolesByName = new Map<string, RoleObject>();

  private constructor(
    private readonly objects: Map<number, CatalogObject>,
    /** Bumped by every committed change: part of every plan-cache key. */
    readonly version: number,
  ) {
    for (const object of objects.values()) this.index(object);
  }

  static of(objects: Iterable<CatalogObject>, version: number): CatalogSnapshot {
    return new CatalogSnapshot(new Map([...objects].map((o) => [o.oid, o])), version);
  }

  private index(object: CatalogObject): void {
    switch (object.kind) {
      case 'namespace':
        this.namespacesByName.set(object.name, object);
        break;
      case 'role':
        this.rolesByName.set(object.name, object);
        break;
      default:
        this.relationsByName.set(relationKey(object.namespace, object.name), object);
    }
  }

  private unindex(object: CatalogObject): void {
    switch (object.kind) {
      case 'namespace':
        this.namespacesByName.delete(object.name);
        break;
      case 'role':
        this.rolesByName.delete(object.name);
        break;
      default:
        this.relationsByName.delete(relationKey(object.namespace, object.name));
    }
  }

  /** A private, mutable copy for a transaction's DDL. */
  edit(): CatalogSnapshot {
    return new CatalogSnapshot(new Map(this.objects), this.version);
  }

  /** The draft as the next committed snapshot. */
  committedAs(version: number): CatalogSnapshot {
    return new CatalogSnapshot(this.objects, version);
  }

  put(object: CatalogObject): void {
    const previous = this.objects.get(object.oid);
    if (previous !== undefined) this.unindex(previous);
    this.objects.set(object.oid, object);
    this.index(object);
  }

  remove(oid: number): void {
    const previous = this.objects.get(oid);
    if (previous === undefined) return;
    this.unindex(previous);
    this.objects.delete(oid);
  }

  get(oid: number): CatalogObject | undefined {
    return this.objects.get(oid);
  }

  all(): IterableIterator<CatalogObject> {
    return this.objects.values();
  }

  namespace(name: string): NamespaceObject | undefined {
    return this.namespacesByName.get(name);
  }

  role(name: string): RoleObject | undefined {
    return this.rolesByName.get(name);
  }

  relationIn(namespace: number, name: string): RelationObject | undefined {
    return this.relationsByName.get(relationKey(namespace, name));
  }

  /** Resolves a possibly schema-qualified name through the search path (pg_catalog first,
   * as PostgreSQL does implicitly). */
  findRelation(schema: string | undefined, name: string, searchPath: readonly string[]): RelationObject | undefined {
    if (schema !== undefined) {
      const ns = this.namespace(schema);
      return ns === undefined ? undefined : this.relationIn(ns.oid, name);
    }
    for (const nsName of ['pg_catalog', ...searchPath]) {
      const ns = this.namespace(nsName);
      const found = ns === undefined ? undefined : this.relationIn(ns.oid, name);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** The table a statement names, or 42P01 (42809 when it is not a table). */
  table(schema: string | undefined, name: string, searchPath: readonly string[]): TableObject {
    const found = this.findRelation(schema, name, searchPath);
    const shown = schema === undefined ? name : `${schema}.${name}`;
    if (found === undefined) throw new EngineError(SqlState.undefinedTable, `relation "${shown}" does not exist`);
    if (found.kind !== 'table') throw new EngineError(SqlState.wrongObjectType, `"${shown}" is not a table`);
    return found;
  }

  /** The namespace new objects go to: the first search-path schema that exists. */
  creationNamespace(schema: string | undefined, searchPath: readonly string[]): NamespaceObject {
    if (schema !== undefined) {
      const ns = this.namespace(schema);
      if (ns === undefined) throw new EngineError(SqlState.invalidSchemaName, `schema "${schema}" does not exist`);
      return ns;
    }
    for (const nsName of searchPath) {
      const ns = this.namespace(nsName);
      if (ns !== undefined && ns.oid !== PG_CATALOG_NAMESPACE) return ns;
    }
    throw new EngineError(SqlState.invalidSchemaName, 'no schema has been selected to create in');
  }

  /** The table owning an index, with the index, by the index's name in a namespace. */
  findIndex(namespace: number | undefined, name: string): { table: TableObject; index: TableObject['indexes'][number] } | undefined {
    for (const object of this.objects.values()) {
      if (object.kind !== 'table' || (namespace !== undefined && object.namespace !== namespace)) continue;
      const index = object.indexes.find((ix) => ix.name === name);
      if (index !== undefined) return { table: object, index };
    }
    return undefined;
  }
}

function relationKey(namespace: number, name: string): string {
  return `${namespace}\u0000${name}`;
}
