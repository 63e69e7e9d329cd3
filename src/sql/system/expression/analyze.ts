/**
 * Parse trees of default, CHECK and view expressions to typed expressions (typed.ts), the way
 * PostgreSQL's parse analysis would have stored them: literals take the type their context
 * gives them, operators and functions resolve to a signature and their arguments get the
 * implicit casts that signature needs. It covers what defaults, CHECK constraints and simple
 * views use; anything else raises `NotPrintable` and the caller prints the SQL as written.
 */
import { parseType } from '../../../engine/types.ts';
import { typeFromOid } from '../../types/oids.ts';
import { textIn } from '../../types/text-in.ts';
import { textOut } from '../../types/text-out.ts';
import { parseJson, writeJsonb } from '../../functions/json/value.ts';
import { bodyOf, kindOf, list, names, type Body, type Node } from '../../bind/ast.ts';
import {
  NotPrintable,
  T,
  UNKNOWN_TYPE,
  arrayOf,
  castVia,
  commonType,
  elementOf,
  engineTypeRef,
  isNumber,
  typeOf,
  typeRef,
  type CastVia,
  type TNode,
  type TypeRef,
} from './typed.ts';
import { aggregateResult, compareTypes, functionSignatures, pickSignature, resolveBinary } from './resolve.ts';

const BOOL = typeRef(T.bool);
const TEXT = typeRef(T.text);

/** What names in an expression refer to. */
export interface ExpressionScope {
  /** A column by its name parts ([col] or [relation, col]): how it prints and its type. */
  column(fields: readonly string[]): { readonly text: string; readonly type: TypeRef } | undefined;
  /** A regclass literal as regclass output prints it (the name the relation is visible by). */
  regclassText(text: string): string | undefined;
  /** For timestamptz literals. */
  readonly timeZone: string;
}

function constant(type: TypeRef, value: string | null): TNode {
  return { k: 'const', type, value };
}

function isUnknownConst(node: TNode): node is Extract<TNode, { k: 'const' }> {
  return node.k === 'const' && node.type.oid === T.unknown;
}

/** A literal's text as the target type's input then output functions leave it. */
function literalText(text: string, target: TypeRef, scope: ExpressionScope): string {
  if (target.oid === T.regclass) return scope.regclassText(text) ?? text;
  const type = typeFromOid(target.oid);
  if (type === undefined) return text;
  try {
    const value = textIn(type, text, scope.timeZone);
    // jsonb input only validates; its output is the normalized document.
    if (type.kind === 'jsonb') return writeJsonb(parseJson(value as string));
    return textOut(type, value, scope.timeZone);
  } catch {
    return text;
  }
}

/** coerce_type in an implicit or assignment context: unknown literals become constants of the
 * target type, other values get a cast node. */
export function coerce(node: TNode, target: TypeRef, scope: ExpressionScope, implicit = true): TNode {
  const from = typeOf(node);
  if (isUnknownConst(node)) {
    const value = node.value === null ? null : literalText(node.value, typeRef(target.oid), scope);
    const folded = constant(typeRef(target.oid), value);
    return target.typmod >= 0 && !implicit ? { k: 'cast', arg: folded, type: target, implicit, via: 'function' } : folded;
  }
  if (from.oid === target.oid && (target.typmod < 0 || target.typmod === from.typmod)) return node;
  return { k: 'cast', arg: node, type: target, implicit, via: castViaTypes(from, target) };
}

function castViaTypes(from: TypeRef, to: TypeRef): CastVia {
  const fromElement = elementOf(from);
  const toElement = elementOf(to);
  if (fromElement !== undefined && toElement !== undefined) return castVia(fromElement, toElement) === 'relabel' ? 'relabel' : 'function';
  return castVia(from, to);
}

// ---- literals ---------------------------------------------------------------------------------

const INT4_MIN = -(2 ** 31);
const INT4_MAX = 2 ** 31 - 1;
const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

