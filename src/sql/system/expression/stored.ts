/**
 * A table's stored expressions (column defaults, CHECK constraints), kept as SQL text, printed
 * as PostgreSQL prints its stored node trees: `nextval('t_id_seq'::regclass)`,
 * `'x'::character varying`, `(amount > (0)::numeric)`. Constructs the analyzer does not cover
 * print as written.
 */
import type { TableObject } from '../../catalog/model.ts';
import { bodyOf, kindOf, names, type Node } from '../../bind/ast.ts';
import { quoteIdent, splitQualifiedName } from '../identifiers.ts';
import { findRelation, relationDisplayName, type NameContext } from '../lookup.ts';
import { parseExpression } from '../parse.ts';
import { analyze, coerce, type ExpressionScope } from './analyze.ts';
import { printExpression } from './print.ts';
import { NotPrintable, T, columnTypeRef, typeRef, type TNode } from './typed.ts';

export interface PrintContext extends NameContext {
  readonly timeZone: string;
}

/** regclass literals resolve as regclass input would, in the printing session. */
export function regclassText(ctx: NameContext, text: string): string | undefined {
  try {
    const relation = findRelation(ctx, splitQualifiedName(text));
    return relation === undefined ? undefined : relationDisplayName(ctx, relation);
  } catch {
    return undefined;
  }
}

/** Column names of one table, printed bare. */
export function tableScope(table: TableObject, ctx: PrintContext): ExpressionScope {
  return {
    column: (fields) => {
      const name = fields[fields.length - 1];
      if (fields.length > 2 || (fields.length === 2 && fields[0] !== table.name)) return undefined;
      const column = table.columns.find((c) => c.name === name);
      return column === undefined ? undefined : { text: quoteIdent(column.name), type: columnTypeRef(column.type) };
    },
    regclassText: (text) => regclassText(ctx, text),
    timeZone: ctx.timeZone,
  };
}

function analyzed(sql: string, scope: ExpressionScope, shape: (node: TNode) => TNode): TNode | undefined {
  try {
    return shape(analyze(parseExpression(sql), scope));
  } catch (error) {
    if (error instanceof NotPrintable || (error as { code?: string }).code === '42601') return undefined;
    throw error;
  }
}

/** A column default as pg_get_expr(adbin, adrelid[, pretty]) prints it. */
export function printDefault(table: TableObject, column: number, ctx: PrintContext, pretty: boolean): string {
  const sql = table.columns[column].default ?? '';
  const node = analyzed(sql, tableScope(table, ctx), (n) => coerce(n, columnTypeRef(table.columns[column].type), tableScope(table, ctx)));
  return node === undefined ? sql : printExpression(node, pretty);
}

/** A CHECK expression as pg_get_expr(conbin, conrelid[, pretty]) prints it. */
export function printCheck(table: TableObject, sql: string, ctx: PrintContext, pretty: boolean): string {
  const scope = tableScope(table, ctx);
  const node = analyzed(sql, scope, (n) => coerce(n, typeRef(T.bool), scope));
  return node === undefined ? sql : printExpression(node, pretty);
}

/** A generic expression over a table's columns (pg_get_expr of text that is not one of our
 * node-tree references): printed without a context type. */
export function printTableExpression(table: TableObject | undefined, sql: string, ctx: PrintContext, pretty: boolean): string {
  const scope: ExpressionScope = table === undefined ? { column: () => undefined, regclassText: (text) => regclassText(ctx, text), timeZone: ctx.timeZone } : tableScope(table, ctx);
  const node = analyzed(sql, scope, (n) => n);
  return node === undefined ? sql : printExpression(node, pretty);
}

/**
 * pg_attrdef.adbin and pg_constraint.conbin: PostgreSQL keeps node trees there, which only
 * pg_get_expr reads. Ours name the default or constraint, so pg_get_expr prints it in its
 * context (a default's literal takes its column's type).
 */
export type NodeTreeRef = { readonly kind: 'default'; readonly relid: number; readonly attnum: number } | { readonly kind: 'check'; readonly oid: number };

export function defaultNodeTree(relid: number, attnum: number): string {
  return `{DEFAULT :adrelid ${relid} :adnum ${attnum}}`;
}

export function checkNodeTree(oid: number): string {
  return `{CHECK :conoid ${oid}}`;
}

export function readNodeTree(text: string): NodeTreeRef | undefined {
  const defaultRef = /^\{DEFAULT :adrelid (\d+) :adnum (\d+)\}$/.exec(text);
  if (defaultRef !== null) return { kind: 'default', relid: Number(defaultRef[1]), attnum: Number(defaultRef[2]) };
  const checkRef = /^\{CHECK :conoid (\d+)\}$/.exec(text);
  return checkRef === null ? undefined : { kind: 'check', oid: Number(checkRef[1]) };
}

/** PostgreSQL stores no default for DEFAULT NULL (with or without a cast). */
export function isNullDefault(sql: string): boolean {
  let node: Node;
  try {
    node = parseExpression(sql);
  } catch {
    return false;
  }
  while (kindOf(node) === 'TypeCast') node = bodyOf(node).arg as Node;
  return kindOf(node) === 'A_Const' && bodyOf(node).isnull === true;
}

/** The columns (1-based, ascending) an expression reads, as pg_constraint.conkey lists them
 * for a CHECK constraint. */
export function referencedColumns(table: TableObject, sql: string): number[] {
  const found: number[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const node = value as Record<string, unknown>;
    if (node.ColumnRef !== undefined) {
      const fields = names((node.ColumnRef as { fields?: Node[] }).fields);
      const index = table.columns.findIndex((c) => c.name === fields[fields.length - 1]);
      if (index >= 0 && !found.includes(index + 1)) found.push(index + 1);
      return;
    }
    for (const child of Object.values(node)) visit(child);
  };
  try {
    visit(parseExpression(sql));
  } catch {
    return [];
  }
  return found.sort((a, b) => a - b);
}
