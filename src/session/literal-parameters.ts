/**
 * Literal parameterization of simple-protocol statements: `SELECT … WHERE aid = 42` and
 * `… WHERE aid = 43` share one plan, keyed by `SELECT … WHERE aid = $1` plus the literal's type,
 * with 42 and 43 as the parameter's value. Clients that send literals (psql, pgbench -M simple,
 * ORMs that interpolate) then skip bind, plan, SBLR compile and shard-side verify, as prepared
 * statements do; and once a query string's shape is known (`QueryShapes`), the next string of
 * that shape skips the parser too.
 *
 * Only literals whose parameter binds exactly like the constant become parameters: numbers and
 * booleans, whose type the literal alone decides (int4, int8, numeric, bool). Strings stay
 * constants (an unknown-typed literal takes its type, and is converted, from its context at bind
 * time), as do NULL, ORDER BY / GROUP BY / DISTINCT ON positions and the operand of a cast; a
 * statement with a string literal is not parameterized at all, since its text is then its key.
 * The session checks the bound plan as well (`literalParametersBindLikeConstants`) and plans the
 * statement as written whenever the parameterized form is not equivalent.
 *
 * PostgreSQL's normalization (libpg-query) says which tokens are literals; the literal nodes of
 * the parse tree give their values. The two are matched by position, and the text must
 * re-assemble exactly from the normalized text and the literal tokens, or the statement is left
 * alone.
 */
import type { Value } from '../engine/types.ts';
import { RecencyCache } from '../coordinator/recency-cache.ts';
import type { Body, Node } from '../sql/bind/ast.ts';
import type { FunctionResolver } from '../sql/bind/context.ts';
import type { Rel } from '../sql/plan/ir.ts';
import { normalizeStatements } from '../sql/parse/libpg-query.ts';
import type { ParsedStatement } from '../sql/parse/index.ts';
import { BOOL, INT4, INT8, UNKNOWN, type SqlType } from '../sql/types/sql-type.ts';

export interface ParameterizedStatement {
  /** The text with each parameterized literal replaced by `$n` (n from 1, in text order): the
   * plan cache's key, with `types`. */
  readonly key: string;
  readonly types: readonly SqlType[];
  readonly values: readonly Value[];
  /** The statement's parse tree with those literals as parameters `$n`. */
  tree(): Node;
}

type LiteralKind = 'number' | 'bool' | 'null';

/** A literal as the text holds it. */
interface LiteralToken {
  readonly kind: LiteralKind;
  /** Becomes a parameter; otherwise it stays in the text, and in the key, as written. */
  readonly parameter: boolean;
  readonly token: string;
}

/** What parameterizing a query string learned about strings of its shape. */
interface QueryShape {
  /** The normalized text between the literals. */
  readonly segments: readonly string[];
  readonly literals: readonly LiteralToken[];
  /** The statement's parse tree (its kind is all that is read) and the parameterized one. */
  readonly ast: ParsedStatement['ast'];
  readonly parameterizedTree: Node;
  /** Where the statement's text starts, and how much of the string follows it (`;`, spaces). */
  readonly textStart: number;
  readonly textTrail: number;
}

export interface Parameterization extends ParameterizedStatement {
  /** The shape of a query string that holds just this statement, for `QueryShapes.learn`;
   * null when the text derives different values than the parse tree holds. */
  shape(): QueryShape | null;
}

const NUMERIC: SqlType = { kind: 'numeric' };

/** A number token as PostgreSQL's scanner reads it, with the sign the grammar folds in. */
const NUMBER_TOKEN = /-?\s*(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9]+)?)/y;
const BOOLEAN_TOKEN = /true|false/iy;
const NULL_TOKEN = /null/iy;
const TOKENS: Readonly<Record<LiteralKind, RegExp>> = { number: NUMBER_TOKEN, bool: BOOLEAN_TOKEN, null: NULL_TOKEN };
const PARAMETER_MARK = /\$\d+/g;
const INT4_MAX = 2147483647;

interface Literal {
  readonly body: Body;
  /** Must stay a constant: a position (ORDER BY 1) or the operand of a cast. */
  readonly pinned: boolean;
}

