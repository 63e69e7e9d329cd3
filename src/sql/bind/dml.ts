/**
 * Binding INSERT, UPDATE and DELETE into write plans. Rows are built in the table's stored
 * column order: INSERT fills unnamed columns with their defaults and casts every value with
 * assignment rules; UPDATE's new row keeps unchanged columns; RETURNING reads the stored row.
 * The hidden row id of a table without a primary key is the executor's to fill (INSERT's
 * input rows stop before it).
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import type { TableObject } from '../catalog/model.ts';
import type { Check, DeleteRel, Expr, InsertRel, OnConflict, OutputColumn, Rel, UpdateRel } from '../plan/ir.ts';
import { kindOf, list, positionOf, unsupported, type Body, type Node } from './ast.ts';
import { outputName, sqlColumnName, tableRef, type QueryBinder, type ResultColumnInfo } from './query.ts';
import { engineIndexName } from '../catalog/physical.ts';
import { referentialGraph, type ReferentialBinding, type RowWrites } from './referential.ts';
import { Scope } from './scope.ts';

export interface BoundWrite {
  readonly plan: InsertRel | UpdateRel | DeleteRel;
  readonly table: TableObject;
  readonly columns: readonly ResultColumnInfo[] | null;
}

export class DmlBinder {
  constructor(private readonly q: QueryBinder) {}

  private get exprs() {
    return this.q.exprs;
  }

  private position(body: Body | undefined): number | undefined {
    return positionOf(body, this.q.options.offset);
  }

  private target(relation: Body): TableObject {
    const { catalog, searchPath } = this.q.options;
    try {
      return catalog.table(relation.schemaname as string | undefined, relation.relname as string, searchPath);
    } catch (error) {
      if (error instanceof EngineError) throw new EngineError(error.code, error.message, { position: this.position(relation) });
      throw error;
    }
  }

  /** A scope naming the table's stored columns at positions from `base`. */
  private tableScope(table: TableObject, alias: string, base: number, parent: Scope | null = null): Scope {
    const scope = new Scope(parent);
    this.addTable(scope, table, alias, base);
    return scope;
  }

  private addTable(scope: Scope, table: TableObject, alias: string, base: number): void {
    const ref = tableRef(table);
    scope.add({
      alias,
      columns: ref.columns.map((c, i) => ({ name: sqlColumnName(table, i), type: c.type, index: base + i, hidden: i >= table.columns.length, source: i < table.columns.length ? { tableOid: table.oid, attnum: i + 1 } : undefined })),
    });
  }

  private returning(stmt: Body, table: TableObject, alias: string): { exprs: Expr[] | null; columns: ResultColumnInfo[] | null } {
    const targets = list(stmt.returningClause?.exprs ?? stmt.returningList);
    if (targets.length === 0) return { exprs: null, columns: null };
    const scope = this.tableScope(table, alias, 0);
    const exprs: Expr[] = [];
    const columns: ResultColumnInfo[] = [];
    for (const t of targets) {
      const res = t.ResTarget as Body;
      const val = res.val as Node;
      if (kindOf(val) === 'ColumnRef' && list(val.ColumnRef.fields).some((f) => kindOf(f) === 'A_Star')) {
        for (const c of scope.allColumns()) {
          exprs.push({ op: 'column', type: c.type, index: c.index });
          columns.push({ name: c.name, type: c.type, source: c.source });
        }
        continue;
      }
      let e = this.exprs.bind(val, scope);
      if (e.type.kind === 'unknown') e = this.exprs.coerce(e, { kind: 'text' }, 'implicit');
      exprs.push(e);
      columns.push({ name: (res.name as string | undefined) ?? outputName(val), type: e.type });
    }
    return { exprs, columns };
  }

  private checks(table: TableObject, alias: string): Check[] {
    if (table.checks.length === 0) return [];
    const scope = this.tableScope(table, alias, 0);
    return table.checks.map((c) => ({ name: c.name, expr: this.exprs.bindCondition(this.defaultExpression(c.expr), scope, 'CHECK') }));
  }

  /** The foreign key work of a write to `table` (see referential.ts). */
  private foreignKeys(table: TableObject, writes: RowWrites) {
    const binding: ReferentialBinding = {
      catalog: this.q.options.catalog,
      functions: this.q.options.functions,
      defaultValue: (target, column) => this.defaultValue(target, column),
      checks: (target) => this.checks(target, target.name),
    };
    return referentialGraph(binding, table, writes);
  }

  /** Parses a stored expression (a default or a CHECK) into a parse node. */
  defaultExpression(sql: string): Node {
    const select = this.q.env.parseQuery(`SELECT ${sql}`);
    return list(select.targetList)[0].ResTarget.val as Node;
  }

  /** A column's default as an expression of its type (NULL when it has none). */
  defaultValue(table: TableObject, column: number): Expr {
    const c = table.columns[column];
    const type = tableRef(table).columns[column].type;
    if (c.default === null) return { op: 'const', type, value: null };
    const expr = this.exprs.bind(this.defaultExpression(c.default), new Scope(null));
    return this.exprs.coerce(expr, type, 'assignment', `column "${c.name}"`);
  }

  // ---- INSERT --------------------------------------------------------------------------------

  bindInsert(stmt: Body): BoundWrite {
    const table = this.target(stmt.relation);
    const alias = (stmt.relation.alias?.aliasname as string | undefined) ?? table.name;
    const stored = tableRef(table).columns;
    const visible = table.columns.length;
    const named = list(stmt.cols).map((c) => {
      const res = c.ResTarget as Body;
      const at = table.columns.findIndex((col) => col.name === res.name);
      if (at < 0) throw new EngineError(SqlState.undefinedColumn, `column "${res.name as string}" of relation "${table.name}" does not exist`, { position: this.position(res) });
      if (list(res.indirection).length > 0) throw unsupported('INSERT into array elements or fields', this.position(res));
      return at;
    });
    // Without a column list, fewer expressions than columns fill the leading columns (and the
    // rest get their defaults), as PostgreSQL does.
    let targets = named.length > 0 ? named : table.columns.map((_, i) => i);
    const leading = (width: number): void => {
      if (named.length === 0 && width < targets.length) targets = targets.slice(0, width);
    };
    if (new Set(targets).size !== targets.length) throw new EngineError(SqlState.duplicateColumn, 'column specified more than once', { position: this.position(stmt) });
    const overriding = stmt.override as string | undefined;
    const select = stmt.selectStmt?.SelectStmt as Body | undefined;
    let input: Rel;
    const assign = (value: Expr | 'default', column: number, position?: number): Expr => {
      const c = table.columns[column];
      if (value === 'default') return this.defaultValue(table, column);
      if (c.identity === 'a' && overriding !== 'OVERRIDING_SYSTEM_VALUE') {
        throw new EngineError(SqlState.generatedAlways, `cannot insert a non-DEFAULT value into column "${c.name}"`, { detail: `Column "${c.name}" is an identity column defined as GENERATED ALWAYS.`, hint: 'Use OVERRIDING SYSTEM VALUE to override.', position });
      }
      return this.exprs.coerce(value, stored[column].type, 'assignment', `column "${c.name}"`, position);
    };
    const fullRow = (values: readonly (Expr | 'default')[]): Expr[] =>
      Array.from({ length: visible }, (_, column) => {
        const at = targets.indexOf(column);
        return at < 0 ? this.defaultValue(table, column) : assign(values[at], column);
      });
    const columns: OutputColumn[] = stored.slice(0, visible).map((c, i) => ({ name: table.columns[i].name, type: c.type }));
    if (select === undefined) {
      input = { rel: 'values', columns, rows: [fullRow([])] };
    } else if (select.valuesLists !== undefined && select.op === 'SETOP_NONE' && select.sortClause === undefined && select.limitCount === undefined && select.withClause === undefined) {
      const scope = new Scope(null);
      const lists = list(select.valuesLists);
      const width = list(lists[0].List.items).length;
      for (const l of lists) {
        if (list(l.List.items).length !== width) throw new EngineError(SqlState.syntaxError, 'VALUES lists must all be the same length', { position: this.position(l.List.items[0]?.A_Const ?? select) });
      }
      leading(width);
      const rows = lists.map((l) => {
        const items = list(l.List.items);
        if (items.length > targets.length) throw new EngineError(SqlState.syntaxError, 'INSERT has more expressions than target columns', { position: this.position(l.List.items[targets.length]?.A_Const ?? select) });
        if (items.length < targets.length) throw new EngineError(SqlState.syntaxError, 'INSERT has more target columns than expressions', { position: this.position(stmt.cols?.[items.length]?.ResTarget ?? select) });
        return fullRow(items.map((n: Node) => (kindOf(n) === 'SetToDefault' ? 'default' : this.exprs.bind(n, scope))));
      });
      input = { rel: 'values', columns, rows };
    } else {
      const query = this.q.bindSelect(select, null);
      leading(query.columns.length);
      if (query.columns.length > targets.length) throw new EngineError(SqlState.syntaxError, 'INSERT has more expressions than target columns', { position: this.position(select) });
      if (query.columns.length < targets.length) throw new EngineError(SqlState.syntaxError, 'INSERT has more target columns than expressions', { position: this.position(select) });
      const exprs = Array.from({ length: visible }, (_, column) => {
        const at = targets.indexOf(column);
        return at < 0 ? this.defaultValue(table, column) : assign({ op: 'column', type: query.columns[at].type, index: at }, column);
      });
      input = { rel: 'project', input: query.plan, columns, exprs };
    }
    const onConflict = stmt.onConflictClause === undefined ? null : this.onConflict(stmt.onConflictClause, table, alias);
    const ret = this.returning(stmt, table, alias);
    const plan: InsertRel = {
      rel: 'insert',
      table: tableRef(table),
      input,
      onConflict,
      returning: ret.exprs,
      columns: ret.columns?.map(({ name, type }) => ({ name, type })) ?? [],
      checks: this.checks(table, alias),
      // DO UPDATE may change any column of the conflicting row.
      foreignKeys: this.foreignKeys(table, { inserts: true, deletes: false, updated: new Set(onConflict?.action === 'update' ? table.columns.map((_, i) => i) : []) }),
    };
    return { plan, table, columns: ret.columns };
  }

  private onConflict(clause: Body, table: TableObject, alias: string): OnConflict {
    const position = this.position(clause);
    const infer = clause.infer as Body | undefined;
    let index: string | null = null;
    if (infer?.conname !== undefined) {
      const found = table.indexes.find((ix) => ix.constraint === infer.conname);
      if (found === undefined) throw new EngineError(SqlState.undefinedObject, `constraint "${infer.conname as string}" for table "${table.name}" does not exist`, { position });
      index = found.storageKey ? null : engineIndexName(found.oid);
    } else if (infer !== undefined) {
      const cols = list(infer.indexElems).map((e) => table.columns.findIndex((c) => c.name === e.IndexElem.name));
      const found = table.indexes.find((ix) => ix.unique && ix.columns.length === cols.length && ix.columns.every((c) => cols.includes(c.column)));
      if (found === undefined) throw new EngineError(SqlState.invalidColumnReference, 'there is no unique or exclusion constraint matching the ON CONFLICT specification', { position });
      index = found.storageKey ? null : engineIndexName(found.oid);
    } else if (clause.action === 'ONCONFLICT_UPDATE') {
      throw new EngineError(SqlState.syntaxError, 'ON CONFLICT DO UPDATE requires inference specification or constraint name', { position, hint: 'For example, ON CONFLICT (column_name).' });
    } else {
      const key = table.indexes.find((ix) => ix.storageKey);
      const unique = table.indexes.find((ix) => ix.unique);
      index = key === undefined && unique !== undefined ? engineIndexName(unique.oid) : null;
    }
    if (clause.action !== 'ONCONFLICT_UPDATE') return { index, action: 'nothing', set: null, where: null };
    const width = tableRef(table).columns.length;
    const scope = this.tableScope(table, alias, 0);
    this.addTable(scope, table, 'excluded', width);
    const set = this.setList(list(clause.targetList), table, scope);
    const where = clause.whereClause === undefined ? null : this.exprs.bindCondition(clause.whereClause, scope, 'WHERE');
    return { index, action: 'update', set, where };
  }

  /** The full new stored row for SET assignments, over a row whose first columns are the
   * current stored row. */
  private setList(targets: readonly Node[], table: TableObject, scope: Scope): Expr[] {
    const stored = tableRef(table).columns;
    const row: Expr[] = stored.map((c, index) => ({ op: 'column', type: c.type, index }));
    const assigned = new Set<number>();
    for (const t of targets) {
      const res = t.ResTarget as Body;
      const position = this.position(res);
      if (list(res.indirection).length > 0) throw unsupported('UPDATE of array elements or fields', position);
      const val = res.val as Node;
      if (kindOf(val) === 'MultiAssignRef') throw unsupported('UPDATE SET (a, b) = …', position);
      const at = table.columns.findIndex((c) => c.name === res.name);
      if (at < 0) throw new EngineError(SqlState.undefinedColumn, `column "${res.name as string}" of relation "${table.name}" does not exist`, { position });
      if (assigned.has(at)) throw new EngineError(SqlState.syntaxError, `multiple assignments to same column "${res.name as string}"`, { position });
      assigned.add(at);
      if (table.partitionKey?.includes(at)) {
        throw new EngineError(SqlState.featureNotSupported, `cannot update partition key column "${res.name as string}" of table "${table.name}"`, {
          position, hint: 'Delete the row and insert it with the new key instead.',
        });
      }
      const c = table.columns[at];
      if (c.identity === 'a' && kindOf(val) !== 'SetToDefault') {
        throw new EngineError(SqlState.generatedAlways, `column "${c.name}" can only be updated to DEFAULT`, { detail: `Column "${c.name}" is an identity column defined as GENERATED ALWAYS.`, position });
      }
      row[at] = kindOf(val) === 'SetToDefault' ? this.defaultValue(table, at) : this.exprs.coerce(this.exprs.bind(val, scope), stored[at].type, 'assignment', `column "${c.name}"`, position);
    }
    return row;
  }

  // ---- UPDATE / DELETE ---------------------------------------------------------------------

  private targetInput(stmt: Body, table: TableObject, alias: string, usingList: readonly Node[]): { input: Rel; scope: Scope; recheck: Expr | null } {
    const ref = tableRef(table);
    const scope = this.tableScope(table, alias, 0);
    let input: Rel = { rel: 'scan', table: ref };
    const width = ref.columns.length;
    if (usingList.length > 0) {
      const from = this.q.bindFrom(usingList, null);
      for (const item of from.scope.items) scope.add({ ...item, columns: item.columns.map((c) => ({ ...c, index: c.index + width })) });
      if (from.plan !== null) input = { rel: 'join', kind: 'inner', left: input, right: from.plan, condition: null, equiKeys: [], lateral: false };
    }
    let recheck: Expr | null = null;
    if (stmt.whereClause !== undefined) {
      if (stmt.whereClause.CurrentOfExpr !== undefined) throw unsupported('WHERE CURRENT OF', this.position(stmt));
      const predicate = this.exprs.bindCondition(stmt.whereClause, scope, 'WHERE');
      input = { rel: 'filter', input, predicate };
      if (usingList.length === 0) recheck = predicate;
    }
    return { input, scope, recheck };
  }

  bindUpdate(stmt: Body): BoundWrite {
    const table = this.target(stmt.relation);
    const alias = (stmt.relation.alias?.aliasname as string | undefined) ?? table.name;
    const { input, scope, recheck } = this.targetInput(stmt, table, alias, list(stmt.fromClause));
    const targets = list(stmt.targetList);
    const set = this.setList(targets, table, scope);
    const ret = this.returning(stmt, table, alias);
    const updated = new Set(targets.map((t) => table.columns.findIndex((c) => c.name === t.ResTarget.name)));
    const plan: UpdateRel = {
      rel: 'update',
      table: tableRef(table),
      input,
      set,
      recheck,
      returning: ret.exprs,
      columns: ret.columns?.map(({ name, type }) => ({ name, type })) ?? [],
      checks: this.checks(table, alias),
      foreignKeys: this.foreignKeys(table, { inserts: false, deletes: false, updated }),
    };
    return { plan, table, columns: ret.columns };
  }

  bindDelete(stmt: Body): BoundWrite {
    const table = this.target(stmt.relation);
    const alias = (stmt.relation.alias?.aliasname as string | undefined) ?? table.name;
    const { input, recheck } = this.targetInput(stmt, table, alias, list(stmt.usingClause));
    const ret = this.returning(stmt, table, alias);
    const plan: DeleteRel = {
      rel: 'delete', table: tableRef(table), input, recheck, returning: ret.exprs, columns: ret.columns?.map(({ name, type }) => ({ name, type })) ?? [],
      foreignKeys: this.foreignKeys(table, { inserts: false, deletes: true, updated: new Set() }),
    };
    return { plan, table, columns: ret.columns };
  }
}
