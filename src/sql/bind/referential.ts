/**
 * What a write must do for FOREIGN KEYs, as the graph the shard works off at the end of the
 * statement (ReferentialNode in src/sql/plan/ir.ts). Starting from the written table and
 * what the statement does to its rows (insert, delete, update of some columns), each foreign
 * key referencing a table whose rows are deleted or re-keyed acts on its referencing table:
 * CASCADE deletes or updates rows there, SET NULL / SET DEFAULT update them, NO ACTION and
 * RESTRICT only look. Those deletes and updates act further in turn, so the tables reached
 * are collected to a fixed point; a table is one node however often it is reached, and the
 * edges may form cycles (a self-referencing ON DELETE CASCADE is an edge from a node to
 * itself).
 *
 * Lookups are plans: a filter of equalities over a scan, which the planner turns into an
 * index scan when an index leads with the key's columns (a child without an index on its
 * referencing columns is scanned, as PostgreSQL does).
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import type { ForeignKeyObject, TableObject } from '../catalog/model.ts';
import type { CatalogSnapshot } from '../catalog/snapshot.ts';
import type { Check, Expr, ForeignKeyAction, ForeignKeyCheck, ReferentialNode, ReferentialRule, Rel, TableRef } from '../plan/ir.ts';
import { BOOL } from '../types/sql-type.ts';
import { identicalType } from './common-type.ts';
import type { FunctionResolver } from './context.ts';
import { tableRef } from './query.ts';

/** What the graph needs from the binder of the statement. */
export interface ReferentialBinding {
  readonly catalog: CatalogSnapshot;
  readonly functions: FunctionResolver;
  /** A column's default, as a value of its stored type over no row. */
  defaultValue(table: TableObject, column: number): Expr;
  /** The table's CHECK constraints over its stored row. */
  checks(table: TableObject): Check[];
}

/** What a write does to a table's rows: inserts, deletes, updates of `updated` columns. */
export interface RowWrites {
  readonly inserts: boolean;
  readonly deletes: boolean;
  readonly updated: ReadonlySet<number>;
}

const RULES: Record<ForeignKeyObject['onDelete'], ReferentialRule> = { a: 'noAction', r: 'restrict', c: 'cascade', n: 'setNull', d: 'setDefault' };

/** The foreign key work of a write to `table`, or [] when it has none. */
export function referentialGraph(b: ReferentialBinding, table: TableObject, writes: RowWrites): ReferentialNode[] {
  const referencing = referencingKeys(b.catalog);
  if (table.foreignKeys.length === 0 && !referencing.has(table.oid)) return [];
  const reached = new Map<number, { table: TableObject; inserts: boolean; deletes: boolean; updated: Set<number> }>();
  const order: number[] = [];
  const pending: number[] = [];
  const reach = (target: TableObject, more: RowWrites): void => {
    let entry = reached.get(target.oid);
    if (entry === undefined) {
      entry = { table: target, inserts: false, deletes: false, updated: new Set() };
      reached.set(target.oid, entry);
      order.push(target.oid);
      pending.push(target.oid);
    }
    const grows = (more.inserts && !entry.inserts) || (more.deletes && !entry.deletes) || [...more.updated].some((c) => !entry.updated.has(c));
    if (!grows) return;
    entry.inserts ||= more.inserts;
    entry.deletes ||= more.deletes;
    for (const column of more.updated) entry.updated.add(column);
    if (!pending.includes(target.oid)) pending.push(target.oid);
  };
  reach(table, writes);
  while (pending.length > 0) {
    const entry = reached.get(pending.shift() as number)!;
    for (const { child, key } of referencing.get(entry.table.oid) ?? []) {
      const rekeyed = key.refColumns.some((c) => entry.updated.has(c));
      if (!entry.deletes && !rekeyed) continue;
      const updated = new Set<number>();
      let deletes = false;
      if (entry.deletes) {
        if (key.onDelete === 'c') deletes = true;
        if (key.onDelete === 'n' || key.onDelete === 'd') for (const c of key.deleteSetColumns ?? key.columns) updated.add(c);
      }
      if (rekeyed && (key.onUpdate === 'c' || key.onUpdate === 'n' || key.onUpdate === 'd')) for (const c of key.columns) updated.add(c);
      reach(child, { inserts: false, deletes, updated });
    }
  }
  const index = new Map(order.map((oid, i) => [oid, i]));
  const graph = order.map((oid, i): ReferentialNode => {
    const entry = reached.get(oid)!;
    const own = entry.table;
    const keys = own.foreignKeys
      .filter((key) => entry.inserts || key.columns.some((c) => entry.updated.has(c)))
      .map((key) => foreignKeyCheck(b.functions, b.catalog, own, key));
    const referencedBy = (referencing.get(oid) ?? [])
      .filter(({ key }) => entry.deletes || key.refColumns.some((c) => entry.updated.has(c)))
      .map(({ child, key }) => foreignKeyAction(b, own, child, key, index.get(child.oid) as number));
    // Rows an action updates are checked, those of the statement's own table too (self-references).
    const checks = entry.updated.size > 0 ? b.checks(own) : [];
    return { table: tableRef(own), name: own.name, columnNames: own.columns.map((c) => c.name), checks, keys, referencedBy };
  });
  return graph.some((node) => node.keys.length > 0 || node.referencedBy.length > 0) ? graph : [];
}