function numericLiteral(text: string, scope: ExpressionScope): TNode {
  if (/^-?\d+$/.test(text)) {
    const value = BigInt(text);
    if (value >= INT8_MIN && value <= INT8_MAX) return constant(typeRef(T.int8), value.toString());
  }
  return constant(typeRef(T.numeric), literalText(text, typeRef(T.numeric), scope));
}

function integerLiteral(text: string, scope: ExpressionScope): TNode {
  const value = Number(text);
  return Number.isSafeInteger(value) && value >= INT4_MIN && value <= INT4_MAX ? constant(typeRef(T.int4), String(value)) : numericLiteral(text, scope);
}

function literal(body: Body, scope: ExpressionScope): TNode {
  if (body.isnull === true) return constant(UNKNOWN_TYPE, null);
  if (body.ival !== undefined) return integerLiteral(String((body.ival.ival as number | undefined) ?? 0), scope);
  if (body.fval !== undefined) return numericLiteral(body.fval.fval as string, scope);
  if (body.boolval !== undefined) return constant(typeRef(T.bool), body.boolval.boolval === true ? 'true' : 'false');
  if (body.sval !== undefined) return constant(UNKNOWN_TYPE, (body.sval.sval as string | undefined) ?? '');
  throw new NotPrintable('bit string literal');
}

/** The parser folds a minus sign into the numeric constant it precedes. */
function negated(node: TNode, scope: ExpressionScope): TNode | undefined {
  if (node.k !== 'const' || node.value === null || !isNumber(node.type.oid)) return undefined;
  const text = node.value.startsWith('-') ? node.value.slice(1) : `-${node.value}`;
  return node.type.oid === T.numeric ? constant(node.type, text) : integerLiteral(text, scope);
}

// ---- type names -------------------------------------------------------------------------------

/** The type a TypeName names, for casts; built-in types only. */
export function typeNameRef(typeName: Body): TypeRef {
  const parts = names(typeName.names);
  const name = parts[parts.length - 1];
  const modifiers = list(typeName.typmods).map((m) => {
    const value = m.A_Const?.ival?.ival;
    if (m.A_Const === undefined) throw new NotPrintable('type modifier');
    return (value as number | undefined) ?? 0;
  });
  let base: TypeRef;
  if (name === 'char' && parts.length === 1) base = typeRef(T.char);
  else if (name === 'interval' || name.startsWith('time')) {
    if (modifiers.length > 0) throw new NotPrintable('time or interval type modifier');
    base = spelledType(name);
  } else base = spelledType(modifiers.length === 0 ? name : `${name}(${modifiers.join(',')})`);
  return list(typeName.arrayBounds).length > 0 ? arrayOf(base) : base;
}

const SQL_ONLY_TYPES: Record<string, number> = { oid: T.oid, regclass: T.regclass, regproc: T.regproc, name: T.name, json: T.json, bpchar: T.bpchar };

function spelledType(spelled: string): TypeRef {
  const sqlOnly = SQL_ONLY_TYPES[spelled];
  if (sqlOnly !== undefined) return typeRef(sqlOnly);
  try {
    return engineTypeRef(parseType(spelled));
  } catch {
    throw new NotPrintable(`type ${spelled}`);
  }
}
// ---- the walk ---------------------------------------------------------------------------------

