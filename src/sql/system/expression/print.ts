/**
 * Typed expressions as PostgreSQL 15's ruleutils prints them (pg_get_expr, pg_get_constraintdef,
 * pg_get_viewdef): constants with their type label unless the type goes without saying, implicit
 * casts shown except at the top and in a few other places, parentheses around every operator
 * unless pretty, in which case only where precedence needs them, CASE on indented lines.
 */
import { formatType } from '../format-type.ts';
import { quoteIdent } from '../identifiers.ts';
import { T, type TNode, type TypeRef } from './typed.ts';

/** PostgreSQL's PRETTYINDENT_VAR: the indentation of CASE branches and wrapped target lists. */
export const INDENT_VAR = 4;

function typeText(type: TypeRef): string {
  return formatType(type.oid, type.typmod) ?? '???';
}

type Parent = TNode | null;

export class Printer {
  buf = '';
  indentLevel = 0;

  /** `pretty`: PostgreSQL's PRETTYFLAG_PAREN (parentheses only where needed). */
  constructor(readonly pretty: boolean) {}

  append(text: string): void {
    this.buf += text;
  }

  /** appendContextKeyword: a new line indented to the current level, then the keyword. */
  keyword(text: string, indentBefore: number, indentAfter: number, indentPlus: number): void {
    this.indentLevel += indentBefore;
    this.buf = this.buf.replace(/ +$/, '');
    this.buf += `\n${' '.repeat(Math.max(this.indentLevel, 0) + indentPlus)}${text}`;
    this.indentLevel = Math.max(this.indentLevel + indentAfter, 0);
  }

  /** get_rule_expr. */
  expr(node: TNode, showImplicit: boolean): void {
    switch (node.k) {
      case 'var':
        this.append(node.text);
        return;
      case 'const':
        this.constant(node, 0);
        return;
      case 'cast':
        if (node.implicit && !showImplicit) this.paren(node.arg, false, node);
        else this.coercion(node.arg, node.type, node);
        return;
      case 'op':
        this.open();
        if (node.left === null) {
          this.append(`${node.op} `);
        } else {
          this.paren(node.left, true, node);
          this.append(` ${node.op} `);
        }
        this.paren(node.right, true, node);
        this.close();
        return;
      case 'func':
        this.append(`${quoteIdent(node.name)}(`);
        if (node.star === true) this.append('*');
        if (node.distinct === true) this.append('DISTINCT ');
        this.list(node.args);
        this.append(')');
        return;
      case 'bool':
        this.open();
        if (node.op === 'NOT') {
          this.append('NOT ');
          this.paren(node.args[0], false, node);
        } else {
          node.args.forEach((arg, i) => {
            if (i > 0) this.append(` ${node.op} `);
            this.paren(arg, false, node);
          });
        }
        this.close();
        return;
      case 'nullTest':
        this.open();
        this.paren(node.arg, true, node);
        this.append(node.negated ? ' IS NOT NULL' : ' IS NULL');
        this.close();
        return;
      case 'boolTest':
        this.open();
        this.paren(node.arg, false, node);
        this.append(` ${node.test}`);
        this.close();
        return;
      case 'distinct':
        this.open();
        this.paren(node.left, true, node);
        this.append(' IS DISTINCT FROM ');
        this.paren(node.right, true, node);
        this.close();
        return;
      case 'arrayOp':
        this.open();
        this.paren(node.left, true, node);
        this.append(` ${node.op} ${node.all ? 'ALL' : 'ANY'} (`);
        this.paren(node.right, true, node);
        this.append(')');
        this.close();
        return;
      case 'array':
        this.append('ARRAY[');
        this.list(node.elements);
        this.append(']');
        return;
      case 'case':
        this.caseExpr(node);
        return;
      case 'coalesce':
      case 'greatest':
      case 'least':
        this.append(`${node.k.toUpperCase()}(`);
        this.list(node.args);
        this.append(')');
        return;
      case 'nullif':
        this.append('NULLIF(');
        this.list([node.left, node.right]);
        this.append(')');
        return;
      case 'keyword':
        this.append(node.text);
        return;
      case 'subscript':
        this.paren(node.arg, true, node);
        this.append('[');
        this.expr(node.index, false);
        this.append(']');
        return;
      case 'collate':
        this.open();
        this.paren(node.arg, showImplicit, node);
        this.append(` COLLATE ${quoteIdent(node.collation)}`);
        this.close();
        return;
    }
  }

  private open(): void {
    if (!this.pretty) this.append('(');
  }

  private close(): void {
    if (!this.pretty) this.append(')');
  }

  private list(nodes: readonly TNode[]): void {
    nodes.forEach((node, i) => {
      if (i > 0) this.append(', ');
      this.expr(node, true);
    });
  }

  /** get_rule_expr_paren. */
  paren(node: TNode, showImplicit: boolean, parent: Parent): void {
    const needParens = this.pretty && !isSimple(node, parent, this.pretty);
    if (needParens) this.append('(');
    this.expr(node, showImplicit);
    if (needParens) this.append(')');
  }