/**
 * The statement with its number and boolean literals as parameters, or null when it has none,
 * has a literal that must stay in the text (a string), or is not plain enough to match up
 * safely ($n already present, non-ASCII text). `whole` is the query string when it holds only
 * this statement: the key then covers the whole string, as `QueryShapes` sees it next time,
 * and `normalized` may give its normalization when it is known already.
 */
export function parameterizeLiterals(statement: ParsedStatement, functions: FunctionResolver, whole?: { readonly sql: string; readonly normalized?: string }): Parameterization | null {
  const text = whole?.sql ?? statement.text;
  const base = whole === undefined ? statement.location : 0;
  if (!plainText(text)) return null;
  const normalized = whole?.normalized ?? normalizeStatements(text);
  if (normalized === undefined || normalized === text) return null;
  const literals = literalsByOffset(statement.ast as Node, base);
  const segments: string[] = [];
  const tokens: LiteralToken[] = [];
  const parameterized: Body[] = [];
  const types: SqlType[] = [];
  const values: Value[] = [];
  let key = '';
  let at = 0;
  let segmentStart = 0;
  for (const mark of normalized.matchAll(PARAMETER_MARK)) {
    const segment = normalized.slice(segmentStart, mark.index);
    segmentStart = mark.index + mark[0].length;
    if (!text.startsWith(segment, at)) return null;
    segments.push(segment);
    key += segment;
    at += segment.length;
    const literal = literals.get(at);
    if (literal === undefined) return null;
    const typed = typedLiteral(literal.body, functions);
    // A string literal keeps the statement's whole text as its key.
    if (typed === undefined) return null;
    const kind: LiteralKind = typed === null ? 'null' : typed.type === BOOL ? 'bool' : 'number';
    const token = tokenAt(text, at, TOKENS[kind]);
    if (token === undefined) return null;
    const parameter = typed !== null && !literal.pinned;
    tokens.push({ kind, parameter, token });
    if (parameter) {
      parameterized.push(literal.body);
      types.push(typed.type);
      values.push(typed.value);
      key += `$${parameterized.length}`;
    } else {
      key += token;
    }
    at += token.length;
  }
  const tail = normalized.slice(segmentStart);
  if (parameterized.length === 0 || text.slice(at) !== tail) return null;
  segments.push(tail);
  key += tail;
  let tree: Node | undefined;
  const parameterizedTree = (): Node => (tree ??= withParameters(statement.ast as Node, parameterized));
  return {
    key,
    types,
    values,
    tree: parameterizedTree,
    shape: () => {
      if (whole === undefined) return null;
      const textStart = statement.location;
      const textTrail = text.length - textStart - statement.text.length;
      // The statement's bounds must lie in the text around the literals, which every string of
      // the shape shares, and the text alone must give each literal the parse tree's value.
      if (textStart > segments[0].length || textTrail > tail.length || textTrail < 0) return null;
      const fromText = tokens.filter((t) => t.parameter).map((t) => typedToken(t.token, t.kind, functions));
      if (!fromText.every((t, i) => t !== undefined && t.type.kind === types[i].kind && sameValue(t.value, values[i]))) return null;
      return { segments, literals: tokens, ast: statement.ast, parameterizedTree: parameterizedTree(), textStart, textTrail };
    },
  };
}

/**
 * Query strings of shapes seen before, parameterized from their text alone. A shape is learned
 * from a string that was parsed (and whose parameterized plan was accepted); a later string of
 * that shape — the same text around its literals, literals of the same kinds — needs no parse.
 */
export class QueryShapes {
  private readonly shapes: RecencyCache<QueryShape>;

  constructor(limit: number) {
    this.shapes = new RecencyCache(limit);
  }

