/**
 * Binding expressions: names to column positions, literals and parameters to typed values,
 * operators and functions to resolved signatures with their arguments cast, special syntax
 * (BETWEEN, IN, LIKE, CASE, IS DISTINCT FROM, …) to the plan's expression nodes.
 *
 * Aggregate, window and (in a select list) set-returning calls are collected by the query
 * binder: here they become markers (`outer` with depth AGGREGATE_MARK / WINDOW_MARK /
 * SET_CALL_MARK) that it rewrites to output positions.
 */
import { MAX_DIMENSIONS, tooManyDimensions } from '../../engine/array-value.ts';
import { EngineError, SqlState } from '../../engine/errors.ts';
import type { Value } from '../../engine/types.ts';
import type { AggregateCall, Expr, Rel, SetCall, SortKey, WindowCall, WindowFrame, FrameBound } from '../plan/ir.ts';
import { BOOL, INT4, INT8, TEXT, UNKNOWN, type SqlArrayType, type SqlScalarType, type SqlType } from '../types/sql-type.ts';
import { bodyOf, constantOf, kindOf, list, names, positionOf, unsupported, type Body, type Node } from './ast.ts';
import { commonType, identicalType } from './common-type.ts';
import type { BindOptions, CastContext } from './context.ts';
import type { Scope } from './scope.ts';
import { typeFromName } from './type-name.ts';
import { exprKey, mapExpr } from './walk.ts';

export const AGGREGATE_MARK = -1;
export const WINDOW_MARK = -2;
export const SET_CALL_MARK = -3;
export const GROUPING_MARK = -4;

const MOVE_TO_LATERAL = 'You might be able to move the set-returning function into a LATERAL FROM item.';

/** Where the expression is: decides whether aggregates / windows / SRFs are allowed. */
export interface ExprPlace {
  readonly aggregates: AggregateCall[] | null;
  readonly windows: WindowCall[] | null;
  readonly windowSpecs: { partitionBy: Expr[]; orderBy: SortKey[] }[] | null;
  /** For each window call, the index of its spec in `windowSpecs`. */
  readonly windowCallSpecs?: number[];
  /** Name of the clause, for "aggregate functions are not allowed in WHERE". */
  readonly clause: string;
  /** The select list's set-returning calls; absent where none are allowed, `srfClause` then
   * naming the place for the error when it is not `clause` (CASE, COALESCE). */
  readonly setCalls?: SetCall[];
  readonly srfClause?: string;
  /** The query's WINDOW clause, by name. */
  readonly windowDefinitions?: ReadonlyMap<string, WindowDefinition>;
  /** The arguments of each GROUPING(…) call, where aggregates are allowed. */
  readonly groupings?: (readonly Expr[])[];
}

/** A window specification, bound: PARTITION BY and ORDER BY, and the WindowDef whose frame
 * clause (frameOptions and offsets) it has. */
export interface WindowDefinition {
  readonly partitionBy: Expr[];
  readonly orderBy: SortKey[];
  readonly frame: Body;
}

// PostgreSQL's FRAMEOPTION_* bits (nodes/parsenodes.h).
const FRAME_NONDEFAULT = 0x1;
const FRAME_DEFAULTS = 0x422;
const FRAME_EXCLUDE_CURRENT_ROW = 0x8000;
const FRAME_EXCLUDE_GROUP = 0x10000;
const FRAME_EXCLUDE_TIES = 0x20000;

export const PLAIN: ExprPlace = { aggregates: null, windows: null, windowSpecs: null, clause: '' };

export interface SubqueryBinder {
  /** Binds a nested SELECT whose outer references resolve through `scope`. */
  bindSubquery(select: Body, scope: Scope): { plan: Rel; columns: readonly { name: string; type: SqlType }[]; correlated: boolean };
}

export class ExprBinder {
  readonly parameterTypes: (SqlType | undefined)[];
  /** Set when an expression read a column of an enclosing query. */
  correlated = false;

  constructor(
    readonly options: BindOptions,
    private readonly subqueries: SubqueryBinder,
  ) {
    this.parameterTypes = options.parameterTypes.map((t) => (t === undefined || t.kind === 'unknown' ? undefined : t));
  }

  get functions() {
    return this.options.functions;
  }

  position(body: Body | undefined): number | undefined {
    return positionOf(body, this.options.offset);
  }

  // ---- entry points ------------------------------------------------------------------------

  bind(node: Node, scope: Scope, place: ExprPlace = PLAIN): Expr {
    const kind = kindOf(node);
    const body = node[kind];
    switch (kind) {
      case 'A_Const':
        return this.constant(body);
      case 'ColumnRef':
        return this.columnRef(body, scope);
      case 'ParamRef':
        return this.param(body);
      case 'TypeCast':
        return this.typeCast(body, scope, place);
      case 'A_Expr':
        return this.aExpr(body, scope, place);
      case 'BoolExpr':
        return this.boolExpr(body, scope, place);
      case 'NullTest': {
        const arg = this.bind(body.arg, scope, place);
        return { op: 'isNull', type: BOOL, arg, negated: body.nulltesttype === 'IS_NOT_NULL' };
      }
      case 'BooleanTest':
        return this.booleanTest(body, scope, place);
      case 'FuncCall':
        return this.funcCall(body, scope, place);
      case 'SQLValueFunction':
        return this.sqlValueFunction(body);
      case 'CaseExpr':
        return this.caseExpr(body, scope, place);
      case 'CoalesceExpr': {
        const args = list(body.args).map((a) => this.bind(a, scope, { ...place, setCalls: undefined, srfClause: 'COALESCE' }));
        const type = commonType(args.map((a) => a.type), 'COALESCE', this.position(body));
        return { op: 'coalesce', type, args: args.map((a) => this.coerce(a, type, 'implicit')) };
      }
      case 'MinMaxExpr': {
        const args = list(body.args).map((a) => this.bind(a, scope, place));
        const name = body.op === 'IS_GREATEST' ? 'GREATEST' : 'LEAST';
        const type = commonType(args.map((a) => a.type), name, this.position(body));
        return { op: body.op === 'IS_GREATEST' ? 'greatest' : 'least', type, args: args.map((a) => this.coerce(a, type, 'implicit')) };
      }
      case 'NullIfExpr':
        throw unsupported('NULLIF node', this.position(body));
      case 'SubLink':
        return this.subLink(body, scope, place);
      case 'GroupingFunc':
        return this.groupingCall(body, scope, place);
      case 'A_ArrayExpr':
        return this.arrayExpr(body, scope, place);
      case 'RowExpr': {
        const fields = list(body.args).map((a) => this.bind(a, scope, place));
        return { op: 'row', type: { kind: 'record', fields: fields.map((f) => f.type) }, fields };
      }
      case 'CollateClause':
        return this.bind(body.arg, scope, place);
      case 'A_Indirection':
        return this.indirection(body, scope, place);
      case 'SetToDefault':
        throw new EngineError(SqlState.syntaxError, 'DEFAULT is not allowed in this context', { position: this.position(body) });
      default:
        throw unsupported(`expression ${kind}`, this.position(body));
    }
  }

