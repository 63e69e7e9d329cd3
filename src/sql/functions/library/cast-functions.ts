/**
 * The functions PostgreSQL's casts are made of, callable by name as in pg_proc: int4(numeric),
 * text(boolean), date(timestamptz), … One for each cast that converts with a function.
 */
import { castVolatility, functionCasts } from '../casts.ts';
import { fn, t, unary } from '../registry.ts';
import { internalTypeName } from '../type-info.ts';
import type { SqlType } from '../../types/sql-type.ts';

/** The spelling t() reads for a type kind of the cast table. */
function spelling(kind: string): string {
  return kind === 'char1' ? '"char"' : kind === 'char' ? 'bpchar' : kind;
}

for (const { from, to, convert } of functionCasts()) {
  const source = t(spelling(from)) as SqlType;
  const target = t(spelling(to)) as SqlType;
  fn(internalTypeName(target), [spelling(from)], spelling(to), unary(convert), { volatility: castVolatility(source, target) });
}
