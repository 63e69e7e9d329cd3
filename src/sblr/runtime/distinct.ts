/**
 * DISTINCT and DISTINCT ON, by hashing: a row passes when its key (all columns, or the ON
 * expressions) was not seen before, so DISTINCT ON keeps the first row of each group in
 * input order (the planner sorts first, as PostgreSQL requires ORDER BY to lead with ON).
 */
import type { Row, Value } from '../../engine/types.ts';
import { columnsOf, type DistinctRel } from '../../sql/plan/ir.ts';
import type { Compiler, Evaluator, Source } from '../compile/compiler.ts';
import type { Cursor } from './cursor.ts';
import type { Frame } from './execution.ts';
import { compositeKeyOf, type HashKey } from './hash-key.ts';

class DistinctCursor implements Cursor {
  private readonly seen = new Set<HashKey>();
  constructor(private readonly input: Cursor, private readonly key: (row: Row, frame: Frame) => HashKey, private readonly frame: Frame) {}
  next(): Row | undefined {
    const { input, seen, frame } = this;
    for (let row = input.next(); row !== undefined; row = input.next()) {
      const key = this.key(row, frame);
      if (!seen.has(key)) {
        seen.add(key);
        return row;
      }
    }
    return undefined;
  }
  close(): void {
    this.input.close();
  }
}

export function compileDistinct(rel: DistinctRel, c: Compiler): Source {
  const input = c.rel(rel.input);
  const key = rel.on === null ? rowKey(columnsOf(rel.input).map((col) => col.type)) : exprsKey(rel.on.map((e) => c.expr(e)), rel.on.map((e) => e.type));
  return (frame) => new DistinctCursor(input(frame), key, frame);
}

function rowKey(types: Parameters<typeof compositeKeyOf>[0]): (row: Row) => HashKey {
  return compositeKeyOf(types);
}

function exprsKey(exprs: readonly Evaluator[], types: Parameters<typeof compositeKeyOf>[0]): (row: Row, frame: Frame) => HashKey {
  const key = compositeKeyOf(types);
  const values = new Array<Value>(exprs.length).fill(null);
  return (row, frame) => {
    for (let i = 0; i < exprs.length; i++) values[i] = exprs[i](row, frame);
    return key(values);
  };
}