  /** Binds and coerces to bool, for WHERE / ON / HAVING / CHECK. */
  bindCondition(node: Node, scope: Scope, clause: string, place: ExprPlace = { ...PLAIN, clause }): Expr {
    const expr = this.bind(node, scope, place);
    if (expr.type.kind === 'bool') return expr;
    if (expr.type.kind === 'unknown') return this.coerce(expr, BOOL, 'implicit');
    throw new EngineError(SqlState.datatypeMismatch, `argument of ${clause} must be type boolean, not type ${this.functions.typeName(expr.type)}`, {
      position: positionOf(bodyOf(node), this.options.offset),
    });
  }

  // ---- leaves ------------------------------------------------------------------------------

  private constant(body: Body): Expr {
    const c = constantOf(body);
    switch (c.kind) {
      case 'null':
        return { op: 'const', type: UNKNOWN, value: null };
      case 'bool':
        return { op: 'const', type: BOOL, value: c.value as boolean };
      case 'int': {
        const n = c.value as number;
        return { op: 'const', type: INT4, value: n };
      }
      case 'float': {
        const text = c.value as string;
        // Integers too large for int4 arrive as fval: PostgreSQL types them int8, then numeric.
        if (/^-?\d+$/.test(text)) {
          const big = BigInt(text);
          if (big >= -(2n ** 63n) && big < 2n ** 63n) return { op: 'const', type: INT8, value: big };
        }
        return { op: 'const', type: { kind: 'numeric' }, value: this.functions.castConstant(text, UNKNOWN, { kind: 'numeric' }, 'explicit') };
      }
      case 'string':
        return { op: 'const', type: UNKNOWN, value: c.value as string };
      case 'bits':
        throw unsupported('bit string literals', this.position(body));
    }
  }

  private columnRef(body: Body, scope: Scope): Expr {
    const fields = list(body.fields);
    const star = fields.length > 0 && kindOf(fields[fields.length - 1]) === 'A_Star';
    if (star) throw new EngineError(SqlState.syntaxError, 'row expansion via "*" is not supported here', { position: this.position(body) });
    const resolved = scope.resolve(names(fields), false, this.position(body));
    if (resolved.kind !== 'column') throw unsupported('whole-row references', this.position(body));
    if (resolved.depth === 0) return { op: 'column', type: resolved.column.type, index: resolved.column.index };
    this.correlated = true;
    return { op: 'outer', type: resolved.column.type, depth: resolved.depth, index: resolved.column.index };
  }

  private param(body: Body): Expr {
    const n = body.number as number;
    if (n < 1 || n > 65535) throw new EngineError(SqlState.undefinedParameter, `there is no parameter $${n}`, { position: this.position(body) });
    while (this.parameterTypes.length < n) this.parameterTypes.push(undefined);
    const type = this.parameterTypes[n - 1];
    return { op: 'param', type: type ?? UNKNOWN, index: n - 1 };
  }

  // ---- coercion ----------------------------------------------------------------------------

  /** `expr` as a value of `type`: unknown literals converted now, unknown parameters typed,
   * anything else cast when the context allows it (42804 otherwise). */
  coerce(expr: Expr, type: SqlType, context: CastContext, what?: string, position?: number): Expr {
    if (type.kind === 'unknown') return expr;
    if (identicalType(expr.type, type)) return expr;
    if (expr.op === 'param' && expr.type.kind === 'unknown') {
      this.parameterTypes[expr.index] = type;
      return { ...expr, type };
    }
    if (expr.op === 'const' && (expr.type.kind === 'unknown' || expr.value === null)) {
      return { op: 'const', type, value: expr.value === null ? null : this.castConstant(expr.value, expr.type, type, 'explicit', position) };
    }
    const from = expr.type;
    if (!this.functions.canCast(from, type, context)) {
      const target = this.functions.typeName(type);
      const source = this.functions.typeName(from);
      throw new EngineError(
        context === 'explicit' ? SqlState.cannotCoerce : SqlState.datatypeMismatch,
        context === 'explicit' ? `cannot cast type ${source} to ${target}` : what === undefined ? `argument is of type ${source} but ${target} is expected` : `${what} is of type ${target} but expression is of type ${source}`,
        { position, hint: context === 'explicit' ? undefined : 'You will need to rewrite or cast the expression.' },
      );
    }
    if (expr.op === 'const') return { op: 'const', type, value: this.castConstant(expr.value, from, type, context, position) };
    return { op: 'cast', type, context, arg: expr };
  }

  private castConstant(value: Value, from: SqlType, to: SqlType, context: CastContext, position?: number): Value {
    try {
      return this.functions.castConstant(value, from, to, context);
    } catch (error) {
      if (error instanceof EngineError && error.position === undefined && position !== undefined) {
        throw new EngineError(error.code, error.message, { detail: error.detail, hint: error.hint, position });
      }
      throw error;
    }
  }

  /** Parameters still untyped at the end of binding are text, as PostgreSQL's unknown. */
  finishParameters(): SqlType[] {
    return this.parameterTypes.map((t) => t ?? TEXT);
  }

