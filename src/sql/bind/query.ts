/**
 * Binding queries (SELECT, VALUES, set operations, WITH) into relational plans.
 *
 * A SELECT becomes, bottom-up: the FROM tree (joins of tables, subqueries, functions, CTE
 * references; its row is the concatenation of the items' columns), WHERE as a filter, GROUP BY
 * and aggregates as an aggregate node (row: keys, then aggregates), HAVING as a filter, window
 * nodes, the projection of the target list (plus ORDER BY expressions that are not in it),
 * DISTINCT, sort, LIMIT, and a final projection that drops the extra sort columns.
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import type { AggregateCall, Expr, OutputColumn, Rel, SetCall, SortKey, WindowCall } from '../plan/ir.ts';
import { columnsOf } from '../plan/ir.ts';
import { HIDDEN_ROW_ID, hasHiddenRowId, type TableObject, type ViewObject } from '../catalog/model.ts';
import { layoutVersion, physicalTable } from '../catalog/physical.ts';
import { parseType } from '../../engine/types.ts';
import { BOOL, INT4, INT8, TEXT, type SqlType } from '../types/sql-type.ts';
import { bodyOf, constantOf, kindOf, list, names, positionOf, unsupported, type Body, type Node } from './ast.ts';
import { commonType } from './common-type.ts';
import type { BindOptions, CteBinding } from './context.ts';
import { AGGREGATE_MARK, ExprBinder, GROUPING_MARK, PLAIN, SET_CALL_MARK, WINDOW_MARK, type ExprPlace, type SubqueryBinder, type WindowDefinition } from './expr.ts';
import { projectSets } from './set-calls.ts';
import { Scope, type ScopeColumn } from './scope.ts';
import { exprKey, mapChildren, someExpr } from './walk.ts';

export interface ResultColumnInfo extends OutputColumn {
  readonly source?: { readonly tableOid: number; readonly attnum: number };
}

export interface BoundQuery {
  readonly plan: Rel;
  readonly columns: readonly ResultColumnInfo[];
}

/** What the binder needs beyond BindOptions: system relations and view parsing. */
export interface QueryEnvironment {
  systemRelation(schema: string | undefined, name: string): { schema: string; columns: readonly OutputColumn[] } | undefined;
  parseQuery(sql: string): Body;
}

type CteEnv = ReadonlyMap<string, CteBinding>;
type JoinKind = 'inner' | 'left' | 'right' | 'full';

export class QueryBinder implements SubqueryBinder {
  readonly exprs: ExprBinder;
  /** Every materialized CTE of the statement, in dependency order. */
  readonly ctes: { id: number; plan: Rel }[] = [];
  private nextCteId = 1;
  private cteStack: CteEnv[] = [];

  constructor(
    readonly options: BindOptions,
    readonly env: QueryEnvironment,
  ) {
    this.exprs = new ExprBinder(options, this);
  }

  private position(body: Body | undefined): number | undefined {
    return positionOf(body, this.options.offset);
  }

  /** The statement root: the query with its CTEs attached. */
  bindRoot(select: Body): BoundQuery {
    const query = this.bindSelect(select, null);
    return { plan: this.withCtes(query.plan), columns: query.columns };
  }

  withCtes(plan: Rel): Rel {
    return this.ctes.length === 0 ? plan : { rel: 'result', ctes: this.ctes, input: plan };
  }

  bindSubquery(select: Body, scope: Scope): { plan: Rel; columns: readonly OutputColumn[]; correlated: boolean } {
    const saved = this.exprs.correlated;
    this.exprs.correlated = false;
    const q = this.bindSelect(select, scope);
    const correlated = this.exprs.correlated;
    this.exprs.correlated = saved || correlated;
    return { plan: q.plan, columns: q.columns, correlated };
  }

  // ---- SELECT ------------------------------------------------------------------------------

  /**
   * `setOperand`: the query is an operand of a set operation, whose unknown-typed literal
   * columns stay unknown until the set operation picks their type (PostgreSQL's
   * transformSetOperationTree); everywhere else they become text.
   */
  bindSelect(stmt: Body, outer: Scope | null, setOperand = false): BoundQuery {
    const pushed = stmt.withClause !== undefined;
    if (pushed) this.cteStack.push(this.bindWith(stmt.withClause, outer));
    try {
      if (stmt.op !== undefined && stmt.op !== 'SETOP_NONE') return this.bindSetOp(stmt, outer);
      if (stmt.valuesLists !== undefined) return this.finishQuery(this.bindValues(stmt, outer), stmt, outer);
      return this.bindSimpleSelect(stmt, outer, setOperand);
    } finally {
      if (pushed) this.cteStack.pop();
    }
  }

  private bindValues(stmt: Body, outer: Scope | null): BoundQuery {
    const scope = new Scope(outer);
    const place: ExprPlace = { ...PLAIN, clause: 'VALUES' };
    const rows = list(stmt.valuesLists).map((l) => list(l.List.items).map((n: Node) => this.exprs.bind(n, scope, place)));
    const width = rows[0].length;
    if (rows.some((r) => r.length !== width)) {
      throw new EngineError(SqlState.syntaxError, 'VALUES lists must all be the same length', { position: this.position(stmt) });
    }
    const types = Array.from({ length: width }, (_, c) => commonType(rows.map((r) => r[c].type), 'VALUES'));
    const columns = types.map((type, i) => ({ name: `column${i + 1}`, type }));
    return { plan: { rel: 'values', columns, rows: rows.map((r) => r.map((e, c) => this.exprs.coerce(e, types[c], 'implicit'))) }, columns };
  }

  /** ORDER BY / LIMIT on a VALUES or set-operation result, by output position or name. */
  private finishQuery(query: BoundQuery, stmt: Body, outer: Scope | null): BoundQuery {
    let plan = query.plan;
    const sort = list(stmt.sortClause);
    if (sort.length > 0) {
      const scope = new Scope(outer);
      scope.add({ alias: '', columns: query.columns.map((c, index) => ({ name: c.name, type: c.type, index })) });
      const keys = sort.map((s) => {
        const sortBy = s.SortBy;
        const byPosition = this.outputPosition(sortBy.node, query.columns.length);
        const expr: Expr = byPosition === undefined ? this.exprs.bind(sortBy.node, scope) : { op: 'column', type: query.columns[byPosition].type, index: byPosition };
        return this.exprs.sortKeyOf(expr, sortBy);
      });
      plan = { rel: 'sort', input: plan, keys };
    }
    plan = this.limit(plan, stmt, outer);
    return { plan, columns: query.columns };
  }