export function analyze(node: Node, scope: ExpressionScope): TNode {
  const body = bodyOf(node);
  switch (kindOf(node)) {
    case 'A_Const':
      return literal(body, scope);
    case 'ColumnRef': {
      const fields = list(body.fields);
      if (fields.some((f) => f.A_Star !== undefined)) throw new NotPrintable('* in an expression');
      const column = scope.column(names(fields));
      if (column === undefined) throw new NotPrintable(`column ${names(fields).join('.')}`);
      return { k: 'var', text: column.text, type: column.type };
    }
    case 'TypeCast':
      return coerce(analyze(body.arg, scope), typeNameRef(body.typeName), scope, false);
    case 'A_Expr':
      return operatorExpression(body, scope);
    case 'BoolExpr': {
      const args = list(body.args).map((a) => coerce(analyze(a, scope), BOOL, scope));
      const op = body.boolop === 'AND_EXPR' ? 'AND' : body.boolop === 'OR_EXPR' ? 'OR' : 'NOT';
      return { k: 'bool', op, args };
    }
    case 'NullTest':
      return { k: 'nullTest', arg: analyze(body.arg, scope), negated: body.nulltesttype === 'IS_NOT_NULL' };
    case 'BooleanTest': {
      const tests: Record<string, string> = {
        IS_TRUE: 'IS TRUE', IS_NOT_TRUE: 'IS NOT TRUE', IS_FALSE: 'IS FALSE', IS_NOT_FALSE: 'IS NOT FALSE', IS_UNKNOWN: 'IS UNKNOWN', IS_NOT_UNKNOWN: 'IS NOT UNKNOWN',
      };
      return { k: 'boolTest', arg: coerce(analyze(body.arg, scope), BOOL, scope), test: tests[body.booltesttype as string] };
    }
    case 'FuncCall':
      return functionCall(body, scope);
    case 'SQLValueFunction':
      return sqlValueFunction(body);
    case 'CaseExpr':
      return caseExpression(body, scope);
    case 'CoalesceExpr': {
      const args = list(body.args).map((a) => analyze(a, scope));
      const type = commonType(args.map(typeOf));
      return { k: 'coalesce', args: args.map((a) => coerce(a, type, scope)), type };
    }
    case 'MinMaxExpr': {
      const args = list(body.args).map((a) => analyze(a, scope));
      const type = commonType(args.map(typeOf));
      return { k: body.op === 'IS_GREATEST' ? 'greatest' : 'least', args: args.map((a) => coerce(a, type, scope)), type };
    }
    case 'A_ArrayExpr': {
      const elements = list(body.elements).map((e) => analyze(e, scope));
      if (elements.length === 0) throw new NotPrintable('empty ARRAY[]');
      const type = commonType(elements.map(typeOf));
      return { k: 'array', elements: elements.map((e) => coerce(e, type, scope)), type: arrayOf(typeRef(type.oid)) };
    }
    case 'A_Indirection':
      return subscript(body, scope);
    case 'CollateClause': {
      // A constant takes the collation into itself; PostgreSQL prints it without the clause.
      const arg = analyze(body.arg, scope);
      if (arg.k === 'const') return isUnknownConst(arg) ? coerce(arg, TEXT, scope) : arg;
      return { k: 'collate', arg, collation: names(body.collname).join('.'), type: typeOf(arg) };
    }
    default:
      throw new NotPrintable(kindOf(node));
  }
}

function operatorName(body: Body): string {
  const parts = names(body.name);
  return parts[parts.length - 1];
}

function binary(op: string, left: TNode, right: TNode, scope: ExpressionScope): TNode {
  const resolved = resolveBinary(op, typeOf(left), typeOf(right));
  return {
    k: 'op',
    op,
    left: resolved.left === null ? left : coerce(left, resolved.left, scope),
    right: resolved.right === null ? right : coerce(right, resolved.right, scope),
    type: resolved.result,
  };
}

