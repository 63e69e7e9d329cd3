/**
 * A view's query as pg_get_viewdef prints it (PostgreSQL 15): ` SELECT t.id,\n    t.name\n   FROM t\n
 *  WHERE …;` with `*` expanded, every column qualified by its relation, expressions printed as
 * ruleutils does and ` AS name` where the output name is not the column's own. Plain SELECTs
 * over tables, views and joins are covered; set operations, CTEs, subqueries in FROM, VALUES,
 * DISTINCT ON, window clauses and locking print as written (with PostgreSQL's leading space and
 * trailing semicolon).
 */
import type { ViewObject } from '../../catalog/model.ts';
import { sqlTypeOid } from '../../functions/type-info.ts';
import { typeModifier } from '../../types/oids.ts';
import { isColumnType } from '../../types/sql-type.ts';
import { bodyOf, kindOf, list, names, type Body, type Node } from '../../bind/ast.ts';
import { quoteIdent } from '../identifiers.ts';
import { findRelation, relationDisplayName, type NameContext, type RelationRef } from '../lookup.ts';
import { parseQuery } from '../parse.ts';
import { analyze, coerce, type ExpressionScope } from './analyze.ts';
import { INDENT_VAR, Printer } from './print.ts';
import { regclassText, type PrintContext } from './stored.ts';
import { NotPrintable, T, columnTypeRef, typeRef, type TNode, type TypeRef } from './typed.ts';

/** PostgreSQL's PRETTYINDENT_STD and PRETTYINDENT_JOIN. */
const INDENT_STD = 8;
const INDENT_JOIN = 4;

interface FromRelation {
  readonly refname: string;
  readonly columns: readonly { readonly name: string; readonly type: TypeRef }[];
}

function relationColumns(relation: RelationRef): FromRelation['columns'] {
  switch (relation.kind) {
    case 'table':
      return relation.table.columns.map((c) => ({ name: c.name, type: columnTypeRef(c.type) }));
    case 'view':
      return relation.view.columns.map((c) => ({ name: c.name, type: columnTypeRef(c.type) }));
    case 'system':
      return relation.system.columns.map((c) => ({ name: c.name, type: typeRef(sqlTypeOid(c.type), isColumnType(c.type) ? typeModifier(c.type) : -1) }));
    default:
      throw new NotPrintable(`FROM ${relation.kind}`);
  }
}

class QueryPrinter {
  private readonly relations: FromRelation[] = [];
  private readonly printer: Printer;
  private readonly scope: ExpressionScope;

  constructor(
    private readonly ctx: PrintContext,
    private readonly pretty: boolean,
  ) {
    this.printer = new Printer(pretty);
    this.scope = {
      column: (fields) => this.column(fields),
      regclassText: (text) => regclassText(ctx, text),
      timeZone: ctx.timeZone,
    };
  }

  private column(fields: readonly string[]): { text: string; type: TypeRef } | undefined {
    const name = fields[fields.length - 1];
    const candidates = fields.length === 1 ? this.relations : this.relations.filter((r) => r.refname === fields[fields.length - 2]);
    for (const relation of candidates) {
      const column = relation.columns.find((c) => c.name === name);
      if (column !== undefined) return { text: `${quoteIdent(relation.refname)}.${quoteIdent(name)}`, type: column.type };
    }
    return undefined;
  }

  private expr(node: TNode, showImplicit: boolean): void {
    this.printer.expr(node, showImplicit);
  }