  private outputPosition(node: Node, width: number): number | undefined {
    if (kindOf(node) !== 'A_Const') return undefined;
    const c = constantOf(node.A_Const);
    if (c.kind !== 'int') return undefined;
    const n = c.value as number;
    if (n < 1 || n > width) throw new EngineError(SqlState.invalidColumnReference, `ORDER BY position ${n} is not in select list`, { position: this.position(node.A_Const) });
    return n - 1;
  }

  private limit(plan: Rel, stmt: Body, outer: Scope | null): Rel {
    if (stmt.limitCount === undefined && stmt.limitOffset === undefined) return plan;
    if (stmt.limitOption === 'LIMIT_OPTION_WITH_TIES') throw unsupported('FETCH … WITH TIES', this.position(stmt));
    const scope = new Scope(outer);
    const bound = (node: Node | undefined): Expr | null => {
      if (node === undefined) return null;
      const e = this.exprs.bind(node, scope);
      if (e.op === 'const' && e.value === null) return null;
      return this.exprs.coerce(e, INT8, 'implicit', 'argument of LIMIT');
    };
    return { rel: 'limit', input: plan, limit: bound(stmt.limitCount), offset: bound(stmt.limitOffset) };
  }

  private bindSetOp(stmt: Body, outer: Scope | null): BoundQuery {
    const left = this.bindSelect(stmt.larg, outer, true);
    const right = this.bindSelect(stmt.rarg, outer, true);
    const kind = stmt.op === 'SETOP_UNION' ? 'union' : stmt.op === 'SETOP_INTERSECT' ? 'intersect' : 'except';
    if (left.columns.length !== right.columns.length) {
      throw new EngineError(SqlState.syntaxError, `each ${kind.toUpperCase()} query must have the same number of columns`, { position: this.position(stmt.rarg) });
    }
    const types = left.columns.map((c, i) => commonType([c.type, right.columns[i].type], kind.toUpperCase()));
    const columns = left.columns.map((c, i) => ({ name: c.name, type: types[i] }));
    const plan: Rel = {
      rel: 'setop',
      kind,
      all: stmt.all === true,
      left: this.castColumns(left, types),
      right: this.castColumns(right, types),
      columns,
    };
    return this.finishQuery({ plan, columns }, stmt, outer);
  }

  /** The query's rows with each column cast to `types` (a projection only when needed). */
  castColumns(query: BoundQuery, types: readonly SqlType[]): Rel {
    const unknown = query.columns.map((c, i) => (c.type.kind === 'unknown' ? types[i] : undefined));
    const input = unknown.some((t) => t !== undefined) ? this.typeLiteralColumns(query.plan, unknown) : query.plan;
    const columns = columnsOf(input);
    const exprs = columns.map((c, index) => this.exprs.coerce({ op: 'column', type: c.type, index }, types[index], 'implicit'));
    if (exprs.every((e) => e.op === 'column')) return input;
    return { rel: 'project', input, columns: query.columns.map((c, i) => ({ name: c.name, type: types[i] })), exprs };
  }

  /**
   * A set operand's unknown-typed literal columns (see bindSelect) converted to `types` where
   * they are computed: the select list's projection, under the LIMIT, sort and column-dropping
   * projection a parenthesized operand may add.
   */
  private typeLiteralColumns(plan: Rel, types: readonly (SqlType | undefined)[]): Rel {
    switch (plan.rel) {
      case 'sort':
      case 'limit':
        return { ...plan, input: this.typeLiteralColumns(plan.input, types) };
      case 'project': {
        const inner: (SqlType | undefined)[] = [];
        const exprs = plan.exprs.map((e, i) => {
          const type = types[i];
          if (type === undefined || e.type.kind !== 'unknown') return e;
          if (e.op !== 'column') return this.exprs.coerce(e, type, 'implicit');
          inner[e.index] = type;
          return { ...e, type };
        });
        const input = inner.length === 0 ? plan.input : this.typeLiteralColumns(plan.input, inner);
        return { ...plan, input, exprs, columns: plan.columns.map((c, i) => ({ ...c, type: exprs[i].type })) };
      }
      default:
        throw new EngineError(SqlState.internalError, `unknown-typed column under ${plan.rel}`);
    }
  }

  // ---- WITH ----------------------------------------------------------------------------------

  private bindWith(withClause: Body, outer: Scope | null): CteEnv {
    const env = new Map<string, CteBinding>();
    this.cteStack.push(env);
    try {
      for (const node of list(withClause.ctes)) {
        const cte = node.CommonTableExpr as Body;
        const name = cte.ctename as string;
        if (env.has(name)) throw new EngineError(SqlState.duplicateAlias, `WITH query name "${name}" specified more than once`, { position: this.position(cte) });
        const query = cte.ctequery as Node;
        if (kindOf(query) !== 'SelectStmt') throw unsupported('data-modifying statements in WITH', this.position(cte));
        const aliases = names(cte.aliascolnames);
        const id = this.nextCteId++;
        const select = query.SelectStmt;
        if (withClause.recursive === true && this.recursiveForm(select, name, cte)) {
          const seed = this.bindSelect(select.larg, outer);
          const columns = seed.columns.map((c, i) => ({ name: aliases[i] ?? c.name, type: c.type }));
          const binding: CteBinding = { id, name, columns, plan: null, recursive: true, references: 0 };
          env.set(name, binding);
          const step = this.bindSelect(select.rarg, outer, true);
          const types = columns.map((c) => c.type);
          binding.plan = { rel: 'recursive', id, all: select.all === true, seed: seed.plan, step: this.castColumns(step, types), columns };
          (env as Map<string, CteBinding>).set(name, { ...binding, recursive: false });
          this.ctes.push({ id, plan: binding.plan });
          continue;
        }
        const bound = this.bindSelect(select, outer);
        const columns = bound.columns.map((c, i) => ({ name: aliases[i] ?? c.name, type: c.type }));
        env.set(name, { id, name, columns, plan: bound.plan, recursive: false, references: 0 });
        this.ctes.push({ id, plan: bound.plan });
      }
    } finally {
      this.cteStack.pop();
    }
    return env;
  }

