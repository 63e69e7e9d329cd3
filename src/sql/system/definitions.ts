/**
 * The definitions PostgreSQL's pg_get_*def functions print: CREATE INDEX statements, constraint
 * clauses, view queries and their _RETURN rules, from the SQL catalog's objects.
 */
import type { ForeignKeyObject, IndexObject, ReferentialAction, TableObject, ViewObject } from '../catalog/model.ts';
import type { CatalogSnapshot } from '../catalog/snapshot.ts';
import { printCheck } from './expression/stored.ts';
import { printViewDefinition } from './expression/query.ts';
import type { PrintContext } from './expression/stored.ts';
import { quoteIdent, quoteQualified } from './identifiers.ts';
import { namespaceName, relationByOid, relationDisplayName, type NameContext } from './lookup.ts';

/** pg_get_indexdef(index, column, pretty): the CREATE INDEX statement, or with `column` > 0
 * only that key column. The table is schema-qualified unless `pretty` and visible. */
export function indexDefinition(ctx: NameContext, table: TableObject, index: IndexObject, column = 0, pretty = false): string {
  if (column > 0) {
    const key = index.columns[column - 1];
    return key === undefined ? '' : quoteIdent(table.columns[key.column].name);
  }
  const keys = index.columns.map((key) => {
    let text = quoteIdent(table.columns[key.column].name);
    if (key.descending) text += key.nullsFirst ? ' DESC' : ' DESC NULLS LAST';
    else if (key.nullsFirst) text += ' NULLS FIRST';
    return text;
  });
  const relation = pretty ? relationByOid(ctx.catalog, table.oid) : undefined;
  const tableName = relation !== undefined ? relationDisplayName(ctx, relation) : quoteQualified(namespaceName(ctx.catalog, table.namespace) ?? null, table.name);
  return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(index.name)} ON ${tableName} USING btree (${keys.join(', ')})`;
}

const ACTIONS: Record<ReferentialAction, string> = { a: '', r: ' RESTRICT', c: ' CASCADE', n: ' SET NULL', d: ' SET DEFAULT' };

function columnList(table: TableObject, columns: readonly number[]): string {
  return columns.map((c) => quoteIdent(table.columns[c].name)).join(', ');
}

function foreignKeyDefinition(ctx: NameContext, table: TableObject, key: ForeignKeyObject): string {
  const referenced = relationByOid(ctx.catalog, key.refTable);
  const refTable = referenced?.kind === 'table' ? referenced.table : undefined;
  const refName = referenced === undefined ? String(key.refTable) : relationDisplayName(ctx, referenced);
  const refColumns = refTable === undefined ? '' : columnList(refTable, key.refColumns);
  let text = `FOREIGN KEY (${columnList(table, key.columns)}) REFERENCES ${refName}(${refColumns})`;
  if (key.match === 'f') text += ' MATCH FULL';
  if (key.onUpdate !== 'a') text += ` ON UPDATE${ACTIONS[key.onUpdate]}`;
  if (key.onDelete !== 'a') text += ` ON DELETE${ACTIONS[key.onDelete]}`;
  if (key.deleteSetColumns !== null) text += ` (${columnList(table, key.deleteSetColumns)})`;
  return text;
}

/** A constraint of a table, found by its OID. */
export type ConstraintRef =
  | { readonly kind: 'index'; readonly table: TableObject; readonly index: IndexObject }
  | { readonly kind: 'check'; readonly table: TableObject; readonly check: TableObject['checks'][number] }
  | { readonly kind: 'foreignKey'; readonly table: TableObject; readonly key: ForeignKeyObject };

export function constraintByOid(catalog: CatalogSnapshot, oid: number): ConstraintRef | undefined {
  for (const table of catalog.all()) {
    if (table.kind !== 'table') continue;
    const index = table.indexes.find((ix) => ix.constraintOid === oid && ix.constraint !== null);
    if (index !== undefined) return { kind: 'index', table, index };
    const check = table.checks.find((c) => c.oid === oid);
    if (check !== undefined) return { kind: 'check', table, check };
    const key = table.foreignKeys.find((k) => k.oid === oid);
    if (key !== undefined) return { kind: 'foreignKey', table, key };
  }
  return undefined;
}

/** pg_get_constraintdef(constraint, pretty). */
export function constraintDefinition(ctx: PrintContext, constraint: ConstraintRef, pretty: boolean): string {
  switch (constraint.kind) {
    case 'index': {
      const columns = constraint.index.columns.map((c) => c.column);
      return `${constraint.index.primary ? 'PRIMARY KEY' : 'UNIQUE'} (${columnList(constraint.table, columns)})`;
    }
    case 'check': {
      const expression = printCheck(constraint.table, constraint.check.expr, ctx, pretty);
      return `CHECK (${expression})`;
    }
    case 'foreignKey':
      return foreignKeyDefinition(ctx, constraint.table, constraint.key);
  }
}

/** pg_get_viewdef(view, pretty). */
export function viewDefinition(ctx: PrintContext, view: ViewObject, pretty: boolean): string {
  return printViewDefinition(view, ctx, pretty);
}

/** pg_get_ruledef for a view's _RETURN rule. */
export function viewRuleDefinition(ctx: PrintContext, view: ViewObject, pretty: boolean): string {
  const name = quoteQualified(namespaceName(ctx.catalog, view.namespace) ?? null, view.name);
  return `CREATE RULE "_RETURN" AS\n    ON SELECT TO ${name} DO INSTEAD ${viewDefinition(ctx, view, pretty)}`;
}
