/**
 * COMMENT ON: the catalog object that takes the comment, found as PostgreSQL finds it, with the
 * comment set (NULL or an empty string removes it). Relations, columns and indexes keep theirs
 * for pg_description, constraints theirs in their table (by constraint OID), schemas and roles
 * (pg_shdescription) on themselves.
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import type { CatalogObject, IndexObject, RelationObject, TableObject } from '../catalog/model.ts';
import type { CatalogSnapshot } from '../catalog/snapshot.ts';
import { kindOf, names, unsupported, type Body } from './ast.ts';

type Found = { readonly kind: 'relation'; readonly object: RelationObject } | { readonly kind: 'index'; readonly table: TableObject; readonly index: IndexObject };

const RELATION_KINDS: Readonly<Record<string, { readonly kind: RelationObject['kind'] | 'index'; readonly article: string }>> = {
  OBJECT_TABLE: { kind: 'table', article: 'a table' },
  OBJECT_VIEW: { kind: 'view', article: 'a view' },
  OBJECT_SEQUENCE: { kind: 'sequence', article: 'a sequence' },
  OBJECT_INDEX: { kind: 'index', article: 'an index' },
};

/** The catalog changes of one COMMENT ON statement. */
export function commentChanges(catalog: CatalogSnapshot, searchPath: readonly string[], stmt: Body, position: number | undefined): [number, CatalogObject][] {
  const type = stmt.objtype as string;
  const written = stmt.comment as string | undefined;
  const text = written === '' ? undefined : written;
  const parts = kindOf(stmt.object) === 'List' ? names(stmt.object.List.items) : [stmt.object.String?.sval as string];
  switch (type) {
    case 'OBJECT_SCHEMA': {
      const ns = catalog.namespace(parts[0]);
      if (ns === undefined) throw new EngineError(SqlState.invalidSchemaName, `schema "${parts[0]}" does not exist`);
      return [[ns.oid, { ...ns, comment: text }]];
    }
    case 'OBJECT_ROLE': {
      const role = catalog.role(parts[0]);
      if (role === undefined) throw new EngineError(SqlState.undefinedObject, `role "${parts[0]}" does not exist`);
      return [[role.oid, { ...role, comment: text }]];
    }
    case 'OBJECT_COLUMN': {
      const column = parts[parts.length - 1];
      const table = catalog.table(parts.length > 2 ? parts[0] : undefined, parts[parts.length - 2], searchPath);
      const at = table.columns.findIndex((c) => c.name === column);
      if (at < 0) throw new EngineError(SqlState.undefinedColumn, `column "${column}" of relation "${table.name}" does not exist`);
      return [[table.oid, { ...table, columns: table.columns.map((c, i) => (i === at ? { ...c, comment: text } : c)) }]];
    }
    case 'OBJECT_TABCONSTRAINT':
      return [constraintComment(catalog, searchPath, parts, text)];
    default: {
      const wanted = RELATION_KINDS[type];
      if (wanted === undefined) throw unsupported(`COMMENT ON ${type.replace('OBJECT_', '')}`, position);
      const found = findRelation(catalog, searchPath, parts);
      if (found === undefined) throw new EngineError(SqlState.undefinedTable, `relation "${parts.join('.')}" does not exist`);
      const kind = found.kind === 'index' ? 'index' : found.object.kind;
      if (kind !== wanted.kind) throw new EngineError(SqlState.wrongObjectType, `"${parts[parts.length - 1]}" is not ${wanted.article}`);
      if (found.kind === 'relation') return [[found.object.oid, { ...found.object, comment: text }]];
      const { table, index } = found;
      return [[table.oid, { ...table, indexes: table.indexes.map((ix) => (ix === index ? { ...ix, comment: text } : ix)) }]];
    }
  }
}

/** A relation or index by possibly qualified name: the first schema of the search path
 * (pg_catalog first) holding either, as PostgreSQL's relations and indexes share names. */
function findRelation(catalog: CatalogSnapshot, searchPath: readonly string[], parts: readonly string[]): Found | undefined {
  const name = parts[parts.length - 1];
  const schemas = parts.length > 1 ? [parts[0]] : ['pg_catalog', ...searchPath];
  for (const schema of schemas) {
    const ns = catalog.namespace(schema);
    if (ns === undefined) {
      if (parts.length > 1) throw new EngineError(SqlState.invalidSchemaName, `schema "${schema}" does not exist`);
      continue;
    }
    const object = catalog.relationIn(ns.oid, name);
    if (object !== undefined) return { kind: 'relation', object };
    const index = catalog.findIndex(ns.oid, name);
    if (index !== undefined) return { kind: 'index', ...index };
  }
  return undefined;
}

/** COMMENT ON CONSTRAINT name ON table: the table with the constraint's comment (by its OID). */
function constraintComment(catalog: CatalogSnapshot, searchPath: readonly string[], parts: readonly string[], text: string | undefined): [number, CatalogObject] {
  const name = parts[parts.length - 1];
  const tableParts = parts.slice(0, -1);
  const found = findRelation(catalog, searchPath, tableParts);
  if (found?.kind !== 'relation') throw new EngineError(SqlState.undefinedTable, `relation "${tableParts.join('.')}" does not exist`);
  const object = found.object;
  const oid = object.kind === 'table' ? constraintOid(object, name) : undefined;
  if (object.kind !== 'table' || oid === undefined) {
    throw new EngineError(SqlState.undefinedObject, `constraint "${name}" for table "${object.name}" does not exist`);
  }
  const comments = { ...object.constraintComments };
  if (text === undefined) delete comments[oid];
  else comments[oid] = text;
  return [object.oid, { ...object, constraintComments: comments }];
}

function constraintOid(table: TableObject, name: string): number | undefined {
  const index = table.indexes.find((ix) => ix.constraint === name);
  if (index !== undefined) return index.constraintOid ?? undefined;
  return table.checks.find((c) => c.name === name)?.oid ?? table.foreignKeys.find((fk) => fk.name === name)?.oid;
}