function operatorExpression(body: Body, scope: ExpressionScope): TNode {
  const op = operatorName(body);
  switch (body.kind) {
    case 'AEXPR_OP':
    case 'AEXPR_LIKE':
    case 'AEXPR_ILIKE': {
      const right = analyze(body.rexpr, scope);
      if (body.lexpr === undefined) {
        if (op === '-') {
          const folded = negated(right, scope);
          if (folded !== undefined) return folded;
        }
        const arg = isUnknownConst(right) ? coerce(right, typeRef(T.numeric), scope) : right;
        return { k: 'op', op, left: null, right: arg, type: typeOf(arg) };
      }
      return binary(op, analyze(body.lexpr, scope), right, scope);
    }
    case 'AEXPR_OP_ANY':
    case 'AEXPR_OP_ALL':
      return arrayComparison(op, analyze(body.lexpr, scope), analyze(body.rexpr, scope), body.kind === 'AEXPR_OP_ALL', scope);
    case 'AEXPR_DISTINCT':
    case 'AEXPR_NOT_DISTINCT': {
      const compared = binary('=', analyze(body.lexpr, scope), analyze(body.rexpr, scope), scope) as Extract<TNode, { k: 'op' }>;
      const distinct: TNode = { k: 'distinct', left: compared.left as TNode, right: compared.right };
      return body.kind === 'AEXPR_DISTINCT' ? distinct : { k: 'bool', op: 'NOT', args: [distinct] };
    }
    case 'AEXPR_NULLIF': {
      const compared = binary('=', analyze(body.lexpr, scope), analyze(body.rexpr, scope), scope) as Extract<TNode, { k: 'op' }>;
      const left = compared.left as TNode;
      return { k: 'nullif', left, right: compared.right, type: typeOf(left) };
    }
    case 'AEXPR_IN':
      return inList(op, body, scope);
    case 'AEXPR_BETWEEN':
    case 'AEXPR_NOT_BETWEEN': {
      const [low, high] = list(body.rexpr.List.items);
      const within = body.kind === 'AEXPR_BETWEEN';
      const below = binary(within ? '>=' : '<', analyze(body.lexpr, scope), analyze(low, scope), scope);
      const above = binary(within ? '<=' : '>', analyze(body.lexpr, scope), analyze(high, scope), scope);
      return { k: 'bool', op: within ? 'AND' : 'OR', args: [below, above] };
    }
    default:
      throw new NotPrintable(String(body.kind));
  }
}

function arrayComparison(op: string, left: TNode, array: TNode, all: boolean, scope: ExpressionScope): TNode {
  const element = elementOf(typeOf(array)) ?? typeOf(left);
  const [leftCast, elementCast] = compareTypes(typeOf(left), element);
  const right = elementCast === null ? array : coerce(array, arrayOf(elementCast), scope);
  return { k: 'arrayOp', op, all, left: leftCast === null ? left : coerce(left, leftCast, scope), right };
}

/** x IN (list): `x = ANY (ARRAY[…])` when the list is constants, else a chain of ORs. */
function inList(op: string, body: Body, scope: ExpressionScope): TNode {
  const negatedIn = op === '<>';
  const left = analyze(body.lexpr, scope);
  const items = list(body.rexpr.List?.items ?? []).map((n) => analyze(n, scope));
  if (items.every((item) => item.k === 'const' || item.k === 'cast')) {
    const type = commonType([typeOf(left), ...items.map(typeOf)]);
    const array: TNode = { k: 'array', elements: items.map((item) => coerce(item, type, scope)), type: arrayOf(typeRef(type.oid)) };
    return arrayComparison(op, coerce(left, type, scope), array, negatedIn, scope);
  }
  const tests = items.map((item) => binary(op, left, item, scope));
  return tests.length === 1 ? tests[0] : { k: 'bool', op: negatedIn ? 'AND' : 'OR', args: tests };
}

function functionCall(body: Body, scope: ExpressionScope): TNode {
  const parts = names(body.funcname);
  if (parts.length > 2 || (parts.length === 2 && parts[0] !== 'pg_catalog')) throw new NotPrintable(`function ${parts.join('.')}`);
  if (body.over !== undefined || body.agg_order !== undefined || body.agg_filter !== undefined || body.func_variadic === true) throw new NotPrintable('window or ordered aggregate');
  const name = parts[parts.length - 1];
  const args = list(body.args).map((a) => analyze(a, scope));
  const star = body.agg_star === true;
  const distinct = body.agg_distinct === true;
  const widened = args.length === 1 ? aggregateResult(name, typeOf(args[0])) : undefined;
  if (widened !== undefined) return { k: 'func', name, args, type: widened, distinct };
  const signature = pickSignature(functionSignatures(name), args);
  if (signature === undefined) throw new NotPrintable(`function ${name}`);
  const cast = args.map((arg, i) => {
    const wanted = signature.args[i];
    return wanted === 'same' ? arg : coerce(arg, typeRef(wanted), scope);
  });
  const type = signature.result === 'arg' ? typeOf(cast[0]) : typeRef(signature.result);
  return { k: 'func', name, args: cast, type, star, distinct };
}