  /** get_coercion_expr: a constant of the cast's own type prints bare before the label. */
  private coercion(arg: TNode, type: TypeRef, node: TNode): void {
    if (arg.k === 'const' && arg.type.oid === type.oid && arg.type.typmod === -1) {
      this.constant(arg, -1);
    } else {
      this.open();
      this.paren(arg, false, node);
      this.close();
    }
    this.append(`::${typeText(type)}`);
  }

  /** get_const_expr; showType -1 never labels, 0 labels where the text alone would not say the
   * type, 1 always labels. */
  constant(node: Extract<TNode, { k: 'const' }>, showType: -1 | 0 | 1): void {
    const { type, value } = node;
    if (value === null) {
      this.append('NULL');
      if (showType >= 0) this.append(`::${typeText(type)}`);
      return;
    }
    let needLabel: boolean;
    switch (type.oid) {
      case T.int4:
        needLabel = value.startsWith('-');
        this.append(needLabel ? `'${value}'` : value);
        break;
      case T.numeric:
        needLabel = !(/^\d/.test(value) && /[eE.]/.test(value));
        this.append(needLabel ? `'${value}'` : value);
        break;
      case T.bool:
        needLabel = false;
        this.append(value === 'true' || value === 't' ? 'true' : 'false');
        break;
      default:
        needLabel = true;
        this.append(`'${value.replace(/'/g, "''")}'`);
    }
    if (showType < 0) return;
    if (type.oid === T.unknown || type.oid === T.bool) needLabel = false;
    if (type.oid === T.numeric) needLabel ||= type.typmod >= 0;
    if (needLabel || showType > 0) this.append(`::${typeText(type)}`);
  }

  private caseExpr(node: Extract<TNode, { k: 'case' }>): void {
    this.keyword('CASE', 0, INDENT_VAR, 0);
    if (node.arg !== null) {
      this.append(' ');
      this.expr(node.arg, true);
    }
    for (const { when, then } of node.whens) {
      this.keyword('WHEN ', 0, 0, 0);
      this.expr(when, false);
      this.append(' THEN ');
      this.expr(then, true);
    }
    this.keyword('ELSE ', 0, 0, 0);
    this.expr(node.otherwise, true);
    this.keyword('END', -INDENT_VAR, 0, 0);
  }
}

function isCastFunction(node: Parent): boolean {
  return node !== null && node.k === 'cast' && node.via === 'function';
}

/** The parents that separate their arguments themselves (ruleutils' "own parentheses"). */
function separatesArguments(parent: Parent): boolean {
  if (parent === null) return false;
  switch (parent.k) {
    case 'func':
    case 'bool':
    case 'subscript':
    case 'array':
    case 'coalesce':
    case 'greatest':
    case 'least':
    case 'nullif':
    case 'case':
      return true;
    default:
      return false;
  }
}

const LOW_PRIORITY = new Set(['+', '-']);
const HIGH_PRIORITY = new Set(['*', '/', '%']);

/** isSimpleNode: whether a node needs no parentheses of its own under `parent` (pretty mode). */
function isSimple(node: TNode, parent: Parent, pretty: boolean): boolean {
  switch (node.k) {
    case 'var':
    case 'const':
    case 'subscript':
    case 'array':
    case 'coalesce':
    case 'greatest':
    case 'least':
    case 'keyword':
    case 'nullif':
    case 'func':
    case 'case':
      return true;
    case 'cast':
      return node.via === 'function' || isSimple(node.arg, node, pretty);
    case 'op':
      if (pretty && parent !== null && parent.k === 'op') {
        if (node.left === null || parent.left === null) return false;
        const low = LOW_PRIORITY.has(node.op);
        const high = HIGH_PRIORITY.has(node.op);
        const parentLow = LOW_PRIORITY.has(parent.op);
        const parentHigh = HIGH_PRIORITY.has(parent.op);
        if (!(low || high) || !(parentLow || parentHigh)) return false;
        if (high && parentLow) return true;
        if (low && parentHigh) return false;
        return parent.left === node;
      }
      return simpleUnder(parent);
    case 'nullTest':
    case 'boolTest':
    case 'distinct':
      return simpleUnder(parent);
    case 'bool':
      if (parent !== null && parent.k === 'bool') {
        if (!pretty) return false;
        if (node.op === 'OR') return parent.op === 'OR';
        return parent.op === 'AND' || parent.op === 'OR';
      }
      return simpleUnder(parent);
    default:
      return false;
  }
}

/** The fall-through of isSimpleNode for operators, tests and boolean expressions. */
function simpleUnder(parent: Parent): boolean {
  return !isCastFunction(parent) && separatesArguments(parent);
}

/** An expression as pg_get_expr prints it. */
export function printExpression(node: TNode, pretty: boolean): string {
  const printer = new Printer(pretty);
  printer.expr(node, false);
  return printer.buf;
}