  /**
   * Whether a WITH RECURSIVE query reads itself; it must then be `non-recursive term UNION
   * [ALL] recursive term` with the reference in the recursive term only (42P19).
   */
  private recursiveForm(select: Body, name: string, cte: Body): boolean {
    if (referenceTo(select, name) === undefined) return false;
    if (select.op !== 'SETOP_UNION') {
      throw new EngineError(SqlState.invalidRecursion, `recursive query "${name}" does not have the form non-recursive-term UNION [ALL] recursive-term`, { position: this.position(cte) });
    }
    const inSeed = referenceTo(select.larg, name);
    if (inSeed !== undefined) {
      throw new EngineError(SqlState.invalidRecursion, `recursive reference to query "${name}" must not appear within its non-recursive term`, { position: this.position(inSeed) });
    }
    return true;
  }

  private findCte(name: string): CteBinding | undefined {
    for (let i = this.cteStack.length - 1; i >= 0; i--) {
      const found = this.cteStack[i].get(name);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  // ---- FROM ----------------------------------------------------------------------------------

  /** Binds the FROM list into one relation and the scope naming its row's columns. */
  bindFrom(from: readonly Node[], outer: Scope | null): { plan: Rel | null; scope: Scope } {
    const scope = new Scope(outer);
    let plan: Rel | null = null;
    for (const item of from) {
      const bound = this.bindFromItem(item, scope, plan === null ? 0 : columnsOf(plan).length);
      plan = plan === null ? bound : { rel: 'join', kind: 'inner', left: plan, right: bound, condition: null, equiKeys: [], lateral: this.isLateral(item) };
    }
    return { plan, scope };
  }

  /** What a subquery or function in FROM sees: the earlier FROM items when it is LATERAL and
   * has some (the lateral join's left row), else only the enclosing queries. */
  private visibleToItem(body: Body, scope: Scope, base: number): Scope | null {
    return body.lateral === true && base > 0 ? scope : scope.parent;
  }

  private isLateral(item: Node): boolean {
    const body = bodyOf(item);
    return body.lateral === true;
  }

  /** Binds one FROM item, adding its columns to `scope` at positions from `base`. */
  private bindFromItem(item: Node, scope: Scope, base: number): Rel {
    const kind = kindOf(item);
    const body = item[kind];
    switch (kind) {
      case 'RangeVar':
        return this.bindRangeVar(body, scope, base);
      case 'RangeSubselect': {
        if (body.alias === undefined) {
          // PostgreSQL 15's grammar requires the alias (16 made it optional).
          const values = body.subquery.SelectStmt.valuesLists !== undefined;
          throw new EngineError(SqlState.syntaxError, `${values ? 'VALUES' : 'subquery'} in FROM must have an alias`, {
            hint: `For example, FROM (${values ? 'VALUES' : 'SELECT'} ...) [AS] foo.`,
          });
        }
        const query = this.bindSelect(body.subquery.SelectStmt, this.visibleToItem(body, scope, base));
        const alias = body.alias?.aliasname as string | undefined;
        const aliases = names(body.alias?.colnames);
        scope.add({ alias: alias ?? '', columns: query.columns.map((c, i) => ({ name: aliases[i] ?? c.name, type: c.type, index: base + i })) });
        return query.plan;
      }
      case 'JoinExpr':
        return this.bindJoin(body, scope, base);
      case 'RangeFunction':
        return this.bindRangeFunction(body, scope, base);
      default:
        throw unsupported(`FROM item ${kind}`, this.position(body));
    }
  }

  private bindRangeVar(body: Body, scope: Scope, base: number): Rel {
    const name = body.relname as string;
    const schema = body.schemaname as string | undefined;
    const alias = (body.alias?.aliasname as string | undefined) ?? name;
    const aliases = names(body.alias?.colnames);
    const position = this.position(body);
    if (schema === undefined) {
      const cte = this.findCte(name);
      if (cte !== undefined) {
        cte.references++;
        scope.add({ alias, columns: cte.columns.map((c, i) => ({ name: aliases[i] ?? c.name, type: c.type, index: base + i })) });
        return cte.recursive ? { rel: 'workTable', id: cte.id, columns: cte.columns } : { rel: 'cteRef', id: cte.id, columns: cte.columns };
      }
    }
    const relation = this.options.catalog.findRelation(schema, name, this.options.searchPath);
    if (relation === undefined) {
      const system = this.env.systemRelation(schema, name);
      if (system !== undefined) {
        scope.add({ alias, schema: system.schema, columns: system.columns.map((c, i) => ({ name: aliases[i] ?? c.name, type: c.type, index: base + i })) });
        return { rel: 'catalog', name: `${system.schema}.${name}`, columns: system.columns };
      }
      const shown = schema === undefined ? name : `${schema}.${name}`;
      throw new EngineError(SqlState.undefinedTable, `relation "${shown}" does not exist`, { position });
    }
    if (relation.kind === 'view') return this.bindView(relation, alias, aliases, scope, base);
    if (relation.kind === 'sequence') throw unsupported('reading a sequence as a table', position);
    const ns = this.options.catalog.get(relation.namespace);
    const ref = tableRef(relation);
    scope.add({
      alias,
      schema: ns?.name,
      columns: ref.columns.map((c, i) => ({
        name: aliases[i] ?? sqlColumnName(relation, i),
        type: c.type,
        index: base + i,
        hidden: i >= relation.columns.length,
        source: i < relation.columns.length ? { tableOid: relation.oid, attnum: i + 1 } : undefined,
      })),
    });
    return { rel: 'scan', table: ref };
  }

  private bindView(view: ViewObject, alias: string, aliases: string[], scope: Scope, base: number): Rel {
    const saved = this.cteStack;
    this.cteStack = [];
    try {
      const query = this.bindSelect(this.env.parseQuery(view.query), null);
      scope.add({ alias, columns: query.columns.map((c, i) => ({ name: aliases[i] ?? view.columns[i]?.name ?? c.name, type: c.type, index: base + i })) });
      return query.plan;
    } finally {
      this.cteStack = saved;
    }
  }

  private bindJoin(body: Body, scope: Scope, base: number): Rel {
    const position = this.position(body);
    const left = this.bindFromItem(body.larg, scope, base);
    const leftWidth = columnsOf(left).length;
    const itemsBefore = scope.items.length;
    const right = this.bindFromItem(body.rarg, scope, base + leftWidth);
    const jointype = body.jointype as string;
    const kind: JoinKind = jointype === 'JOIN_LEFT' ? 'left' : jointype === 'JOIN_RIGHT' ? 'right' : jointype === 'JOIN_FULL' ? 'full' : 'inner';
    const lateral = bodyOf(body.rarg).lateral === true;
    let condition: Expr | null = null;
    const merged: Expr[] = [];
    const mergedSides: ScopeColumn[] = [];
    const using = body.isNatural === true ? this.naturalColumns(scope, base, itemsBefore) : names(body.usingClause);
    if (using.length > 0) {
      const leftItems = scope.items.slice(this.itemsStart(scope, base), itemsBefore);
      const rightItems = scope.items.slice(itemsBefore);
      const rightBase = base + leftWidth;
      const parts: Expr[] = [];
      for (const name of using) {
        const l = scope.mergedColumn(name, base, rightBase) ?? findColumn(leftItems, name, base, rightBase);
        const r = scope.mergedColumn(name, rightBase, Infinity) ?? findColumn(rightItems, name, rightBase, Infinity);
        if (l === undefined || r === undefined) {
          throw new EngineError(SqlState.undefinedColumn, `column "${name}" specified in USING clause does not exist in ${l === undefined ? 'left' : 'right'} table`, { position });
        }
        const left: Expr = { op: 'column', type: l.type, index: l.index - base };
        const right: Expr = { op: 'column', type: r.type, index: r.index - base };
        parts.push(this.exprs.operator('=', left, right, position));
        merged.push(this.mergedJoinColumn(kind, left, right, position));
        mergedSides.push(kind === 'right' ? r : l);
      }
      for (const item of leftItems.concat(rightItems)) {
        (item as { merged?: Set<string> }).merged = new Set([...(item.merged ?? []), ...using]);
      }
      condition = parts.length === 1 ? parts[0] : { op: 'and', type: BOOL, args: parts };
    } else if (body.quals !== undefined) {
      // ON sees only this join's sides: their positions relative to the join's own row.
      const onScope = new Scope(scope.parent);
      for (const item of scope.items.slice(this.itemsStart(scope, base))) {
        onScope.add({ ...item, columns: item.columns.map((c) => ({ ...c, index: c.index - base })) });
      }
      for (const { column, from } of scope.mergedFrom(base)) onScope.addMerged([{ ...column, index: column.index - base }], from - base);
      condition = this.exprs.bindCondition(body.quals, onScope, 'JOIN/ON');
    }
    if (body.alias !== undefined) throw unsupported('aliases on JOIN', position);
    const join: Rel = { rel: 'join', kind, left, right, condition, equiKeys: [], lateral };
    const joinColumns = columnsOf(join);
    // Merged columns that are not simply one side's column are computed after the join.
    const computed = merged.some((e) => e.op !== 'column');
    scope.addMerged(computed ? merged.map((e, i) => ({ name: using[i], type: e.type, index: base + joinColumns.length + i })) : mergedSides, base);
    if (!computed) return join;
    return {
      rel: 'project',
      input: join,
      columns: [...joinColumns, ...merged.map((e, i) => ({ name: using[i], type: e.type }))],
      exprs: [...joinColumns.map((c, index): Expr => ({ op: 'column', type: c.type, index })), ...merged],
    };
  }

  /**
   * The value of a USING column (PostgreSQL's buildMergedJoinVar): both sides converted to
   * their common type; the left one for inner and left joins, the right one for right joins,
   * COALESCE of both for full joins.
   */
  private mergedJoinColumn(kind: JoinKind, left: Expr, right: Expr, position?: number): Expr {
    const type = commonType([left.type, right.type], 'JOIN/USING', position);
    const l = this.exprs.coerce(left, type, 'implicit', undefined, position);
    const r = this.exprs.coerce(right, type, 'implicit', undefined, position);
    if (kind === 'full') return { op: 'coalesce', type, args: [l, r] };
    return kind === 'right' ? r : l;
  }

  private itemsStart(scope: Scope, base: number): number {
    const index = scope.items.findIndex((item) => item.columns.length > 0 && item.columns[0].index >= base);
    return index < 0 ? scope.items.length : index;
  }

  private naturalColumns(scope: Scope, base: number, split: number): string[] {
    const leftNames = new Set(scope.items.slice(this.itemsStart(scope, base), split).flatMap((i) => i.columns.filter((c) => c.hidden !== true).map((c) => c.name)));
    return [...new Set(scope.items.slice(split).flatMap((i) => i.columns.filter((c) => c.hidden !== true && leftNames.has(c.name)).map((c) => c.name)))];
  }

  private bindRangeFunction(body: Body, scope: Scope, base: number): Rel {
    const position = this.position(body);
    const functions = list(body.functions);
    if (functions.length !== 1 || body.is_rowsfrom === true) throw unsupported('ROWS FROM with several functions', position);
    const call = list(functions[0].List.items)[0].FuncCall as Body | undefined;
    if (call === undefined) throw unsupported('this FROM function form', position);
    const fnNames = names(call.funcname);
    const name = fnNames[fnNames.length - 1].toLowerCase();
    // Arguments run with no row of their own, like a subquery body's.
    const argScope = new Scope(this.visibleToItem(body, scope, base));
    const args = list(call.args).map((a) => this.exprs.bind(a, argScope));
    const resolved = this.exprs.functions.tableFunction(name, args.map((a) => a.type));
    if (resolved === undefined) {
      // A scalar function in FROM yields one row of its value.
      const value = this.exprs.call(name, args, position);
      const alias = (body.alias?.aliasname as string | undefined) ?? name;
      const colName = names(body.alias?.colnames)[0] ?? alias;
      scope.add({ alias, columns: [{ name: colName, type: value.type, index: base }] });
      return { rel: 'project', input: { rel: 'values', columns: [], rows: [[]] }, columns: [{ name: colName, type: value.type }], exprs: [value] };
    }
    const cast = args.map((a, i) => this.exprs.coerce(a, resolved.argTypes[i], 'implicit', undefined, position));
    const ordinality = body.ordinality === true;
    const columns = [...resolved.columns, ...(ordinality ? [{ name: 'ordinality', type: INT8 }] : [])];
    const alias = (body.alias?.aliasname as string | undefined) ?? name;
    const aliases = names(body.alias?.colnames);
    // A function's one unnamed column (named after the function) takes the alias's name, as in PostgreSQL.
    const named = columns.map((c, i) => ({ name: aliases[i] ?? (i === 0 && c.name === name && columns.length - (ordinality ? 1 : 0) === 1 ? alias : c.name), type: c.type }));
    scope.add({ alias, columns: named.map((c, i) => ({ ...c, index: base + i })) });
    return { rel: 'function', name, argTypes: resolved.argTypes, args: cast, columns: named, ordinality };
  }

  // ---- the SELECT body ----------------------------------------------------------------------

  private bindSimpleSelect(stmt: Body, outer: Scope | null, setOperand: boolean): BoundQuery {
    if (stmt.intoClause !== undefined) throw unsupported('SELECT INTO', this.position(stmt));
    if (list(stmt.lockingClause).length > 0) throw unsupported('SELECT … FOR UPDATE/SHARE', this.position(stmt));
    const from = this.bindFrom(list(stmt.fromClause), outer);
    const scope = from.scope;
    let plan: Rel = from.plan ?? { rel: 'values', columns: [], rows: [[]] };
    if (stmt.whereClause !== undefined) plan = { rel: 'filter', input: plan, predicate: this.exprs.bindCondition(stmt.whereClause, scope, 'WHERE') };

    const aggregates: AggregateCall[] = [];
    const windows: WindowCall[] = [];
    const windowSpecs: { partitionBy: Expr[]; orderBy: SortKey[] }[] = [];
    const windowCallSpecs: number[] = [];
    const setCalls: SetCall[] = [];
    const groupings: (readonly Expr[])[] = [];
    const windowDefinitions = this.windowClause(list(stmt.windowClause), scope, { aggregates, windows: null, windowSpecs: null, clause: 'window definitions', groupings });
    const place: ExprPlace = { aggregates, windows, windowSpecs, windowCallSpecs, clause: '', setCalls, windowDefinitions, groupings };

    // Targets.
    const targets: { name: string; expr: Expr; source?: ScopeColumn['source'] }[] = [];
    for (const t of list(stmt.targetList)) {
      const res = t.ResTarget as Body;
      const val = res.val as Node;
      if (kindOf(val) === 'ColumnRef' && list(val.ColumnRef.fields).some((f) => kindOf(f) === 'A_Star')) {
        const fields = list(val.ColumnRef.fields);
        const star = fields.length === 1 ? scope.allColumns() : scope.resolve(names(fields.slice(0, -1)), true, this.position(val.ColumnRef));
        const columns = Array.isArray(star) ? star : star.kind === 'star' ? star.columns : [];
        if (Array.isArray(star) && columns.length === 0 && from.plan === null) {
          throw new EngineError(SqlState.syntaxError, 'SELECT * with no tables specified is not valid', { position: this.position(val.ColumnRef) });
        }
        for (const c of columns) targets.push({ name: c.name, expr: { op: 'column', type: c.type, index: c.index }, source: c.source });
        continue;
      }
      const expr = this.exprs.bind(val, scope, place);
      const source = kindOf(val) === 'ColumnRef' && expr.op === 'column' ? sourceOf(scope, expr.index) : undefined;
      targets.push({ name: (res.name as string | undefined) ?? outputName(val), expr, source });
    }

    // GROUP BY keys.
    const { keys, sets } = this.groupBy(list(stmt.groupClause), scope, targets);
    const havingExpr = stmt.havingClause === undefined ? null : this.exprs.bindCondition(stmt.havingClause, scope, 'HAVING', { ...place, windows: null, windowSpecs: null, clause: 'HAVING', setCalls: undefined });

    // ORDER BY: output positions and names first, else expressions over the input.
    const sortTargets: { key: SortKey; target: number }[] = [];
    const junk: Expr[] = [];
    for (const s of list(stmt.sortClause)) {
      const sortBy = s.SortBy as Body;
      const byPosition = this.outputPosition(sortBy.node, targets.length);
      let target = byPosition;
      if (target === undefined && kindOf(sortBy.node) === 'ColumnRef') {
        const fields = names(sortBy.node.ColumnRef.fields);
        if (fields.length === 1) {
          const matches = targets.map((t, i) => (t.name === fields[0] ? i : -1)).filter((i) => i >= 0);
          if (matches.length === 1 || (matches.length > 1 && matches.every((i) => exprKey(targets[i].expr) === exprKey(targets[matches[0]].expr)))) target = matches[0];
        }
      }
      if (target === undefined) {
        const expr = this.exprs.bind(sortBy.node, scope, place);
        const same = targets.findIndex((t) => exprKey(t.expr) === exprKey(expr));
        if (same >= 0) target = same;
        else {
          junk.push(expr);
          target = targets.length + junk.length - 1;
        }
      }
      const expr = target < targets.length ? targets[target].expr : junk[target - targets.length];
      sortTargets.push({ key: this.exprs.sortKeyOf(expr, sortBy), target });
    }

    // Aggregation.
    const grouped = keys.length > 0 || aggregates.length > 0 || sets !== null || havingExpr !== null;
    if (!grouped && groupings.length > 0) throw notGroupingExpressions();
    let rowExprs = [...targets.map((t) => t.expr), ...junk];
    let having = havingExpr;
    let specs = windowSpecs;
    let windowCalls = windows;
    let calls = setCalls;
    const callArgs = (list: readonly SetCall[], m: (e: Expr) => Expr): SetCall[] => list.map((c) => ({ ...c, args: c.args.map(m) }));
    if (grouped) {
      const rewrite = this.groupedRewriter(keys, scope);
      rowExprs = rowExprs.map(rewrite);
      calls = callArgs(calls, rewrite);
      having = having === null ? null : rewrite(having);
      specs = specs.map((s) => ({ partitionBy: s.partitionBy.map(rewrite), orderBy: s.orderBy.map((k) => ({ ...k, expr: rewrite(k.expr) })) }));
      windowCalls = windowCalls.map((w) => ({ ...w, args: w.args.map(rewrite), filter: w.filter === null ? null : rewrite(w.filter) }));
      const groupingValues = groupings.map((args) => this.groupingValue(args, keys, sets, keys.length + aggregates.length));
      const aggRewrite = (e: Expr): Expr => this.aggregateMarkers(e, keys.length, groupingValues);
      const columns: OutputColumn[] = [
        ...keys.map((k, i) => ({ name: `key${i + 1}`, type: k.type })),
        ...aggregates.map((a) => ({ name: a.name, type: a.type })),
        ...(sets !== null ? [{ name: 'grouping', type: INT4 }] : []),
      ];
      plan = { rel: 'aggregate', input: plan, phase: 'full', keys, groupingSets: sets ?? undefined, aggregates, columns };
      rowExprs = rowExprs.map(aggRewrite);
      calls = callArgs(calls, aggRewrite);
      having = having === null ? null : aggRewrite(having);
      specs = specs.map((s) => ({ partitionBy: s.partitionBy.map(aggRewrite), orderBy: s.orderBy.map((k) => ({ ...k, expr: aggRewrite(k.expr) })) }));
      windowCalls = windowCalls.map((w) => ({ ...w, args: w.args.map(aggRewrite), filter: w.filter === null ? null : aggRewrite(w.filter) }));
      if (having !== null) plan = { rel: 'filter', input: plan, predicate: having };
    }

    // Windows: one node per distinct (PARTITION BY, ORDER BY), each appending its calls.
    if (windowCalls.length > 0) {
      const positions = new Map<number, number>();
      let width = columnsOf(plan).length;
      specs.forEach((spec, s) => {
        const calls: WindowCall[] = [];
        windows.forEach((_, i) => {
          if (windowCallSpecs[i] !== s) return;
          positions.set(i, width + calls.length);
          calls.push(windowCalls[i]);
        });
        if (calls.length === 0) return;
        const inputColumns = columnsOf(plan);
        plan = { rel: 'window', input: plan, partitionBy: spec.partitionBy, orderBy: spec.orderBy, functions: calls, columns: [...inputColumns, ...calls.map((c) => ({ name: c.name, type: c.type }))] };
        width += calls.length;
      });
      const mapWindows = (e: Expr): Expr =>
        e.op === 'outer' && e.depth === WINDOW_MARK ? { op: 'column', type: e.type, index: positions.get(e.index) as number } : mapChildren(e, mapWindows);
      rowExprs = rowExprs.map(mapWindows);
      calls = callArgs(calls, mapWindows);
    }

    // Set-returning calls of the select list run above all that, per row it gives.
    if (calls.length > 0) ({ plan, exprs: rowExprs } = projectSets(plan, calls, rowExprs));

    // Unknown-typed outputs become text, except literals a set operation will type (PostgreSQL
    // resolves the ones sorted or made DISTINCT on as text all the same).
    const sorted = new Set(sortTargets.map((t) => t.target));
    const staysUnknown = (e: Expr, i: number): boolean =>
      setOperand && (e.op === 'const' || e.op === 'param') && stmt.distinctClause === undefined && !sorted.has(i);
    rowExprs = rowExprs.map((e, i) => (e.type.kind === 'unknown' && !staysUnknown(e, i) ? this.exprs.coerce(e, TEXT, 'implicit') : e));
    const outputColumns: ResultColumnInfo[] = targets.map((t, i) => ({ name: t.name, type: rowExprs[i].type, source: t.source }));
    const projected: OutputColumn[] = [...outputColumns.map(({ name, type }) => ({ name, type })), ...junk.map((e, i) => ({ name: `?sort${i}?`, type: rowExprs[targets.length + i].type }))];
    plan = isIdentity(rowExprs, plan) ? plan : { rel: 'project', input: plan, columns: projected, exprs: rowExprs };

    const sortKeys: SortKey[] = sortTargets.map(({ key, target }) => ({ ...key, expr: { op: 'column', type: projected[target].type, index: target } }));
    if (stmt.distinctClause !== undefined) {
      const distinctOn = list(stmt.distinctClause).filter((n) => Object.keys(n).length > 0);
      if (distinctOn.length === 0) {
        if (junk.length > 0) throw new EngineError(SqlState.invalidColumnReference, 'for SELECT DISTINCT, ORDER BY expressions must appear in select list', { position: this.position(stmt) });
        if (sortKeys.length > 0) plan = { rel: 'sort', input: plan, keys: sortKeys };
        plan = { rel: 'distinct', input: plan, on: null };
      } else {
        const on = distinctOn.map((n) => {
          const p = this.outputPosition(n, targets.length);
          if (p !== undefined) return { op: 'column', type: projected[p].type, index: p } as Expr;
          const e = this.exprs.bind(n, scope, PLAIN);
          const at = targets.findIndex((t) => exprKey(t.expr) === exprKey(e));
          if (at < 0) throw unsupported('DISTINCT ON expressions that are not in the select list', this.position(stmt));
          return { op: 'column', type: projected[at].type, index: at } as Expr;
        });
        if (sortKeys.length > 0) plan = { rel: 'sort', input: plan, keys: sortKeys };
        plan = { rel: 'distinct', input: plan, on };
      }
    } else if (sortKeys.length > 0) {
      plan = { rel: 'sort', input: plan, keys: sortKeys };
    }
    plan = this.limit(plan, stmt, outer);
    if (junk.length > 0) {
      plan = { rel: 'project', input: plan, columns: outputColumns.map(({ name, type }) => ({ name, type })), exprs: outputColumns.map((c, index) => ({ op: 'column', type: c.type, index })) };
    }
    return { plan, columns: outputColumns };
  }

  /** The WINDOW clause: each entry bound in order, seeing the ones before it. */
  private windowClause(defs: readonly Node[], scope: Scope, place: ExprPlace): ReadonlyMap<string, WindowDefinition> {
    const definitions = new Map<string, WindowDefinition>();
    for (const node of defs) {
      const def = node.WindowDef as Body;
      const name = def.name as string;
      if (definitions.has(name)) throw new EngineError(SqlState.windowingError, `window "${name}" is already defined`, { position: this.position(def) });
      definitions.set(name, this.exprs.windowDefinition(def, scope, place, definitions));
    }
    return definitions;
  }

  private groupBy(items: readonly Node[], scope: Scope, targets: readonly { name: string; expr: Expr }[]): { keys: Expr[]; sets: number[][] | null } {
    const keys: Expr[] = [];
    const keyIndex = (expr: Expr): number => {
      if (someExpr(expr, (e) => e.op === 'outer' && e.depth === SET_CALL_MARK)) throw unsupported('grouping by a set-returning function');
      const k = exprKey(expr);
      const at = keys.findIndex((e) => exprKey(e) === k);
      if (at >= 0) return at;
      keys.push(expr);
      return keys.length - 1;
    };
    const bindItem = (node: Node): Expr => {
      const p = this.outputPosition(node, targets.length);
      if (p !== undefined) return targets[p].expr;
      if (kindOf(node) === 'ColumnRef') {
        const fields = names(node.ColumnRef.fields);
        if (fields.length === 1 && !scope.allColumns().some((c) => c.name === fields[0])) {
          const t = targets.find((t) => t.name === fields[0]);
          if (t !== undefined) return t.expr;
        }
      }
      return this.exprs.bind(node, scope, { ...PLAIN, clause: 'GROUP BY' });
    };
    let sets: number[][] | null = null;
    // Plain keys listed before the first grouping set belong to every set.
    const plain: number[] = [];
    for (const item of items) {
      if (kindOf(item) !== 'GroupingSet') {
        const at = keyIndex(bindItem(item));
        if (sets !== null) sets = sets.map((s) => [...s, at]);
        else plain.push(at);
        continue;
      }
      const gs = item.GroupingSet as Body;
      const content = list(gs.content).map((n) => (kindOf(n) === 'RowExpr' ? list(n.RowExpr.args).map((a) => keyIndex(bindItem(a))) : kindOf(n) === 'GroupingSet' ? [] : [keyIndex(bindItem(n))]));
      let expanded: number[][];
      switch (gs.kind as string) {
        case 'GROUPING_SET_ROLLUP':
          expanded = Array.from({ length: content.length + 1 }, (_, n) => content.slice(0, content.length - n).flat());
          break;
        case 'GROUPING_SET_CUBE': {
          expanded = [];
          for (let mask = (1 << content.length) - 1; mask >= 0; mask--) expanded.push(content.filter((_, i) => mask & (1 << (content.length - 1 - i))).flat());
          break;
        }
        case 'GROUPING_SET_EMPTY':
          expanded = [[]];
          break;
        default:
          expanded = content;
      }
      sets = (sets ?? [plain]).flatMap((s) => expanded.map((e) => [...new Set([...s, ...e])]));
    }
    return { keys, sets };
  }

  /** Rewrites an expression over the input rows to one over the aggregate's rows: GROUP BY
   * expressions become key columns; other input columns are an error (42803). */
  private groupedRewriter(keys: readonly Expr[], scope: Scope): (e: Expr) => Expr {
    const byKey = new Map(keys.map((k, i) => [exprKey(k), i]));
    const rewrite = (e: Expr): Expr => {
      const at = byKey.get(exprKey(e));
      if (at !== undefined) return { op: 'column', type: e.type, index: at };
      if (e.op === 'outer' && e.depth === AGGREGATE_MARK) return e;
      if (e.op === 'column') {
        throw new EngineError(SqlState.groupingError, `column "${columnLabel(scope, e.index)}" must appear in the GROUP BY clause or be used in an aggregate function`);
      }
      return mapChildren(e, rewrite);
    };
    return rewrite;
  }

  /** Aggregate and GROUPING(…) markers (see ExprBinder) as expressions over the aggregate's rows. */
  private aggregateMarkers(e: Expr, keyCount: number, groupingValues: readonly Expr[]): Expr {
    if (e.op === 'outer' && e.depth === AGGREGATE_MARK) return { op: 'column', type: e.type, index: keyCount + e.index };
    if (e.op === 'outer' && e.depth === GROUPING_MARK) return groupingValues[e.index];
    return mapChildren(e, (c) => this.aggregateMarkers(c, keyCount, groupingValues));
  }

  /**
   * GROUPING(args) over the aggregate's rows: a bit per argument, the first the most
   * significant, set when the row's grouping set leaves that key out. Every argument must be
   * a GROUP BY key. Each set's value is known here, so it is read off the aggregate's bitmask
   * of all keys (its column `maskColumn`); without grouping sets it is 0.
   */
  private groupingValue(args: readonly Expr[], keys: readonly Expr[], sets: readonly (readonly number[])[] | null, maskColumn: number): Expr {
    const positions = args.map((arg) => {
      const at = keys.findIndex((k) => exprKey(k) === exprKey(arg));
      if (at < 0) throw notGroupingExpressions();
      return at;
    });
    const valueOf = (set: readonly number[], over: readonly number[]): number =>
      over.reduce((value, key, i) => (set.includes(key) ? value : value | (1 << (over.length - 1 - i))), 0);
    const constant = (value: number): Expr => ({ op: 'const', type: INT4, value });
    if (sets === null) return constant(0);
    const allKeys = keys.map((_, i) => i);
    const mask: Expr = { op: 'column', type: INT4, index: maskColumn };
    if (positions.length === keys.length && positions.every((p, i) => p === i)) return mask;
    const cases = new Map<number, number>();
    for (const set of sets) cases.set(valueOf(set, allKeys), valueOf(set, positions));
    const values = new Set(cases.values());
    if (values.size === 1) return constant([...values][0]);
    return {
      op: 'case',
      type: INT4,
      whens: [...cases].map(([maskValue, value]) => ({ when: this.exprs.operator('=', mask, constant(maskValue)), then: constant(value) })),
      otherwise: null,
    };
  }
}

// ---- helpers ---------------------------------------------------------------------------------

export function tableRef(table: TableObject) {
  const physical = physicalTable(table);
  return {
    oid: table.oid,
    version: layoutVersion(physical),
    columns: physical.columns.map((c) => ({ name: c.name, type: parseType(c.type) as SqlType })),
    hiddenRowId: hasHiddenRowId(table),
  };
}

/** A stored column's SQL name (the hidden row id past the table's own columns). */
export function sqlColumnName(table: TableObject, position: number): string {
  return table.columns[position]?.name ?? HIDDEN_ROW_ID;
}

function notGroupingExpressions(): EngineError {
  return new EngineError(SqlState.groupingError, 'arguments to GROUPING must be grouping expressions of the associated query level');
}

/** The first unqualified table reference to `name` in a parse tree. */
function referenceTo(node: unknown, name: string): Body | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = referenceTo(item, name);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const range = (node as Node).RangeVar as Body | undefined;
  if (range !== undefined && range.relname === name && range.schemaname === undefined) return range;
  for (const value of Object.values(node)) {
    const found = referenceTo(value, name);
    if (found !== undefined) return found;
  }
  return undefined;
}

function findColumn(items: readonly { columns: readonly ScopeColumn[] }[], name: string, from: number, to: number): ScopeColumn | undefined {
  for (const item of items) for (const c of item.columns) if (c.name === name && c.hidden !== true && c.index >= from && c.index < to) return c;
  return undefined;
}

/** How PostgreSQL names a column in messages: `alias.column`. */
function columnLabel(scope: Scope, index: number): string {
  for (const item of scope.items) for (const c of item.columns) if (c.index === index) return item.alias === '' ? c.name : `${item.alias}.${c.name}`;
  return `#${index + 1}`;
}

function sourceOf(scope: Scope, index: number): ScopeColumn['source'] {
  for (const item of scope.items) for (const c of item.columns) if (c.index === index) return c.source;
  return undefined;
}

function isIdentity(exprs: readonly Expr[], input: Rel): boolean {
  const width = columnsOf(input).length;
  return exprs.length === width && exprs.every((e, i) => e.op === 'column' && e.index === i);
}

/** The column name PostgreSQL gives a target without AS. */
export function outputName(node: Node): string {
  return figureName(node)?.name ?? '?column?';
}

/** PostgreSQL's FigureColnameInternal: a name and its strength (2 a real name, 1 a fallback such
 * as a cast's type or "case", which an inner real name beats); undefined for no name. */
function figureName(node: Node | undefined): { name: string; strength: 1 | 2 } | undefined {
  if (node === undefined) return undefined;
  const kind = kindOf(node);
  const body = node[kind];
  const named = (name: string) => ({ name, strength: 2 as const });
  switch (kind) {
    case 'ColumnRef': {
      const fields = names(body.fields);
      return fields.length === 0 ? undefined : named(fields[fields.length - 1]);
    }
    case 'FuncCall': {
      const parts = names(body.funcname);
      return named(parts[parts.length - 1]);
    }
    case 'A_Expr':
      if (body.kind === 'AEXPR_NULLIF') return named('nullif');
      return undefined;
    case 'TypeCast': {
      const inner = figureName(body.arg);
      if (inner !== undefined && inner.strength === 2) return inner;
      const parts = names(body.typeName.names);
      return { name: parts[parts.length - 1], strength: 1 };
    }
    case 'CollateClause':
      return figureName(body.arg);
    case 'A_Indirection': {
      const fields = list(body.indirection).filter((step) => kindOf(step) === 'String');
      return fields.length > 0 ? named(names(fields)[fields.length - 1]) : figureName(body.arg);
    }
    case 'CaseExpr': {
      const inner = figureName(body.defresult);
      return inner !== undefined && inner.strength === 2 ? inner : { name: 'case', strength: 1 };
    }
    case 'CoalesceExpr':
      return named('coalesce');
    case 'MinMaxExpr':
      return named(body.op === 'IS_GREATEST' ? 'greatest' : 'least');
    case 'A_ArrayExpr':
      return named('array');
    case 'RowExpr':
      return named('row');
    case 'GroupingFunc':
      return named('grouping');
    case 'SubLink': {
      if (body.subLinkType === 'EXISTS_SUBLINK') return named('exists');
      if (body.subLinkType === 'ARRAY_SUBLINK') return named('array');
      if (body.subLinkType !== 'EXPR_SUBLINK') return undefined;
      const name = subqueryName(body);
      return name === undefined ? undefined : named(name);
    }
    case 'SQLValueFunction': {
      const name = ({ SVFOP_CURRENT_DATE: 'current_date', SVFOP_CURRENT_TIMESTAMP: 'current_timestamp', SVFOP_CURRENT_USER: 'current_user', SVFOP_SESSION_USER: 'session_user', SVFOP_USER: 'current_user', SVFOP_CURRENT_CATALOG: 'current_catalog', SVFOP_CURRENT_SCHEMA: 'current_schema', SVFOP_LOCALTIMESTAMP: 'localtimestamp', SVFOP_LOCALTIME: 'localtime', SVFOP_CURRENT_TIME: 'current_time', SVFOP_CURRENT_ROLE: 'current_role', SVFOP_CURRENT_TIME_N: 'current_time', SVFOP_CURRENT_TIMESTAMP_N: 'current_timestamp', SVFOP_LOCALTIME_N: 'localtime', SVFOP_LOCALTIMESTAMP_N: 'localtimestamp' } as Record<string, string>)[body.op as string];
      return name === undefined ? undefined : named(name);
    }
    default:
      return undefined;
  }
}

/** A scalar subquery's name: its one target's, when that has one (AS or figured). */
function subqueryName(body: Body): string | undefined {
  let select = body.subselect?.SelectStmt as Body | undefined;
  // A set operation's columns are named by its first arm.
  while (select !== undefined && select.op !== undefined && select.op !== 'SETOP_NONE') select = select.larg as Body | undefined;
  const targets = list(select?.targetList);
  if (targets.length === 0) return undefined;
  const res = targets[0].ResTarget as Body;
  return (res.name as string | undefined) ?? outputName(res.val);
}
