/**
 * Comments: pg_description (namespaces, relations, columns, indexes, constraints, operators,
 * built-in objects) and pg_shdescription (roles, the database), and the lookups
 * obj_description, col_description and shobj_description make in them.
 */
import { DATABASE_OID, type TableObject } from '../../catalog/model.ts';
import type { CatalogSnapshot } from '../../catalog/snapshot.ts';
import { systemRelationNamed } from '../catalog-relations.ts';
import type { SystemContext } from '../context.ts';
import { allRelations, namespaces, roles } from '../lookup.ts';
import { BUILTIN_DESCRIPTIONS, CLASS } from '../well-known.ts';
import { operatorDescriptions } from './operators.ts';
import type { RowObject, RowSources } from './rows.ts';

interface Description {
  readonly objoid: number;
  readonly classoid: number;
  readonly objsubid: number;
  readonly description: string;
}

function* descriptions(catalog: CatalogSnapshot): Iterable<Description> {
  const entry = (objoid: number, classoid: number, objsubid: number, description: string): Description => ({ objoid, classoid, objsubid, description });
  for (const ns of namespaces(catalog)) if (ns.comment !== undefined) yield entry(ns.oid, CLASS.pg_namespace, 0, ns.comment);
  for (const [objoid, classoid, text] of BUILTIN_DESCRIPTIONS) yield entry(objoid, classoid, 0, text);
  for (const [objoid, text] of operatorDescriptions()) yield entry(objoid, CLASS.pg_operator, 0, text);
  for (const relation of allRelations(catalog)) {
    switch (relation.kind) {
      case 'table':
        if (relation.table.comment !== undefined) yield entry(relation.oid, CLASS.pg_class, 0, relation.table.comment);
        for (let i = 0; i < relation.table.columns.length; i++) {
          const comment = relation.table.columns[i].comment;
          if (comment !== undefined) yield entry(relation.oid, CLASS.pg_class, i + 1, comment);
        }
        for (const [oid, comment] of constraintComments(relation.table)) yield entry(oid, CLASS.pg_constraint, 0, comment);
        break;
      case 'index':
        if (relation.index.comment !== undefined) yield entry(relation.oid, CLASS.pg_class, 0, relation.index.comment);
        break;
      case 'view':
        if (relation.view.comment !== undefined) yield entry(relation.oid, CLASS.pg_class, 0, relation.view.comment);
        break;
      case 'sequence':
        if (relation.sequence.comment !== undefined) yield entry(relation.oid, CLASS.pg_class, 0, relation.sequence.comment);
        break;
      default:
        break;
    }
  }
}

/** The comments of a table's constraints that still exist (a dropped one's may linger). */
function* constraintComments(table: TableObject): Iterable<[number, string]> {
  const comments = table.constraintComments;
  if (comments === undefined) return;
  const oids = [
    ...table.indexes.map((ix) => ix.constraintOid).filter((oid): oid is number => oid !== null),
    ...table.checks.map((c) => c.oid),
    ...table.foreignKeys.map((fk) => fk.oid),
  ];
  for (const oid of oids) {
    const comment = comments[oid];
    if (comment !== undefined) yield [oid, comment];
  }
}

const DATABASE_COMMENT = 'default administrative connection database';

function* sharedDescriptions(catalog: CatalogSnapshot): Iterable<Omit<Description, 'objsubid'>> {
  yield { objoid: DATABASE_OID, classoid: CLASS.pg_database, description: DATABASE_COMMENT };
  for (const role of roles(catalog)) if (role.comment !== undefined) yield { objoid: role.oid, classoid: CLASS.pg_authid, description: role.comment };
}

/** The OID of a pg_catalog relation named as obj_description's second argument names it. */
function catalogOid(name: string): number | undefined {
  return systemRelationNamed('pg_catalog', name)?.oid;
}

/** obj_description / col_description: `catalog` undefined matches any (the one-argument form). */
export function relationDescription(catalog: CatalogSnapshot, objoid: number, objsubid: number, catalogName: string | undefined): string | undefined {
  const classoid = catalogName === undefined ? undefined : catalogOid(catalogName);
  if (catalogName !== undefined && classoid === undefined) return undefined;
  for (const d of descriptions(catalog)) {
    if (d.objoid === objoid && d.objsubid === objsubid && (classoid === undefined || d.classoid === classoid)) return d.description;
  }
  return undefined;
}

export function sharedDescription(catalog: CatalogSnapshot, objoid: number, catalogName: string): string | undefined {
  const classoid = catalogOid(catalogName);
  for (const d of sharedDescriptions(catalog)) if (d.objoid === objoid && d.classoid === classoid) return d.description;
  return undefined;
}

export const DESCRIPTION_CATALOGS: RowSources = {
  'pg_catalog.pg_description': (ctx: SystemContext): Iterable<RowObject> => descriptions(ctx.catalog) as Iterable<RowObject>,
  'pg_catalog.pg_shdescription': (ctx: SystemContext): Iterable<RowObject> => sharedDescriptions(ctx.catalog) as Iterable<RowObject>,
};