  private typeCast(body: Body, scope: Scope, place: ExprPlace): Expr {
    const type = typeFromName(body.typeName, this.options.offset);
    // ARRAY[…]::T[] builds the array as T[] directly, as PostgreSQL does (so ARRAY[]::int[] works).
    const arg = kindOf(body.arg) === 'A_ArrayExpr' && type.kind === 'array' ? this.arrayExpr(bodyOf(body.arg), scope, place, type) : this.bind(body.arg, scope, place);
    const position = this.position(body.typeName) ?? this.position(body);
    if (arg.op === 'param' && arg.type.kind === 'unknown') return this.coerce(arg, type, 'explicit');
    if (arg.op === 'const' && arg.type.kind === 'unknown') {
      return { op: 'const', type, value: arg.value === null ? null : this.castConstant(arg.value, UNKNOWN, type, 'explicit', this.position(body.arg?.A_Const) ?? position) };
    }
    if (identicalType(arg.type, type)) return arg;
    return this.coerce(arg, type, 'explicit', undefined, position);
  }

  // ---- operators ---------------------------------------------------------------------------

  operator(name: string, left: Expr | null, right: Expr, position?: number): Expr {
    let resolved;
    try {
      resolved = this.functions.operator(name, left?.type ?? null, right.type);
    } catch (error) {
      throw withPosition(error, position);
    }
    const args = left === null ? [right] : [left, right];
    const cast = args.map((a, i) => this.coerce(a, resolved.argTypes[i], 'implicit', undefined, position));
    return { op: 'call', type: resolved.returnType, kind: 'operator', name, argTypes: resolved.argTypes, args: cast };
  }

  private aExpr(body: Body, scope: Scope, place: ExprPlace): Expr {
    const position = this.position(body);
    const opName = names(body.name);
    const name = opName[opName.length - 1];
    switch (body.kind as string) {
      case 'AEXPR_OP': {
        if (kindOf(body.lexpr) === 'RowExpr' && kindOf(body.rexpr) === 'SubLink' && body.rexpr.SubLink.subLinkType === 'EXPR_SUBLINK') {
          return this.subLink({ ...body.rexpr.SubLink, subLinkType: 'ROWCOMPARE_SUBLINK', testexpr: body.lexpr, operName: body.name }, scope, place);
        }
        const left = body.lexpr === undefined ? null : this.bind(body.lexpr, scope, place);
        const right = this.bind(body.rexpr, scope, place);
        if (left !== null && left.op === 'row' && right.op === 'row') {
          if (left.fields.length !== right.fields.length) throw new EngineError(SqlState.syntaxError, 'unequal number of entries in row expressions', { position });
          return this.rowComparison(name, left.fields, right.fields, position);
        }
        return this.operator(name, left, right, position);
      }
      case 'AEXPR_LIKE':
      case 'AEXPR_ILIKE':
      case 'AEXPR_SIMILAR': {
        if (body.kind === 'AEXPR_SIMILAR') throw unsupported('SIMILAR TO', position);
        return this.operator(name, this.bind(body.lexpr, scope, place), this.bind(body.rexpr, scope, place), position);
      }
      case 'AEXPR_DISTINCT':
      case 'AEXPR_NOT_DISTINCT': {
        const [left, right, type] = this.commonOperands(body, scope, place, 'IS DISTINCT FROM', position);
        return { op: 'isDistinct', type: BOOL, argType: type, left, right, negated: body.kind === 'AEXPR_NOT_DISTINCT' };
      }
      case 'AEXPR_NULLIF': {
        const [left, right, type] = this.commonOperands(body, scope, place, 'NULLIF', position);
        return { op: 'nullif', type, left, right };
      }
      case 'AEXPR_IN':
        return this.inList(body, scope, place, name === '<>');
      case 'AEXPR_BETWEEN':
      case 'AEXPR_NOT_BETWEEN':
      case 'AEXPR_BETWEEN_SYM':
      case 'AEXPR_NOT_BETWEEN_SYM': {
        const arg = this.bind(body.lexpr, scope, place);
        const [lo, hi] = list(body.rexpr.List?.items ?? body.rexpr).map((n: Node) => this.bind(n, scope, place));
        const symmetric = body.kind.endsWith('_SYM');
        const between = (a: Expr, b: Expr): Expr => ({ op: 'and', type: BOOL, args: [this.operator('>=', arg, a, position), this.operator('<=', arg, b, position)] });
        let expr = between(lo, hi);
        if (symmetric) expr = { op: 'or', type: BOOL, args: [expr, between(hi, lo)] };
        return body.kind.startsWith('AEXPR_NOT') ? { op: 'not', type: BOOL, arg: expr } : expr;
      }
      case 'AEXPR_OP_ANY':
      case 'AEXPR_OP_ALL': {
        const left = this.bind(body.lexpr, scope, place);
        const array = this.bind(body.rexpr, scope, place);
        const element: SqlType = array.type.kind === 'array' ? array.type.element : left.type.kind === 'unknown' ? TEXT : left.type;
        const { test, leftType, rightType } = this.comparisonTest(name, left.type, element, position);
        if (!isArrayElement(rightType)) throw unsupported(`arrays of ${this.functions.typeName(rightType)}`, position);
        const arrayExpr = this.coerce(array, { kind: 'array', element: rightType }, 'implicit', undefined, position);
        return { op: body.kind === 'AEXPR_OP_ANY' ? 'anyArray' : 'allArray', type: BOOL, left: this.coerce(left, leftType, 'implicit'), array: arrayExpr, test };
      }
      default:
        throw unsupported(`operator form ${String(body.kind)}`, position);
    }
  }

  /** `column0 op column1` over a two-column row, with both sides already of the operator's
   * argument types (ANY/ALL and IN subqueries evaluate it against [left, element]). */
  comparisonTest(name: string, left: SqlType, right: SqlType, position?: number): { test: Expr; leftType: SqlType; rightType: SqlType } {
    let resolved;
    try {
      resolved = this.functions.operator(name, left.kind === 'unknown' ? right : left, right.kind === 'unknown' ? left : right);
    } catch (error) {
      throw withPosition(error, position);
    }
    if (resolved.returnType.kind !== 'bool') throw new EngineError(SqlState.datatypeMismatch, `operator ${name} must return type boolean`, { position });
    const [leftType, rightType] = resolved.argTypes;
    const test: Expr = {
      op: 'call', type: BOOL, kind: 'operator', name, argTypes: resolved.argTypes,
      args: [{ op: 'column', type: leftType, index: 0 }, { op: 'column', type: rightType, index: 1 }],
    };
    return { test, leftType, rightType };
  }