  /**
   * The statement of `sql` and its parameterization when `sql`'s shape is known (`statement.ast`
   * is then the tree of the string the shape was learned from: read its kind only); otherwise
   * the string's normalization (undefined for strings this does not handle), for `learn`.
   */
  match(sql: string, functions: FunctionResolver): { readonly statement: ParsedStatement; readonly parameterized: ParameterizedStatement; readonly normalized: string } | { readonly normalized: string | undefined } {
    if (!plainText(sql)) return { normalized: undefined };
    const normalized = normalizeStatements(sql);
    const shape = normalized === undefined ? undefined : this.shapes.get(normalized);
    if (shape === undefined) return { normalized };
    const types: SqlType[] = [];
    const values: Value[] = [];
    let key = '';
    let at = 0;
    for (let i = 0; i < shape.literals.length; i++) {
      const segment = shape.segments[i];
      if (!sql.startsWith(segment, at)) return { normalized };
      key += segment;
      at += segment.length;
      const literal = shape.literals[i];
      const token = tokenAt(sql, at, TOKENS[literal.kind]);
      if (token === undefined) return { normalized };
      if (literal.parameter) {
        const typed = typedToken(token, literal.kind, functions);
        if (typed === undefined) return { normalized };
        types.push(typed.type);
        values.push(typed.value);
        key += `$${types.length}`;
      } else {
        if (token !== literal.token) return { normalized };
        key += token;
      }
      at += token.length;
    }
    const tail = shape.segments[shape.segments.length - 1];
    if (sql.length - at !== tail.length || !sql.endsWith(tail)) return { normalized };
    key += tail;
    const statement: ParsedStatement = { text: sql.slice(shape.textStart, sql.length - shape.textTrail), location: shape.textStart, ast: shape.ast };
    return { statement, parameterized: { key, types, values, tree: () => shape.parameterizedTree }, normalized: normalized as string };
  }

  learn(normalized: string, parameterized: Parameterization): void {
    const shape = parameterized.shape();
    if (shape !== null) this.shapes.set(normalized, shape);
  }
}

/** The process's shapes: what they hold depends only on the text. */
export const queryShapes = new QueryShapes(1024);

/**
 * Whether a plan made from a parameterized statement behaves as the statement as written: each
 * literal's parameter kept the literal's type, none is converted at run time where the binder
 * would have converted (and checked) the constant while planning, unless the conversion cannot
 * fail (int4 → int8, to numeric or float8), and no table it reads or writes is partitioned
 * (where a constant may decide, while planning, which shards the statement runs on).
 */
export function literalParametersBindLikeConstants(
  plan: { readonly plan: Rel; readonly parameterTypes: readonly SqlType[] },
  types: readonly SqlType[],
  partitioned: (tableOid: number) => boolean,
): boolean {
  if (plan.parameterTypes.length !== types.length) return false;
  for (let i = 0; i < types.length; i++) if (plan.parameterTypes[i].kind !== types[i].kind) return false;
  let equivalent = true;
  const visit = (value: unknown): void => {
    if (!equivalent || typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (value instanceof Uint8Array) return;
    const record = value as Record<string, unknown>;
    if (record.op === 'cast' && isParameter(record.arg) && !widening(types[(record.arg as { index: number }).index], (record as { type: SqlType }).type)) {
      equivalent = false;
      return;
    }
    const table = typeof record.rel === 'string' ? (record.table as { oid?: unknown } | undefined) : undefined;
    if (typeof table?.oid === 'number' && partitioned(table.oid)) {
      equivalent = false;
      return;
    }
    for (const field in record) visit(record[field]);
  };
  visit(plan.plan);
  return equivalent;
}

function isParameter(expr: unknown): boolean {
  return typeof expr === 'object' && expr !== null && (expr as { op?: unknown }).op === 'param';
}

function widening(from: SqlType | undefined, to: SqlType): boolean {
  if (from === undefined) return false;
  if (from.kind === 'int4') return to.kind === 'int8' || to.kind === 'numeric' || to.kind === 'float8';
  if (from.kind === 'int8') return to.kind === 'numeric';
  return false;
}

/** Text this module matches up with its normalization: no `$` (parameters, dollar quotes) and
 * ASCII only, so that offsets in code points and in UTF-16 units agree; and no `'`, since a
 * string literal keeps the statement as written (no normalization, which is a parse, is spent
 * on it). */
function plainText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f || c === 0x24 || c === 0x27) return false;
  }
  return true;
}

function tokenAt(text: string, at: number, pattern: RegExp): string | undefined {
  pattern.lastIndex = at;
  const match = pattern.exec(text);
  return match === null ? undefined : match[0];
}

/**
 * A literal's type and value exactly as the binder types the constant (bind/expr.ts `constant`);
 * null for NULL, undefined for the kinds that are not parameterized (strings, bit strings).
 */
