/**
 * Bottom-up rewriting of bound expressions: `mapExpr` rebuilds a tree, calling `fn` on each
 * node after its children; returning the node unchanged keeps it. Subquery plans are opaque
 * (only a subquery's `left` operand belongs to the enclosing expression).
 */
import type { Expr } from '../plan/ir.ts';

export function mapExpr(expr: Expr, fn: (e: Expr) => Expr): Expr {
  return fn(mapChildren(expr, (e) => mapExpr(e, fn)));
}

/** The node rebuilt with `m` applied to each direct child expression. */
export function mapChildren(expr: Expr, m: (e: Expr) => Expr): Expr {
  const ms = (es: readonly Expr[]): Expr[] => es.map(m);
  switch (expr.op) {
    case 'const':
    case 'param':
    case 'column':
    case 'outer':
      return expr;
    case 'call':
      return { ...expr, args: ms(expr.args) };
    case 'cast':
    case 'not':
    case 'isNull':
      return { ...expr, arg: m(expr.arg) };
    case 'and':
    case 'or':
    case 'coalesce':
    case 'greatest':
    case 'least':
      return { ...expr, args: ms(expr.args) };
    case 'isDistinct':
    case 'nullif':
      return { ...expr, left: m(expr.left), right: m(expr.right) };
    case 'case':
      return { ...expr, whens: expr.whens.map((w) => ({ when: m(w.when), then: m(w.then) })), otherwise: expr.otherwise === null ? null : m(expr.otherwise) };
    case 'inList':
      return { ...expr, arg: m(expr.arg), list: ms(expr.list) };
    case 'subquery':
      return expr.left === undefined ? expr : { ...expr, left: m(expr.left) };
    case 'anyArray':
    case 'allArray':
      return { ...expr, left: m(expr.left), array: m(expr.array) };
    case 'array':
      return { ...expr, elements: ms(expr.elements) };
    case 'subscript': {
      const mo = (es: readonly (Expr | null)[]) => es.map((e) => (e === null ? null : m(e)));
      return { ...expr, array: m(expr.array), upper: mo(expr.upper), lower: expr.lower === null ? null : mo(expr.lower) };
    }
    case 'row':
      return { ...expr, fields: ms(expr.fields) };
  }
}

/** Whether any node satisfies `test` (subquery plans not entered). */
export function someExpr(expr: Expr, test: (e: Expr) => boolean): boolean {
  let found = false;
  mapExpr(expr, (e) => {
    if (!found && test(e)) found = true;
    return e;
  });
  return found;
}

/** A stable text key of a bound expression, for matching GROUP BY keys and DISTINCT ON. */
export function exprKey(expr: Expr): string {
  return JSON.stringify(expr, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
}

/** The operands of a chain of ANDs (the expression itself when it is no AND). */
export function conjuncts(e: Expr): Expr[] {
  return e.op === 'and' ? e.args.flatMap(conjuncts) : [e];
}