  print(select: Body, outputNames: readonly string[]): string {
    for (const field of ['withClause', 'valuesLists', 'windowClause', 'lockingClause', 'intoClause']) {
      if (select[field] !== undefined) throw new NotPrintable(field);
    }
    if ((select.op ?? 'SETOP_NONE') !== 'SETOP_NONE') throw new NotPrintable('set operation');
    const distinct = list(select.distinctClause);
    if (distinct.length > 0 && !(distinct.length === 1 && Object.keys(distinct[0]).length === 0)) throw new NotPrintable('DISTINCT ON');

    // FROM is read first: target list names refer into it.
    const fromText = this.fromClause(list(select.fromClause));
    const p = this.printer;
    p.indentLevel += INDENT_STD;
    p.append(' SELECT');
    if (distinct.length > 0) p.append(' DISTINCT');
    const targets = this.targets(list(select.targetList));
    targets.forEach((target, i) => {
      p.append(i === 0 ? ' ' : ',');
      if (i > 0) p.keyword('', -INDENT_STD, INDENT_STD, INDENT_VAR);
      this.expr(target.node, true);
      const name = outputNames[i] ?? target.name;
      if (target.natural === undefined || target.natural !== name) p.append(` AS ${quoteIdent(name)}`);
    });
    p.append(fromText);
    if (select.whereClause !== undefined) {
      p.keyword(' WHERE ', -INDENT_STD, INDENT_STD, 1);
      this.expr(this.condition(select.whereClause), false);
    }
    const groups = list(select.groupClause);
    if (groups.length > 0) {
      p.keyword(' GROUP BY ', -INDENT_STD, INDENT_STD, 1);
      groups.forEach((group, i) => {
        if (i > 0) p.append(', ');
        this.sortGroupItem(this.resolveOrdinal(group, targets, false));
      });
    }
    if (select.havingClause !== undefined) {
      p.keyword(' HAVING ', -INDENT_STD, INDENT_STD, 0);
      this.expr(this.condition(select.havingClause), false);
    }
    const sorts = list(select.sortClause);
    if (sorts.length > 0) {
      p.keyword(' ORDER BY ', -INDENT_STD, INDENT_STD, 1);
      sorts.forEach((sort, i) => {
        if (i > 0) p.append(', ');
        const by = sort.SortBy as Body;
        this.sortGroupItem(this.resolveOrdinal(by.node, targets, true));
        const descending = by.sortby_dir === 'SORTBY_DESC';
        if (descending) p.append(' DESC');
        if (by.sortby_nulls === 'SORTBY_NULLS_FIRST' && !descending) p.append(' NULLS FIRST');
        if (by.sortby_nulls === 'SORTBY_NULLS_LAST' && descending) p.append(' NULLS LAST');
      });
    }
    if (select.limitOffset !== undefined) {
      p.keyword(' OFFSET ', -INDENT_STD, INDENT_STD, 0);
      this.expr(analyze(select.limitOffset, this.scope), false);
    }
    if (select.limitCount !== undefined) {
      if (select.limitOption === 'LIMIT_OPTION_WITH_TIES') throw new NotPrintable('WITH TIES');
      p.keyword(' LIMIT ', -INDENT_STD, INDENT_STD, 0);
      this.expr(analyze(select.limitCount, this.scope), false);
    }
    return `${p.buf};`;
  }

  private condition(node: Node): TNode {
    return coerce(analyze(node, this.scope), typeRef(T.bool), this.scope);
  }

  /** ORDER BY / GROUP BY n and output-name references mean a target list entry: ORDER BY
   * looks at output names first, GROUP BY at input columns first. */
  private resolveOrdinal(node: Node, targets: readonly { node: TNode; name: string }[], outputFirst: boolean): TNode {
    const body = bodyOf(node);
    if (kindOf(node) === 'A_Const' && body.ival !== undefined) {
      const target = targets[((body.ival.ival as number | undefined) ?? 0) - 1];
      if (target === undefined) throw new NotPrintable('ORDER BY position out of range');
      return target.node;
    }
    if (kindOf(node) === 'ColumnRef') {
      const fields = names(body.fields);
      const byName = targets.find((t) => t.name === fields[0]);
      if (fields.length === 1 && byName !== undefined && (outputFirst || this.column(fields) === undefined)) return byName.node;
    }
    return analyze(node, this.scope);
  }

  /** get_rule_sortgroupclause: constants labelled, function calls parenthesized. */
  private sortGroupItem(node: TNode): void {
    const p = this.printer;
    if (node.k === 'const') {
      p.constant(node, 1);
      return;
    }
    if (node.k === 'var') {
      this.expr(node, true);
      return;
    }
    const parens = this.pretty || node.k === 'func';
    if (parens) p.append('(');
    this.expr(node, true);
    if (parens) p.append(')');
  }

  private targets(items: readonly Node[]): { node: TNode; name: string; natural: string | undefined }[] {
    const targets: { node: TNode; name: string; natural: string | undefined }[] = [];
    for (const item of items) {
      const target = item.ResTarget as Body;
      const value = target.val as Node;
      const fields = kindOf(value) === 'ColumnRef' ? list(bodyOf(value).fields) : [];
      if (fields.some((f) => f.A_Star !== undefined)) {
        const qualifier = names(fields.slice(0, -1));
        const relations = qualifier.length === 0 ? this.relations : this.relations.filter((r) => r.refname === qualifier[qualifier.length - 1]);
        for (const relation of relations) {
          for (const column of relation.columns) {
            targets.push({ node: { k: 'var', text: `${quoteIdent(relation.refname)}.${quoteIdent(column.name)}`, type: column.type }, name: column.name, natural: column.name });
          }
        }
        continue;
      }
      const node = analyze(value, this.scope);
      const natural = node.k === 'var' ? names(fields)[fields.length - 1] : undefined;
      targets.push({ node, name: (target.name as string | undefined) ?? natural ?? '?column?', natural });
    }
    return targets;
  }

  private fromClause(items: readonly Node[]): string {
    const p = this.printer;
    const outer = p.buf;
    const level = p.indentLevel;
    p.buf = '';
    p.indentLevel = INDENT_STD;
    items.forEach((item, i) => {
      if (i === 0) {
        p.keyword(' FROM ', -INDENT_STD, INDENT_STD, 2);
      } else {
        p.append(', ');
        p.keyword('', -INDENT_STD, INDENT_STD, INDENT_VAR);
      }
      this.fromItem(item);
    });
    const text = p.buf;
    p.buf = outer;
    p.indentLevel = level;
    return text;
  }