/** Every foreign key, with the table holding it, by the table it references. */
export function referencingKeys(catalog: CatalogSnapshot): Map<number, { child: TableObject; key: ForeignKeyObject }[]> {
  const out = new Map<number, { child: TableObject; key: ForeignKeyObject }[]>();
  for (const object of catalog.all()) {
    if (object.kind !== 'table') continue;
    for (const key of object.foreignKeys) {
      const list = out.get(key.refTable) ?? [];
      list.push({ child: object, key });
      out.set(key.refTable, list);
    }
  }
  return out;
}

function tableOf(catalog: CatalogSnapshot, oid: number): TableObject {
  const object = catalog.get(oid);
  if (object?.kind !== 'table') throw new EngineError(SqlState.internalError, `foreign key references table ${oid}, which does not exist`);
  return object;
}

/** `left = right` as the binder resolves it, each side cast to the operator's argument type. */
function equality(functions: FunctionResolver, left: Expr, right: Expr): Expr {
  const resolved = functions.operator('=', left.type, right.type);
  const [l, r] = [left, right].map((arg, i): Expr => {
    const type = resolved.argTypes[i];
    return identicalType(arg.type, type) ? arg : { op: 'cast', type, context: 'implicit', arg };
  });
  return { op: 'call', type: BOOL, kind: 'operator', name: '=', argTypes: resolved.argTypes, args: [l, r] };
}

/** The rows of `table` whose `columns` equal the `outerColumns` of the row probed for (outer depth 1). */
function probe(functions: FunctionResolver, table: TableRef, columns: readonly number[], outer: TableRef, outerColumns: readonly number[]): Rel {
  const parts = columns.map((column, i) => equality(
    functions,
    { op: 'column', type: table.columns[column].type, index: column },
    { op: 'outer', type: outer.columns[outerColumns[i]].type, depth: 1, index: outerColumns[i] },
  ));
  return { rel: 'filter', input: { rel: 'scan', table }, predicate: parts.length === 1 ? parts[0] : { op: 'and', type: BOOL, args: parts } };
}

/** The check a row of `child` must pass for `key`. */
export function foreignKeyCheck(functions: FunctionResolver, catalog: CatalogSnapshot, child: TableObject, key: ForeignKeyObject): ForeignKeyCheck {
  // A self-reference reads the table as the statement knows it (ALTER TABLE may be changing it).
  const parent = key.refTable === child.oid ? child : tableOf(catalog, key.refTable);
  const parentRef = tableRef(parent);
  return {
    name: key.name, columns: key.columns, matchFull: key.match === 'f', parent: parentRef, parentName: parent.name, parentColumns: key.refColumns,
    probe: probe(functions, parentRef, key.refColumns, tableRef(child), key.columns),
  };
}

/** What deleting or re-keying a row of `parent` does through `key` of `child` (node `at`). */
function foreignKeyAction(b: ReferentialBinding, parent: TableObject, child: TableObject, key: ForeignKeyObject, at: number): ForeignKeyAction {
  const parentRef = tableRef(parent);
  const childRef = tableRef(child);
  const onDelete = RULES[key.onDelete];
  const onUpdate = RULES[key.onUpdate];
  const childRow = childRef.columns.map((c, index): Expr => ({ op: 'column', type: c.type, index }));
  const width = childRow.length;
  /** The child's row with `columns` set by `value`. */
  const withColumns = (columns: readonly number[], value: (column: number, i: number) => Expr): Expr[] =>
    childRow.map((e, column) => {
      const position = columns.indexOf(column);
      return position < 0 ? e : value(column, position);
    });
  const cleared = (rule: ReferentialRule, columns: readonly number[]): Expr[] =>
    withColumns(columns, (column) => (rule === 'setNull' ? { op: 'const', type: childRef.columns[column].type, value: null } : b.defaultValue(child, column)));
  const deleteSet = onDelete === 'setNull' || onDelete === 'setDefault' ? cleared(onDelete, key.deleteSetColumns ?? key.columns) : null;
  let updateSet: Expr[] | null = null;
  if (onUpdate === 'cascade') {
    updateSet = withColumns(key.columns, (column, i) => {
      const from: Expr = { op: 'column', type: parentRef.columns[key.refColumns[i]].type, index: width + key.refColumns[i] };
      const type = childRef.columns[column].type;
      return identicalType(from.type, type) ? from : { op: 'cast', type, context: 'assignment', arg: from };
    });
  } else if (onUpdate === 'setNull' || onUpdate === 'setDefault') {
    updateSet = cleared(onUpdate, key.columns);
  }
  return {
    name: key.name, child: at, columns: key.refColumns, childColumns: key.columns, onDelete, onUpdate,
    probe: probe(b.functions, childRef, key.columns, parentRef, key.refColumns),
    replacement: [onDelete, onUpdate].some((rule) => rule === 'noAction' || rule === 'setDefault') ? probe(b.functions, parentRef, key.refColumns, parentRef, key.refColumns) : null,
    deleteSet, updateSet,
  };
}
