/**
 * UPDATE and DELETE on a shard. The input (target row first, then any FROM / USING rows) is
 * materialized before the first write, so an update can never meet rows it wrote itself (the
 * Halloween problem), and each target row is changed at most once even when a join yields
 * it several times.
 *
 * Each change goes through the engine with a callback that receives the newest version of
 * the row: under READ COMMITTED a row changed concurrently since the statement's snapshot
 * is re-read after its writer ends, `recheck` decides whether it still qualifies, and SET is
 * evaluated against it, as PostgreSQL's EvalPlanQual does. RETURNING sees the new row (the
 * deleted row for DELETE) followed by the FROM / USING columns.
 */
import type { Row } from '../../engine/types.ts';
import type { DeleteRel, UpdateRel } from '../../sql/plan/ir.ts';
import type { Compiler, Source, WriteStep } from '../compile/compiler.ts';
import type { Execution } from './execution.ts';
import { drain } from './cursor.ts';
import { compositeKeyOf, type HashKey } from './hash-key.ts';
import { compileReferences } from './referential.ts';
import { tableName } from './scan.ts';
import { compileChecks, compileReturning, sameStoredRow, withNewest } from './write-support.ts';

/**
 * Materializes the input, then offers each distinct target row once, with its primary key, to
 * `change`, which returns whether it changed the row. Returns how many it changed.
 */
async function eachTarget(exec: Execution, input: Source, name: string, table: UpdateRel['table'], change: (row: Row, pk: Row) => Promise<boolean>): Promise<number> {
  const { tx } = exec.shard();
  const targets = drain(input(exec.top));
  const pkColumns = tx.table(name).pkColumns;
  const pkKey = compositeKeyOf(pkColumns.map((i) => table.columns[i].type));
  const done = new Set<HashKey>();
  let count = 0;
  for (const row of targets) {
    exec.tick();
    const pk = pkColumns.map((i) => row[i]);
    const key = pkKey(pk);
    if (done.has(key) || !(await change(row, pk))) continue;
    done.add(key);
    count++;
  }
  return count;
}

export function updateStep(rel: UpdateRel, c: Compiler, slot: number): WriteStep {
  const input = c.rel(rel.input);
  const name = tableName(rel.table.oid);
  const width = rel.table.columns.length;
  const set = rel.set.map((e) => c.expr(e));
  const recheck = rel.recheck === null ? null : c.predicate(rel.recheck);
  const check = compileChecks(rel.table, rel.checks, c);
  const returning = compileReturning(rel.returning, c);
  const references = compileReferences(rel.foreignKeys, c);
  return {
    slot,
    async run(exec) {
      const { tx } = exec.shard();
      const frame = exec.top;
      const rows: Row[] = [];
      const events = references?.start(exec) ?? null;
      const count = await eachTarget(exec, input, name, rel.table, async (row, pk) => {
        let base = row;
        let before = row;
        const updated = await tx.update(name, pk, (current) => {
          if (sameStoredRow(current, row, width)) base = row;
          else {
            if (recheck !== null && !recheck(current, frame)) return null;
            base = withNewest(current, row, width);
          }
          before = current;
          const next = set.map((e) => e(base, frame));
          check(next, frame);
          return next;
        });
        if (updated === null) return false;
        events?.updated(before, updated);
        if (returning !== null) rows.push(returning(withNewest(updated, base, width), frame));
        return true;
      });
      return { count, rows };
    },
  };
}

export function deleteStep(rel: DeleteRel, c: Compiler, slot: number): WriteStep {
  const input = c.rel(rel.input);
  const name = tableName(rel.table.oid);
  const width = rel.table.columns.length;
  const recheck = rel.recheck === null ? null : c.predicate(rel.recheck);
  const returning = compileReturning(rel.returning, c);
  const references = compileReferences(rel.foreignKeys, c);
  return {
    slot,
    async run(exec) {
      const { tx } = exec.shard();
      const frame = exec.top;
      const rows: Row[] = [];
      const events = references?.start(exec) ?? null;
      const count = await eachTarget(exec, input, name, rel.table, async (row, pk) => {
        let deleted = row;
        let stored = row;
        const gone = await tx.delete(name, pk, (current) => {
          stored = current;
          if (sameStoredRow(current, row, width)) return true;
          if (recheck !== null && !recheck(current, frame)) return false;
          deleted = withNewest(current, row, width);
          return true;
        });
        if (gone) events?.deleted(stored);
        if (gone && returning !== null) rows.push(returning(deleted, frame));
        return gone;
      });
      return { count, rows };
    },
  };
}