const SQL_VALUE_FUNCTIONS: Record<string, [string, number]> = {
  SVFOP_CURRENT_DATE: ['CURRENT_DATE', T.date],
  SVFOP_CURRENT_TIME: ['CURRENT_TIME', T.unknown],
  SVFOP_CURRENT_TIME_N: ['CURRENT_TIME', T.unknown],
  SVFOP_CURRENT_TIMESTAMP: ['CURRENT_TIMESTAMP', T.timestamptz],
  SVFOP_CURRENT_TIMESTAMP_N: ['CURRENT_TIMESTAMP', T.timestamptz],
  SVFOP_LOCALTIME: ['LOCALTIME', T.time],
  SVFOP_LOCALTIME_N: ['LOCALTIME', T.time],
  SVFOP_LOCALTIMESTAMP: ['LOCALTIMESTAMP', T.timestamp],
  SVFOP_LOCALTIMESTAMP_N: ['LOCALTIMESTAMP', T.timestamp],
  SVFOP_CURRENT_ROLE: ['CURRENT_ROLE', T.name],
  SVFOP_CURRENT_USER: ['CURRENT_USER', T.name],
  SVFOP_USER: ['USER', T.name],
  SVFOP_SESSION_USER: ['SESSION_USER', T.name],
  SVFOP_CURRENT_CATALOG: ['CURRENT_CATALOG', T.name],
  SVFOP_CURRENT_SCHEMA: ['CURRENT_SCHEMA', T.name],
};

function sqlValueFunction(body: Body): TNode {
  const entry = SQL_VALUE_FUNCTIONS[body.op as string];
  if (entry === undefined) throw new NotPrintable(String(body.op));
  const precision = (body.op as string).endsWith('_N') ? `(${(body.typmod as number | undefined) ?? 0})` : '';
  return { k: 'keyword', text: `${entry[0]}${precision}`, type: typeRef(entry[1]) };
}

function caseExpression(body: Body, scope: ExpressionScope): TNode {
  const arg = body.arg === undefined ? null : analyze(body.arg, scope);
  const whens = list(body.args).map((w) => {
    const when = w.CaseWhen as Body;
    const condition = analyze(when.expr, scope);
    return { when: arg === null ? coerce(condition, BOOL, scope) : (binary('=', arg, condition, scope) as Extract<TNode, { k: 'op' }>).right, then: analyze(when.result, scope) };
  });
  const otherwise = body.defresult === undefined ? constant(UNKNOWN_TYPE, null) : analyze(body.defresult, scope);
  const type = commonType([...whens.map((w) => typeOf(w.then)), typeOf(otherwise)]);
  return {
    k: 'case',
    arg,
    whens: whens.map((w) => ({ when: w.when, then: coerce(w.then, type, scope) })),
    otherwise: coerce(otherwise, type, scope),
    type,
  };
}

function subscript(body: Body, scope: ExpressionScope): TNode {
  const arg = analyze(body.arg, scope);
  const indirection = list(body.indirection);
  const element = elementOf(typeOf(arg));
  if (indirection.length !== 1 || indirection[0].A_Indices === undefined || element === undefined || arg.k !== 'var') throw new NotPrintable('indirection');
  const indices = indirection[0].A_Indices as Body;
  if (indices.is_slice === true) throw new NotPrintable('array slice');
  return { k: 'subscript', arg, index: coerce(analyze(indices.uidx, scope), typeRef(T.int4), scope), type: element };
}
