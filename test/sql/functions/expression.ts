/**
 * A tiny SQL expression reader and binder for tests: it parses the expressions the
 * differential cases are written in (literals, typed literals, casts, ARRAY[…], function calls,
 * prefix and infix operators with PostgreSQL's precedence) and evaluates them through
 * src/sql/functions the way the real binder does: resolve, cast arguments implicitly, call.
 * The same text goes to PostgreSQL unchanged.
 */
import type { Value } from '../../../src/engine/types.ts';
import {
  cannotCast,
  identityCast,
  parseSqlType,
  resolveCast,
  resolveFunction,
  resolveOperator,
  selectCommonType,
  sqlTextOut,
  sqlTypeName,
  type CastFn,
  type EvalContext,
} from '../../../src/sql/functions/index.ts';
import type { SqlScalarType, SqlType } from '../../../src/sql/types/sql-type.ts';

type Token = { kind: 'number' | 'string' | 'word' | 'op' | 'punct'; text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?)|('(?:[^']|'')*')|("?[A-Za-z_][A-Za-z0-9_]*"?(?:\.[A-Za-z_][A-Za-z0-9_]*)?)|(::|[(),[\]])|([+\-*/<>=~!@#%^&|`?]+))/iy;
  let at = 0;
  while (at < text.length) {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (match === null || match[0] === '') {
      if (/^\s*$/.test(text.slice(at))) break;
      throw new Error(`cannot tokenize at ${text.slice(at)}`);
    }
    at = pattern.lastIndex;
    if (match[1] !== undefined) tokens.push({ kind: 'number', text: match[1] });
    else if (match[2] !== undefined) tokens.push({ kind: 'string', text: match[2].slice(1, -1).replace(/''/g, "'") });
    else if (match[3] !== undefined) tokens.push({ kind: 'word', text: match[3] });
    else if (match[4] !== undefined) tokens.push({ kind: 'punct', text: match[4] });
    else tokens.push({ kind: 'op', text: match[5] });
  }
  return tokens;
}

export interface Bound {
  readonly type: SqlType;
  readonly evaluate: (ctx: EvalContext) => Value;
}

const UNKNOWN: SqlType = { kind: 'unknown' };

function constant(type: SqlType, value: Value): Bound {
  return { type, evaluate: () => value };
}

function coerce(arg: Bound, to: SqlType, context: 'implicit' | 'explicit'): Bound {
  if (to.kind === 'unknown' && arg.type.kind === 'unknown') return arg;
  const cast: CastFn | undefined = resolveCast(arg.type, to, context);
  if (cast === undefined) throw cannotCast(arg.type, to);
  if (cast === identityCast) return { type: to, evaluate: arg.evaluate };
  return { type: to, evaluate: (ctx) => cast(arg.evaluate(ctx), ctx) };
}

function call(resolved: { returnType: SqlType; argTypes: readonly SqlType[]; impl: (args: Value[], ctx: EvalContext) => Value }, args: readonly Bound[]): Bound {
  const coerced = args.map((arg, i) => coerce(arg, resolved.argTypes[i], 'implicit'));
  return {
    type: resolved.returnType,
    evaluate: (ctx) => resolved.impl(coerced.map((arg) => arg.evaluate(ctx)), ctx),
  };
}