  /**
   * `(a, b) op ANY (SELECT x, y …)` and `(a, b) op (SELECT x, y …)`: the left fields as a ROW,
   * each cast to its comparison's left type, and the row comparison over [left fields…,
   * subquery columns…] (the subquery's columns cast there when they need it).
   */
  private rowSubqueryTest(name: string, fields: readonly Expr[], columns: readonly { type: SqlType }[], position?: number): { left: Expr; test: Expr } {
    const width = fields.length;
    const lefts: Expr[] = [];
    const rights: Expr[] = [];
    const cast = fields.map((field, i) => {
      const column = columns[i].type;
      const { leftType, rightType } = this.comparisonTest('=', field.type, column, position);
      lefts.push({ op: 'column', type: leftType, index: i });
      rights.push(this.subqueryColumn(name, field.type, column, rightType, width + i, position));
      return this.coerce(field, leftType, 'implicit', undefined, position);
    });
    const left: Expr = { op: 'row', type: { kind: 'record', fields: cast.map((f) => f.type) }, fields: cast };
    return { left, test: this.rowComparison(name, lefts, rights, position) };
  }

  /** A subquery column as a comparison's right operand, read at `index` of the test's row and
   * cast to the operator's `rightType` when it is another type (42804 when it cannot be). */
  private subqueryColumn(name: string, left: SqlType, column: SqlType, rightType: SqlType, index: number, position?: number): Expr {
    const read: Expr = { op: 'column', type: column, index };
    if (identicalType(rightType, column)) return read;
    if (!this.functions.canCast(column, rightType, 'implicit')) {
      throw new EngineError(SqlState.datatypeMismatch, `operator does not exist: ${this.functions.typeName(left)} ${name} ${this.functions.typeName(column)}`, { position });
    }
    return { op: 'cast', type: rightType, context: 'implicit', arg: read };
  }

  /** Both operands of a comparison-like form, cast to one type that has `=`. */
  private commonOperands(body: Body, scope: Scope, place: ExprPlace, what: string, position?: number): [Expr, Expr, SqlType] {
    const left = this.bind(body.lexpr, scope, place);
    const right = this.bind(body.rexpr, scope, place);
    const type = commonType([left.type, right.type], what, position);
    this.comparisonTest('=', type, type, position);
    return [this.coerce(left, type, 'implicit'), this.coerce(right, type, 'implicit'), type];
  }

  /**
   * `(a, b) op (c, d)` field by field, as PostgreSQL's make_row_comparison_op: `=` all equal,
   * `<>` some differ, `<` `<=` `>` `>=` ordered by the first pair that is not equal (a NULL
   * pair before it makes the result NULL).
   */
  private rowComparison(name: string, left: readonly Expr[], right: readonly Expr[], position?: number): Expr {
    const pairs = (op: string): Expr[] => left.map((l, i) => this.operator(op, l, right[i], position));
    const combined = (op: 'and' | 'or', args: Expr[]): Expr => (args.length === 1 ? args[0] : { op, type: BOOL, args });
    if (name === '=') return combined('and', pairs('='));
    if (name === '<>') return combined('or', pairs('<>'));
    if (name !== '<' && name !== '<=' && name !== '>' && name !== '>=') {
      throw new EngineError(SqlState.featureNotSupported, `could not determine interpretation of row comparison operator ${name}`, {
        position, hint: 'Row comparison operators must be associated with btree operator families.',
      });
    }
    const last = left.length - 1;
    const strict = pairs(name.charAt(0));
    const equal = pairs('=');
    let result = this.operator(name, left[last], right[last], position);
    for (let i = last - 1; i >= 0; i--) result = { op: 'or', type: BOOL, args: [strict[i], { op: 'and', type: BOOL, args: [equal[i], result] }] };
    return result;
  }

  private inList(body: Body, scope: Scope, place: ExprPlace, negated: boolean): Expr {
    const position = this.position(body);
    const arg = this.bind(body.lexpr, scope, place);
    const items = list(body.rexpr.List?.items ?? body.rexpr).map((n: Node) => this.bind(n, scope, place));
    const type = commonType([arg.type, ...items.map((i) => i.type)], 'IN', position);
    const eq = this.operator('=', { op: 'column', type, index: 0 }, { op: 'column', type, index: 0 }, position);
    if (eq.type.kind !== 'bool') throw new EngineError(SqlState.datatypeMismatch, 'IN requires = to yield boolean', { position });
    return { op: 'inList', type: BOOL, arg: this.coerce(arg, type, 'implicit'), list: items.map((i) => this.coerce(i, type, 'implicit')), negated };
  }

  private boolExpr(body: Body, scope: Scope, place: ExprPlace): Expr {
    const args = list(body.args).map((a) => this.coerceBool(this.bind(a, scope, place), body));
    switch (body.boolop as string) {
      case 'AND_EXPR':
        return { op: 'and', type: BOOL, args: flatten('and', args) };
      case 'OR_EXPR':
        return { op: 'or', type: BOOL, args: flatten('or', args) };
      default:
        return { op: 'not', type: BOOL, arg: args[0] };
    }
  }

  private coerceBool(expr: Expr, body: Body): Expr {
    if (expr.type.kind === 'bool') return expr;
    if (expr.type.kind === 'unknown') return this.coerce(expr, BOOL, 'implicit');
    const op = body.boolop === 'AND_EXPR' ? 'AND' : body.boolop === 'OR_EXPR' ? 'OR' : 'NOT';
    throw new EngineError(SqlState.datatypeMismatch, `argument of ${op} must be type boolean, not type ${this.functions.typeName(expr.type)}`, { position: this.position(body) });
  }

  private booleanTest(body: Body, scope: Scope, place: ExprPlace): Expr {
    const arg = this.coerce(this.bind(body.arg, scope, place), BOOL, 'implicit');
    const t = body.booltesttype as string;
    if (t === 'IS_UNKNOWN' || t === 'IS_NOT_UNKNOWN') return { op: 'isNull', type: BOOL, arg, negated: t === 'IS_NOT_UNKNOWN' };
    const value: Expr = { op: 'const', type: BOOL, value: t === 'IS_TRUE' || t === 'IS_NOT_TRUE' };
    return { op: 'isDistinct', type: BOOL, argType: BOOL, left: arg, right: value, negated: t === 'IS_TRUE' || t === 'IS_FALSE' };
  }

