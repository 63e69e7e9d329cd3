/**
 * Expressions back to SQL text, for what the catalog keeps as text (column defaults, CHECK
 * constraints): parsing the text again gives the same tree. libpg-query has no deparser, so
 * this covers the expression forms DDL uses; anything else is refused with 0A000 rather than
 * stored wrongly.
 */
import { quoteIdentifier as quoteIdent } from '../functions/names.ts';
import { bodyOf, constantOf, kindOf, list, names, unsupported, type Body, type Node } from './ast.ts';

export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function typeText(typeName: Body): string {
  const parts = names(typeName.names).filter((p, i, all) => !(p === 'pg_catalog' && all.length > 1));
  const mods = list(typeName.typmods).map((m) => String(constantOf(m.A_Const).value));
  const arrays = list(typeName.arrayBounds).length > 0 ? '[]' : '';
  return `${parts.map((p) => (p === 'char' && names(typeName.names).length === 1 ? '"char"' : p)).join('.')}${mods.length > 0 ? `(${mods.join(',')})` : ''}${arrays}`;
}

export function deparse(node: Node): string {
  const kind = kindOf(node);
  const body = bodyOf(node);
  switch (kind) {
    case 'A_Const': {
      const c = constantOf(body);
      if (c.kind === 'null') return 'NULL';
      if (c.kind === 'string') return quoteLiteral(c.value as string);
      if (c.kind === 'bool') return c.value === true ? 'true' : 'false';
      const text = String(c.value);
      return text.startsWith('-') ? `(${text})` : text;
    }
    case 'ColumnRef':
      return names(body.fields).map(quoteIdent).join('.');
    case 'TypeCast':
      return `(${deparse(body.arg)})::${typeText(body.typeName)}`;
    case 'FuncCall': {
      const fn = names(body.funcname).map(quoteIdent).join('.');
      if (body.agg_star === true) return `${fn}(*)`;
      return `${fn}(${list(body.args).map(deparse).join(', ')})`;
    }
    case 'A_Expr': {
      const op = names(body.name).pop() ?? '';
      switch (body.kind as string) {
        case 'AEXPR_OP':
          return body.lexpr === undefined ? `(${op} ${deparse(body.rexpr)})` : `(${deparse(body.lexpr)} ${op} ${deparse(body.rexpr)})`;
        case 'AEXPR_LIKE':
        case 'AEXPR_ILIKE':
          return `(${deparse(body.lexpr)} ${op} ${deparse(body.rexpr)})`;
        case 'AEXPR_IN':
          return `(${deparse(body.lexpr)} ${op === '=' ? 'IN' : 'NOT IN'} (${list(body.rexpr.List?.items ?? body.rexpr).map((n: Node) => deparse(n)).join(', ')}))`;
        case 'AEXPR_BETWEEN':
        case 'AEXPR_NOT_BETWEEN': {
          const [lo, hi] = list(body.rexpr.List?.items ?? body.rexpr);
          return `(${deparse(body.lexpr)} ${body.kind === 'AEXPR_BETWEEN' ? 'BETWEEN' : 'NOT BETWEEN'} ${deparse(lo)} AND ${deparse(hi)})`;
        }
        case 'AEXPR_DISTINCT':
          return `(${deparse(body.lexpr)} IS DISTINCT FROM ${deparse(body.rexpr)})`;
        case 'AEXPR_NOT_DISTINCT':
          return `(${deparse(body.lexpr)} IS NOT DISTINCT FROM ${deparse(body.rexpr)})`;
        case 'AEXPR_OP_ANY':
          return `(${deparse(body.lexpr)} ${op} ANY (${deparse(body.rexpr)}))`;
        case 'AEXPR_OP_ALL':
          return `(${deparse(body.lexpr)} ${op} ALL (${deparse(body.rexpr)}))`;
        default:
          throw unsupported(`this expression (${String(body.kind)}) in a stored definition`);
      }
    }
    case 'BoolExpr': {
      const args = list(body.args).map(deparse);
      if (body.boolop === 'NOT_EXPR') return `(NOT ${args[0]})`;
      return `(${args.join(body.boolop === 'AND_EXPR' ? ' AND ' : ' OR ')})`;
    }
    case 'NullTest':
      return `(${deparse(body.arg)} ${body.nulltesttype === 'IS_NULL' ? 'IS NULL' : 'IS NOT NULL'})`;
    case 'BooleanTest':
      return `(${deparse(body.arg)} ${String(body.booltesttype).replace(/_/g, ' ')})`;
    case 'SQLValueFunction':
      return String(body.op).replace('SVFOP_', '');
    case 'CaseExpr': {
      const arg = body.arg === undefined ? '' : ` ${deparse(body.arg)}`;
      const whens = list(body.args).map((w) => ` WHEN ${deparse(w.CaseWhen.expr)} THEN ${deparse(w.CaseWhen.result)}`).join('');
      const otherwise = body.defresult === undefined ? '' : ` ELSE ${deparse(body.defresult)}`;
      return `CASE${arg}${whens}${otherwise} END`;
    }
    case 'CoalesceExpr':
      return `COALESCE(${list(body.args).map(deparse).join(', ')})`;
    case 'A_ArrayExpr':
      return `ARRAY[${list(body.elements).map(deparse).join(', ')}]`;
    case 'CollateClause':
      return `(${deparse(body.arg)} COLLATE ${names(body.collname).map(quoteIdent).join('.')})`;
    default:
      throw unsupported(`this expression (${kind}) in a stored definition`);
  }
}