/** Binary operator precedence, lowest first, as PostgreSQL's grammar has it. */
const LEVELS: readonly (readonly string[] | 'other')[] = [['=', '<', '>', '<=', '>=', '<>', '!='], 'other', ['+', '-'], ['*', '/', '%'], ['^']];
const COMPARISON = new Set(['=', '<', '>', '<=', '>=', '<>', '!=']);

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Bound {
    const result = this.binary(0);
    if (this.at !== this.tokens.length) throw new Error(`unexpected ${this.tokens[this.at].text}`);
    return result;
  }

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  private expect(text: string): void {
    if (this.tokens[this.at]?.text !== text) throw new Error(`expected ${text}`);
    this.at++;
  }

  private levelOf(op: string): number {
    for (let i = 0; i < LEVELS.length; i++) {
      const level = LEVELS[i];
      if (level !== 'other' && level.includes(op)) return i;
    }
    return 1;
  }

  private binary(level: number): Bound {
    if (level >= LEVELS.length) return this.prefix();
    let left = this.binary(level + 1);
    for (;;) {
      const token = this.peek();
      if (token?.kind !== 'op' || this.levelOf(token.text) !== level) return left;
      this.at++;
      const right = this.binary(level + 1);
      left = call(resolveOperator(token.text, left.type, right.type), [left, right]);
      if (COMPARISON.has(token.text)) return left;
    }
  }

  private prefix(): Bound {
    const token = this.peek();
    if (token?.kind === 'op') {
      this.at++;
      const operand = this.prefix();
      return call(resolveOperator(token.text, null, operand.type), [operand]);
    }
    return this.postfix(this.primary());
  }

  private postfix(value: Bound): Bound {
    let result = value;
    while (this.peek()?.text === '::') {
      this.at++;
      result = coerce(result, this.typeName(), 'explicit');
    }
    return result;
  }

  /** A type name: words, an optional (n) or (p,s), optional []. */
  private typeName(): SqlType {
    let text = this.tokens[this.at++].text;
    if (this.peek()?.text === '(') {
      text += '(';
      this.at++;
      while (this.peek()?.text !== ')') text += this.tokens[this.at++].text;
      this.at++;
      text += ')';
    }
    while (this.peek()?.text === '[') {
      this.expect('[');
      this.expect(']');
      text += '[]';
    }
    const type = parseSqlType(text);
    if (type === undefined) throw new Error(`unknown type ${text}`);
    return type;
  }

  private primary(): Bound {
    const token = this.tokens[this.at++];
    if (token === undefined) throw new Error('unexpected end');
    if (token.kind === 'number') {
      if (/^\d+$/.test(token.text)) {
        const value = BigInt(token.text);
        if (value <= 2147483647n) return constant({ kind: 'int4' }, Number(value));
        if (value <= 9223372036854775807n) return constant({ kind: 'int8' }, value);
      }
      return coerce(constant(UNKNOWN, token.text), { kind: 'numeric' }, 'explicit');
    }
    if (token.kind === 'string') return constant(UNKNOWN, token.text);
    if (token.text === '(') {
      const inner = this.binary(0);
      this.expect(')');
      return inner;
    }
    const word = token.text.toLowerCase().replace(/^pg_catalog\./, '');
    if (word === 'null') return constant(UNKNOWN, null);
    if (word === 'true' || word === 'false') return constant({ kind: 'bool' }, word === 'true');
    if (word === 'array') return this.arrayConstructor();
    if (this.peek()?.kind === 'string') {
      // typed literal: type 'text'
      const type = parseSqlType(token.text.replace(/^"|"$/g, (q) => q)) ?? parseSqlType(word);
      if (type === undefined) throw new Error(`unknown type ${token.text}`);
      return coerce(constant(UNKNOWN, this.tokens[this.at++].text), type, 'explicit');
    }
    if (this.peek()?.text === '(') {
      this.at++;
      const args: Bound[] = [];
      while (this.peek()?.text !== ')') {
        args.push(this.binary(0));
        if (this.peek()?.text === ',') this.at++;
      }
      this.at++;
      return call(resolveFunction(word, args.map((arg) => arg.type)), args);
    }
    throw new Error(`unexpected ${token.text}`);
  }

  private arrayConstructor(): Bound {
    this.expect('[');
    const items: Bound[] = [];
    while (this.peek()?.text !== ']') {
      items.push(this.binary(0));
      if (this.peek()?.text === ',') this.at++;
    }
    this.at++;
    const element = selectCommonType(items.map((item) => item.type), 'ARRAY')!;
    const coerced = items.map((item) => coerce(item, element, 'implicit'));
    const type: SqlType = { kind: 'array', element: element as SqlScalarType };
    return { type, evaluate: (ctx) => coerced.map((item) => item.evaluate(ctx)) };
  }
}

export function bindExpression(text: string): Bound {
  return new Parser(tokenize(text)).parse();
}

export type Outcome = { readonly value: string | null; readonly type: string } | { readonly code: string; readonly message: string };

/** Binds and evaluates an expression as SELECT would, the value as PostgreSQL's text output. */
export function evaluateExpression(text: string, ctx: EvalContext): Outcome {
  try {
    const bound = bindExpression(text);
    const type = bound.type.kind === 'unknown' ? ({ kind: 'text' } as SqlType) : bound.type;
    const value = bound.evaluate(ctx);
    return { value: value === null ? null : sqlTextOut(type, value, ctx), type: sqlTypeName(type) };
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    return { code: code ?? `not an EngineError: ${String(error)}`, message };
  }
}