  private caseExpr(body: Body, scope: Scope, outer: ExprPlace): Expr {
    const position = this.position(body);
    const place: ExprPlace = { ...outer, setCalls: undefined, srfClause: 'CASE' };
    const operand = body.arg === undefined ? null : this.bind(body.arg, scope, place);
    const whens = list(body.args).map((w) => {
      const when = w.CaseWhen;
      const test = operand === null ? this.coerce(this.bind(when.expr, scope, place), BOOL, 'implicit') : this.operator('=', operand, this.bind(when.expr, scope, place), this.position(when));
      return { when: test, then: this.bind(when.result, scope, place) };
    });
    const otherwise = body.defresult === undefined ? null : this.bind(body.defresult, scope, place);
    const type = commonType([...whens.map((w) => w.then.type), ...(otherwise === null ? [] : [otherwise.type])], 'CASE', position);
    return {
      op: 'case',
      type,
      whens: whens.map((w) => ({ when: w.when, then: this.coerce(w.then, type, 'implicit') })),
      otherwise: otherwise === null ? null : this.coerce(otherwise, type, 'implicit'),
    };
  }

  /**
   * ARRAY[…] as transformArrayExpr builds it: elements that are arrays, or nested brackets
   * (ARRAY[[1, 2], [3, 4]], which take the target type too), make one more dimension. With a
   * target array type (a cast of the ARRAY[…]) elements are cast to it explicitly; without one
   * they take their common type, and an empty ARRAY[] has no type at all.
   */
  private arrayExpr(body: Body, scope: Scope, place: ExprPlace, target?: SqlArrayType): Expr {
    const position = this.position(body);
    const nodes = list(body.elements);
    const elements = nodes.map((e) => (kindOf(e) === 'A_ArrayExpr' ? this.arrayExpr(bodyOf(e), scope, place, target) : this.bind(e, scope, place)));
    const multidimensional = nodes.some((e) => kindOf(e) === 'A_ArrayExpr') || elements.some((e) => e.type.kind === 'array');
    if (target !== undefined) {
      const type = multidimensional ? target : target.element;
      return { op: 'array', type: target, elements: elements.map((e) => this.coerce(e, type, 'explicit', undefined, position)) };
    }
    if (elements.length === 0) {
      throw new EngineError(SqlState.indeterminateDatatype, 'cannot determine type of empty array', { hint: 'Explicitly cast to the desired type, for example ARRAY[]::integer[].', position });
    }
    const type = commonType(elements.map((e) => e.type), 'ARRAY', position);
    let arrayType: SqlType;
    if (multidimensional) {
      if (type.kind !== 'array') throw new EngineError(SqlState.undefinedObject, `could not find element type for data type ${this.functions.typeName(type)}`, { position });
      arrayType = type;
    } else {
      if (!isArrayElement(type)) throw unsupported(`arrays of ${this.functions.typeName(type)}`, position);
      arrayType = { kind: 'array', element: type };
    }
    return { op: 'array', type: arrayType, elements: elements.map((e) => this.coerce(e, type, 'implicit')) };
  }

  /**
   * Subscripts, as transformContainerSubscripts reads them: the subscripts of one indirection
   * are one subscripting, a slice as soon as one of them is (a lone `i` then meaning `1:i`).
   */
  private indirection(body: Body, scope: Scope, place: ExprPlace): Expr {
    const array = this.bind(body.arg, scope, place);
    const position = this.position(body);
    const steps = list(body.indirection);
    if (steps.some((step) => kindOf(step) !== 'A_Indices')) throw unsupported(steps.some((step) => kindOf(step) === 'String') ? 'field selection' : 'indirection', position);
    const element = subscriptedElement(array.type);
    if (element === undefined) throw new EngineError(SqlState.datatypeMismatch, `cannot subscript type ${this.functions.typeName(array.type)} because it does not support subscripting`, { position });
    const indices: Body[] = steps.map((step) => step.A_Indices);
    const isSlice = indices.some((index) => index.is_slice === true);
    const subscript = (node: Node | undefined): Expr | null => {
      if (node === undefined) return null;
      const value = this.bind(node, scope, place);
      if (!this.functions.canCast(value.type, INT4, 'assignment')) {
        throw new EngineError(SqlState.datatypeMismatch, 'array subscript must have type integer', { position: positionOf(bodyOf(node), this.options.offset) });
      }
      return this.coerce(value, INT4, 'assignment');
    };
    const upper = indices.map((index) => subscript(index.uidx));
    if (upper.length > MAX_DIMENSIONS) throw withPosition(tooManyDimensions(upper.length), position);
    if (!isSlice) return { op: 'subscript', type: element, array, upper, lower: null };
    const one: Expr = { op: 'const', type: INT4, value: 1 };
    const lower = indices.map((index) => (index.lidx !== undefined ? subscript(index.lidx) : index.is_slice === true ? null : one));
    return { op: 'subscript', type: array.type, array, upper, lower };
  }

  private sqlValueFunction(body: Body): Expr {
    const position = this.position(body);
    // The date/time forms are casts of now(), as PostgreSQL defines them.
    const clock: Record<string, SqlType> = {
      SVFOP_CURRENT_DATE: { kind: 'date' }, SVFOP_CURRENT_TIME: { kind: 'time' }, SVFOP_LOCALTIME: { kind: 'time' }, SVFOP_LOCALTIMESTAMP: { kind: 'timestamp' },
    };
    const op = body.op as string;
    if (op === 'SVFOP_CURRENT_TIMESTAMP') return this.call('now', [], position);
    if (clock[op] !== undefined) return this.coerce(this.call('now', [], position), clock[op], 'explicit', undefined, position);
    const map: Record<string, string> = {
      SVFOP_CURRENT_USER: 'current_user', SVFOP_CURRENT_ROLE: 'current_user', SVFOP_SESSION_USER: 'session_user',
      SVFOP_USER: 'current_user', SVFOP_CURRENT_CATALOG: 'current_database', SVFOP_CURRENT_SCHEMA: 'current_schema',
    };
    const name = map[op];
    if (name === undefined) throw unsupported(op, position);
    return this.call(name, [], position);
  }