function typedLiteral(body: Body, functions: FunctionResolver): { type: SqlType; value: Value } | null | undefined {
  if (body.isnull === true) return null;
  if (body.ival !== undefined) return { type: INT4, value: (body.ival.ival as number | undefined) ?? 0 };
  if (body.boolval !== undefined) return { type: BOOL, value: body.boolval.boolval === true };
  if (body.fval !== undefined) return floatLiteral(body.fval.fval as string, functions);
  return undefined;
}

/** PostgreSQL's float constant (its text, sign included): an integer too large for int4 is
 * int8 while it fits, anything else numeric. */
function floatLiteral(text: string, functions: FunctionResolver): { type: SqlType; value: Value } {
  if (/^-?\d+$/.test(text)) {
    const big = BigInt(text);
    if (big >= -(2n ** 63n) && big < 2n ** 63n) return { type: INT8, value: big };
  }
  return { type: NUMERIC, value: functions.castConstant(text, UNKNOWN, NUMERIC, 'explicit') };
}

/**
 * The literal a token is, as PostgreSQL's scanner and grammar make it: a decimal integer up to
 * int4's maximum is an integer constant (negated by a leading `-`), a larger one or one with a
 * fraction or exponent a float constant whose text is the token's with the sign prefixed.
 * Undefined for spellings left to the parser (hexadecimal, octal, binary, `_` separators).
 */
function typedToken(token: string, kind: LiteralKind, functions: FunctionResolver): { type: SqlType; value: Value } | undefined {
  if (kind === 'bool') return { type: BOOL, value: token.toLowerCase() === 'true' };
  if (kind !== 'number') return undefined;
  const negative = token.startsWith('-');
  const digits = negative ? token.slice(1).trimStart() : token;
  if (/^\d+$/.test(digits) && Number(digits) <= INT4_MAX) return { type: INT4, value: negative ? -Number(digits) : Number(digits) };
  if (!/^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(digits)) return undefined;
  return floatLiteral(negative ? `-${digits}` : digits, functions);
}

function sameValue(a: Value, b: Value): boolean {
  return typeof a === typeof b && (a === b || String(a) === String(b));
}

/**
 * Every literal node of the statement by its offset in the text (`base` is where the text
 * starts), marking those the binder reads as constants: sort, group and DISTINCT ON positions,
 * and the operand of a cast.
 */
function literalsByOffset(ast: Node, base: number): Map<number, Literal> {
  const found = new Map<number, Literal>();
  const pinnedBodies = new Set<Body>();
  const pinIfLiteral = (node: unknown): void => {
    const body = (node as Node | undefined)?.A_Const;
    if (body !== undefined) pinnedBodies.add(body);
  };
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    const record = value as Record<string, unknown>;
    for (const field in record) {
      const child = record[field] as Body;
      if (field === 'A_Const') {
        const location = child.location as number | undefined;
        if (location !== undefined && location >= 0) found.set(location - base, { body: child, pinned: false });
        continue;
      }
      if (field === 'TypeCast') pinIfLiteral(child.arg);
      else if (field === 'SortBy') pinIfLiteral(child.node);
      else if (field === 'SelectStmt') {
        for (const item of (child.groupClause as unknown[] | undefined) ?? []) pinIfLiteral(item);
        for (const item of (child.distinctClause as unknown[] | undefined) ?? []) pinIfLiteral(item);
      } else if (field === 'GroupingSet') {
        for (const item of (child.content as unknown[] | undefined) ?? []) pinIfLiteral(item);
      }
      visit(child);
    }
  };
  visit(ast);
  for (const [offset, literal] of found) if (pinnedBodies.has(literal.body)) found.set(offset, { body: literal.body, pinned: true });
  return found;
}

/** A copy of the tree with each of `literals` (A_Const bodies) replaced by `$n`, n = its index + 1. */
function withParameters(ast: Node, literals: readonly Body[]): Node {
  const numbers = new Map<Body, number>(literals.map((body, i) => [body, i + 1]));
  const copy = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) return value.map(copy);
    const record = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const field in record) {
      const child = record[field];
      const number = field === 'A_Const' ? numbers.get(child as Body) : undefined;
      if (number !== undefined) return { ParamRef: { number, location: (child as Body).location } };
      out[field] = copy(child);
    }
    return out;
  };
  return copy(ast) as Node;
}