  private fromItem(item: Node): void {
    const p = this.printer;
    const body = bodyOf(item);
    switch (kindOf(item)) {
      case 'RangeVar': {
        const parts = [body.schemaname, body.relname].filter((n): n is string => n !== undefined);
        const relation = findRelation(this.ctx, parts);
        if (relation === undefined) throw new NotPrintable(`relation ${parts.join('.')}`);
        const alias = body.alias?.aliasname as string | undefined;
        if (body.alias?.colnames !== undefined) throw new NotPrintable('column aliases');
        this.relations.push({ refname: alias ?? relation.name, columns: relationColumns(relation) });
        p.append(relationDisplayName(this.ctx, relation));
        if (alias !== undefined) p.append(` ${quoteIdent(alias)}`);
        return;
      }
      case 'JoinExpr': {
        if (body.alias !== undefined || body.isNatural === true) throw new NotPrintable('join alias or NATURAL JOIN');
        if (!this.pretty) p.append('(');
        this.fromItem(body.larg);
        const kinds: Record<string, string> = { JOIN_INNER: body.quals === undefined && body.usingClause === undefined ? ' CROSS JOIN ' : ' JOIN ', JOIN_LEFT: ' LEFT JOIN ', JOIN_FULL: ' FULL JOIN ', JOIN_RIGHT: ' RIGHT JOIN ' };
        const keyword = kinds[body.jointype as string];
        if (keyword === undefined) throw new NotPrintable(String(body.jointype));
        p.keyword(keyword, -INDENT_STD, INDENT_STD, INDENT_JOIN);
        this.fromItem(body.rarg);
        if (body.usingClause !== undefined) {
          p.append(` USING (${names(body.usingClause).map(quoteIdent).join(', ')})`);
        } else if (body.quals !== undefined) {
          p.append(' ON ');
          if (!this.pretty) p.append('(');
          this.expr(this.condition(body.quals), false);
          if (!this.pretty) p.append(')');
        } else if (body.jointype !== 'JOIN_INNER') {
          p.append(' ON TRUE');
        }
        if (!this.pretty) p.append(')');
        return;
      }
      default:
        throw new NotPrintable(kindOf(item));
    }
  }
}

/**
 * Whether PostgreSQL would make the view automatically updatable (information_schema's
 * is_updatable / is_insertable_into): one table or updatable view in FROM, no grouping,
 * aggregates, DISTINCT, LIMIT/OFFSET, set operations or WITH, and at least one plain column.
 */
export function viewIsUpdatable(ctx: NameContext, view: ViewObject, depth = 0): boolean {
  let select: Body;
  try {
    select = parseQuery(view.query);
  } catch {
    return false;
  }
  const blockers = ['withClause', 'valuesLists', 'windowClause', 'distinctClause', 'groupClause', 'havingClause', 'limitCount', 'limitOffset', 'lockingClause'];
  if (blockers.some((field) => select[field] !== undefined) || (select.op ?? 'SETOP_NONE') !== 'SETOP_NONE') return false;
  const from = list(select.fromClause);
  if (from.length !== 1 || kindOf(from[0]) !== 'RangeVar') return false;
  const base = bodyOf(from[0]);
  const relation = findRelation(ctx, [base.schemaname, base.relname].filter((n): n is string => n !== undefined));
  if (relation === undefined || !(relation.kind === 'table' || (relation.kind === 'view' && depth < MAX_VIEW_DEPTH && viewIsUpdatable(ctx, relation.view, depth + 1)))) return false;
  const targets = list(select.targetList).map((t) => (t.ResTarget as Body).val as Node);
  if (targets.some(containsAggregate)) return false;
  return targets.some((t) => kindOf(t) === 'ColumnRef');
}

const MAX_VIEW_DEPTH = 16;
const AGGREGATES = new Set(['count', 'sum', 'avg', 'min', 'max', 'string_agg', 'array_agg', 'bool_and', 'bool_or', 'every', 'json_agg', 'jsonb_agg']);

/** Whether a parse tree calls an aggregate or window function anywhere. */
function containsAggregate(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsAggregate);
  if (value === null || typeof value !== 'object') return false;
  const call = (value as { FuncCall?: Body }).FuncCall;
  if (call !== undefined) {
    const parts = names(call.funcname);
    if (AGGREGATES.has(parts[parts.length - 1]) || call.over !== undefined) return true;
  }
  return Object.values(value).some(containsAggregate);
}

/** A view's definition as pg_get_viewdef(view[, pretty]) prints it. */
export function printViewDefinition(view: ViewObject, ctx: PrintContext, pretty: boolean): string {
  try {
    return new QueryPrinter(ctx, pretty).print(parseQuery(view.query), view.columns.map((c) => c.name));
  } catch (error) {
    if (error instanceof NotPrintable || (error as { code?: string }).code === '42601') return ` ${view.query.trim().replace(/;\s*$/, '')};`;
    throw error;
  }
}