  /** A plain function call by name with bound arguments. */
  call(name: string, args: readonly Expr[], position?: number): Expr {
    let resolved;
    try {
      resolved = this.functions.function(name, args.map((a) => a.type));
    } catch (error) {
      throw withPosition(error, position);
    }
    const cast = args.map((a, i) => this.coerce(a, resolved.argTypes[i], 'implicit', undefined, position));
    return { op: 'call', type: resolved.returnType, kind: 'function', name, argTypes: resolved.argTypes, args: cast };
  }

  // ---- function calls ----------------------------------------------------------------------

  private funcCall(body: Body, scope: Scope, place: ExprPlace): Expr {
    const position = this.position(body);
    const parts = names(body.funcname);
    const name = parts[parts.length - 1].toLowerCase();
    if (parts.length > 1 && parts[0] !== 'pg_catalog') throw new EngineError(SqlState.undefinedFunction, `function ${parts.join('.')} does not exist`, { position });
    if (body.over !== undefined) return this.windowCall(name, body, scope, place);
    if (this.functions.isAggregate(name) || body.agg_star === true) return this.aggregateCall(name, body, scope, place);
    if (body.agg_distinct === true || body.agg_filter !== undefined || body.agg_order !== undefined) {
      throw new EngineError(SqlState.wrongObjectType, `${name} is not an aggregate function`, { position });
    }
    const args = list(body.args).map((a) => this.bind(a, scope, place));
    const setReturning = this.functions.tableFunction(name, args.map((a) => a.type));
    if (setReturning !== undefined) return this.setCall(name, args, setReturning, place, position);
    return this.call(name, args, position);
  }

  /** A set-returning call in a select list: collected (once per distinct call) and marked. */
  private setCall(name: string, args: readonly Expr[], resolved: { readonly argTypes: readonly SqlType[]; readonly columns: readonly { type: SqlType }[] }, place: ExprPlace, position?: number): Expr {
    const calls = place.setCalls;
    if (calls === undefined) throw this.setCallNotAllowed(place, position);
    const call: SetCall = {
      name,
      argTypes: resolved.argTypes,
      args: args.map((a, i) => this.coerce(a, resolved.argTypes[i], 'implicit', undefined, position)),
      returns: resolved.columns.map((c) => c.type),
    };
    const key = setCallKey(call);
    let index = calls.findIndex((c) => setCallKey(c) === key);
    if (index < 0) index = calls.push(call) - 1;
    return { op: 'outer', type: call.returns.length === 1 ? call.returns[0] : { kind: 'record', fields: call.returns }, depth: SET_CALL_MARK, index };
  }

  private setCallNotAllowed(place: ExprPlace, position?: number): EngineError {
    if (place.clause === 'aggregate function calls' || place.clause === 'window function calls') {
      return new EngineError(SqlState.featureNotSupported, `${place.clause} cannot contain set-returning function calls`, { position, hint: MOVE_TO_LATERAL });
    }
    const where = place.srfClause ?? place.clause;
    const message = where === '' ? 'set-returning functions are not allowed here' : `set-returning functions are not allowed in ${where}`;
    return new EngineError(SqlState.featureNotSupported, message, { position, hint: place.srfClause === undefined ? undefined : MOVE_TO_LATERAL });
  }

  private aggregateCall(name: string, body: Body, scope: Scope, place: ExprPlace): Expr {
    const position = this.position(body);
    if (place.aggregates === null) {
      throw new EngineError(SqlState.groupingError, place.clause === '' ? 'aggregate functions are not allowed here' : `aggregate functions are not allowed in ${place.clause}`, { position });
    }
    // Aggregate arguments see the input rows: no nested aggregates, no windows.
    const inner: ExprPlace = { aggregates: null, windows: null, windowSpecs: null, clause: 'aggregate function calls' };
    const star = body.agg_star === true;
    const aggName = star ? 'count_star' : name;
    let args = list(body.args).map((a) => this.bind(a, scope, inner));
    let argTypes = args.map((a) => a.type);
    if (name === 'string_agg' && args.length === 2) {
      args = args.map((a) => this.coerce(a, a.type.kind === 'unknown' || a.type.kind === 'varchar' || a.type.kind === 'char' ? TEXT : a.type, 'implicit'));
      argTypes = args.map((a) => a.type);
    } else {
      args = args.map((a) => (a.type.kind === 'unknown' ? this.coerce(a, TEXT, 'implicit') : a));
      argTypes = args.map((a) => a.type);
    }
    let type: SqlType;
    try {
      type = this.functions.aggregateType(aggName, argTypes);
    } catch (error) {
      throw withPosition(error, position);
    }
    const filter = body.agg_filter === undefined ? null : this.bindCondition(body.agg_filter, scope, 'FILTER', inner);
    const orderBy = list(body.agg_order).map((s) => this.sortKey(s.SortBy, scope, inner));
    place.aggregates.push({ name: aggName as AggregateCall['name'], type, args, argTypes, distinct: body.agg_distinct === true, filter, orderBy });
    return { op: 'outer', type, depth: AGGREGATE_MARK, index: place.aggregates.length - 1 };
  }

  /** GROUPING(…): collected with its arguments, which the query binder checks against the
   * GROUP BY keys and turns into the value for each grouping set. */
  private groupingCall(body: Body, scope: Scope, place: ExprPlace): Expr {
    const position = this.position(body);
    if (place.aggregates === null || place.groupings === undefined) {
      const message = place.clause === 'aggregate function calls' ? 'aggregate function calls cannot be nested'
        : place.clause === '' ? 'grouping operations are not allowed here' : `grouping operations are not allowed in ${place.clause}`;
      throw new EngineError(SqlState.groupingError, message, { position });
    }
    const args = list(body.args);
    if (args.length >= 32) throw new EngineError(SqlState.tooManyArguments, 'GROUPING must have fewer than 32 arguments', { position });
    const inner: ExprPlace = { aggregates: null, windows: null, windowSpecs: null, clause: 'GROUPING' };
    place.groupings.push(args.map((a) => this.bind(a, scope, inner)));
    return { op: 'outer', type: INT4, depth: GROUPING_MARK, index: place.groupings.length - 1 };
  }

  sortKey(sortBy: Body, scope: Scope, place: ExprPlace): SortKey {
    const expr = this.bind(sortBy.node, scope, place);
    return this.sortKeyOf(expr, sortBy);
  }

  sortKeyOf(bound: Expr, sortBy: Body): SortKey {
    const expr = bound.type.kind === 'unknown' ? this.coerce(bound, TEXT, 'implicit') : bound;
    if (sortBy.sortby_dir === 'SORTBY_USING') throw unsupported('ORDER BY … USING', this.position(sortBy));
    const descending = sortBy.sortby_dir === 'SORTBY_DESC';
    const nulls = sortBy.sortby_nulls as string;
    const nullsFirst = nulls === 'SORTBY_NULLS_FIRST' ? true : nulls === 'SORTBY_NULLS_LAST' ? false : descending;
    return { expr, type: expr.type, descending, nullsFirst };
  }

  private windowCall(name: string, body: Body, scope: Scope, place: ExprPlace): Expr {
    const position = this.position(body);
    if (place.clause === 'aggregate function calls') {
      throw new EngineError(SqlState.groupingError, 'aggregate function calls cannot contain window function calls', { position });
    }
    if (place.windows === null || place.windowSpecs === null) {
      throw new EngineError(SqlState.windowingError, place.clause === '' ? 'window functions are not allowed here' : `window functions are not allowed in ${place.clause}`, { position });
    }
    // Window arguments may contain aggregates (over grouped rows), but no windows.
    const inner: ExprPlace = { ...place, windows: null, windowSpecs: null, clause: 'window function calls', setCalls: undefined };
    const star = body.agg_star === true;
    const fnName = star ? 'count_star' : name;
    const args = list(body.args).map((a) => {
      const e = this.bind(a, scope, inner);
      return e.type.kind === 'unknown' ? this.coerce(e, TEXT, 'implicit') : e;
    });
    const argTypes = args.map((a) => a.type);
    let type: SqlType;
    try {
      type = this.functions.isWindowFunction(fnName) ? this.functions.windowType(fnName, argTypes) : this.functions.aggregateType(fnName, argTypes);
    } catch (error) {
      throw withPosition(error, position);
    }
    const over = body.over as Body;
    // OVER w (no parentheses) is the named window itself, frame included.
    const { partitionBy, orderBy, frame: framed } = over.name !== undefined
      ? this.namedWindow(over.name as string, over, place.windowDefinitions)
      : this.windowDefinition(over, scope, inner, place.windowDefinitions);
    const frame = this.frame(framed, scope, orderBy.length > 0);
    const filter = body.agg_filter === undefined ? null : this.bindCondition(body.agg_filter, scope, 'FILTER', inner);
    const key = JSON.stringify([partitionBy, orderBy], (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    let spec = place.windowSpecs.findIndex((s) => JSON.stringify([s.partitionBy, s.orderBy], (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) === key);
    if (spec < 0) {
      place.windowSpecs.push({ partitionBy, orderBy });
      spec = place.windowSpecs.length - 1;
    }
    place.windows.push({ name: fnName as WindowCall['name'], type, args, argTypes, filter, frame });
    place.windowCallSpecs?.push(spec);
    return { op: 'outer', type, depth: WINDOW_MARK, index: place.windows.length - 1 };
  }

  private namedWindow(name: string, def: Body, definitions: ReadonlyMap<string, WindowDefinition> | undefined): WindowDefinition {
    const found = definitions?.get(name);
    if (found === undefined) throw new EngineError(SqlState.undefinedObject, `window "${name}" does not exist`, { position: this.position(def) });
    return found;
  }

  /**
   * A parenthesized window specification (an OVER (…) clause, or a WINDOW clause entry given
   * the earlier ones): `(w …)` takes w's PARTITION BY and ORDER BY, adding an ORDER BY only
   * where w has none, and a frame only to a w without one, as PostgreSQL's
   * transformWindowDefinitions allows.
   */
  windowDefinition(def: Body, scope: Scope, place: ExprPlace, definitions: ReadonlyMap<string, WindowDefinition> | undefined): WindowDefinition {
    const position = this.position(def);
    const base = def.refname === undefined ? undefined : this.namedWindow(def.refname as string, def, definitions);
    const partitionClause = list(def.partitionClause);
    const orderClause = list(def.orderClause);
    if (base !== undefined) {
      const refname = def.refname as string;
      if (partitionClause.length > 0) throw new EngineError(SqlState.windowingError, `cannot override PARTITION BY clause of window "${refname}"`, { position });
      if (orderClause.length > 0 && base.orderBy.length > 0) throw new EngineError(SqlState.windowingError, `cannot override ORDER BY clause of window "${refname}"`, { position });
      if (((base.frame.frameOptions as number | undefined) ?? FRAME_DEFAULTS) !== FRAME_DEFAULTS) {
        throw new EngineError(SqlState.windowingError, `cannot copy window "${refname}" because it has a frame clause`, {
          position, hint: def.name === undefined ? 'Omit the parentheses in this OVER clause.' : undefined,
        });
      }
    }
    return {
      partitionBy: base?.partitionBy ?? partitionClause.map((p) => this.bind(p, scope, place)),
      orderBy: orderClause.length > 0 ? orderClause.map((s) => this.sortKey(s.SortBy, scope, place)) : base?.orderBy ?? [],
      frame: def,
    };
  }

  private frame(over: Body, scope: Scope, ordered: boolean): WindowFrame {
    const options = (over.frameOptions as number | undefined) ?? 0;
    const RANGE = 0x2, ROWS = 0x4, GROUPS = 0x8;
    const START_UNBOUNDED_PRECEDING = 0x20, START_CURRENT_ROW = 0x200, START_OFFSET_PRECEDING = 0x800, START_OFFSET_FOLLOWING = 0x2000;
    const END_UNBOUNDED_FOLLOWING = 0x100, END_CURRENT_ROW = 0x400, END_OFFSET_PRECEDING = 0x1000, END_OFFSET_FOLLOWING = 0x4000;
    if ((options & FRAME_NONDEFAULT) === 0) {
      return {
        mode: 'range',
        start: { kind: 'unboundedPreceding' },
        end: ordered ? { kind: 'currentRow' } : { kind: 'unboundedFollowing' },
      };
    }
    const mode = options & ROWS ? 'rows' : options & GROUPS ? 'groups' : options & RANGE ? 'range' : 'range';
    const offset = (node: Node | undefined): Expr => {
      if (node === undefined) throw new EngineError(SqlState.syntaxError, 'frame offset missing');
      const e = this.bind(node, scope, PLAIN);
      return mode === 'range' ? e : this.coerce(e, INT8, 'implicit');
    };
    const start: FrameBound =
      options & START_UNBOUNDED_PRECEDING ? { kind: 'unboundedPreceding' }
      : options & START_CURRENT_ROW ? { kind: 'currentRow' }
      : options & START_OFFSET_PRECEDING ? { kind: 'preceding', offset: offset(over.startOffset) }
      : options & START_OFFSET_FOLLOWING ? { kind: 'following', offset: offset(over.startOffset) }
      : { kind: 'unboundedPreceding' };
    const end: FrameBound =
      options & END_UNBOUNDED_FOLLOWING ? { kind: 'unboundedFollowing' }
      : options & END_CURRENT_ROW ? { kind: 'currentRow' }
      : options & END_OFFSET_PRECEDING ? { kind: 'preceding', offset: offset(over.endOffset) }
      : options & END_OFFSET_FOLLOWING ? { kind: 'following', offset: offset(over.endOffset) }
      : { kind: 'currentRow' };
    const exclude = options & FRAME_EXCLUDE_CURRENT_ROW ? 'currentRow' : options & FRAME_EXCLUDE_GROUP ? 'group' : options & FRAME_EXCLUDE_TIES ? 'ties' : undefined;
    return exclude === undefined ? { mode, start, end } : { mode, start, end, exclude };
  }

  // ---- subqueries --------------------------------------------------------------------------

  private subLink(body: Body, scope: Scope, place: ExprPlace): Expr {
    const position = this.position(body);
    const { plan, columns, correlated } = this.subqueries.bindSubquery(body.subselect.SelectStmt, scope);
    const uncorrelated = !correlated;
    switch (body.subLinkType as string) {
      case 'EXISTS_SUBLINK':
        return { op: 'subquery', type: BOOL, kind: 'exists', plan, uncorrelated };
      case 'EXPR_SUBLINK':
        if (columns.length !== 1) throw new EngineError(SqlState.syntaxError, 'subquery must return only one column', { position });
        return { op: 'subquery', type: columns[0].type, kind: 'scalar', plan, uncorrelated };
      case 'ARRAY_SUBLINK': {
        if (columns.length !== 1) throw new EngineError(SqlState.syntaxError, 'subquery must return only one column', { position });
        const element = columns[0].type;
        // A column of arrays stacks into one more dimension of the same array type.
        if (element.kind === 'array') return { op: 'subquery', type: element, kind: 'array', plan, uncorrelated };
        if (!isArrayElement(element)) throw unsupported(`arrays of ${this.functions.typeName(element)}`, position);
        return { op: 'subquery', type: { kind: 'array', element }, kind: 'array', plan, uncorrelated };
      }
      case 'ANY_SUBLINK':
      case 'ALL_SUBLINK':
      case 'ROWCOMPARE_SUBLINK': {
        const opName = body.operName === undefined ? '=' : names(body.operName).pop() ?? '=';
        const leftFields = kindOf(body.testexpr) === 'RowExpr' ? list(body.testexpr.RowExpr.args) : [body.testexpr];
        if (columns.length !== leftFields.length) throw new EngineError(SqlState.syntaxError, `subquery has too ${columns.length > leftFields.length ? 'many' : 'few'} columns`, { position });
        const kind = body.subLinkType === 'ANY_SUBLINK' ? 'any' : body.subLinkType === 'ALL_SUBLINK' ? 'all' : 'rowCompare';
        if (leftFields.length > 1) {
          const fields = leftFields.map((f) => this.bind(f, scope, place));
          return { op: 'subquery', type: BOOL, kind, plan, uncorrelated, ...this.rowSubqueryTest(opName, fields, columns, position) };
        }
        const left = this.bind(leftFields[0], scope, place);
        if (kind === 'rowCompare') {
          return this.operator(opName, left, { op: 'subquery', type: columns[0].type, kind: 'scalar', plan, uncorrelated }, position);
        }
        const { test, leftType, rightType } = this.comparisonTest(opName, left.type, columns[0].type, position);
        const right = this.subqueryColumn(opName, left.type, columns[0].type, rightType, 1, position);
        const castTest = right.op === 'column' ? test : substituteColumn1(test, right);
        return {
          op: 'subquery',
          type: BOOL,
          kind,
          plan,
          left: this.coerce(left, leftType, 'implicit'),
          test: castTest,
          uncorrelated,
        };
      }
      default:
        throw unsupported(`subquery form ${String(body.subLinkType)}`, position);
    }
  }
}

function flatten(op: 'and' | 'or', args: Expr[]): Expr[] {
  return args.flatMap((a) => (a.op === op ? a.args : [a]));
}

/** Types PostgreSQL has an array type of (int2vector[] and oidvector[] exist but nothing here needs them). */
function isArrayElement(type: SqlType): type is SqlScalarType {
  switch (type.kind) {
    case 'array': case 'unknown': case 'record': case 'void': case 'int2vector': case 'oidvector':
      return false;
    default:
      return true;
  }
}

/** The element type subscripting gives: arrays', and int2vector's and oidvector's. */
function subscriptedElement(type: SqlType): SqlType | undefined {
  switch (type.kind) {
    case 'array': return type.element;
    case 'int2vector': return { kind: 'int2' };
    case 'oidvector': return { kind: 'oid' };
    default: return undefined;
  }
}

function substituteColumn1(test: Expr, replacement: Expr): Expr {
  return mapExpr(test, (e) => (e.op === 'column' && e.index === 1 ? replacement : e));
}

function withPosition(error: unknown, position: number | undefined): unknown {
  if (error instanceof EngineError && error.position === undefined && position !== undefined) {
    return new EngineError(error.code, error.message, { detail: error.detail, hint: error.hint, position });
  }
  return error;
}

/** Calls with the same function and arguments are one call (the arguments decide the types). */
function setCallKey(call: SetCall): string {
  return `${call.name}(${call.args.map(exprKey).join(',')})`;
}
