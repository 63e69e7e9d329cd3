/**
 * INSERT on a shard: stored rows from the input (streamed: the engine's scans do not see rows
 * written after they started, so INSERT … SELECT from the same table is safe), the hidden row
 * id filled from the shard's counter, CHECK constraints, ON CONFLICT, RETURNING.
 *
 * ON CONFLICT looks for the row holding the arbiter key (primary key, or a unique index) in
 * the statement's snapshot. If none is visible but the insert still hits the primary key
 * (a concurrent insert committed meanwhile), the conflict is handled on the newest version
 * of that row, as PostgreSQL does under READ COMMITTED. DO UPDATE runs through the engine's
 * update, so a concurrently changed row is re-read and the WHERE re-checked on it; a row
 * proposed twice in one command is 21000, as in PostgreSQL.
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import type { Transaction } from '../../engine/index.ts';
import type { Row, Value } from '../../engine/types.ts';
import type { InsertRel, OnConflict } from '../../sql/plan/ir.ts';
import type { Compiler, Evaluator, WriteStep } from '../compile/compiler.ts';
import type { Frame } from './execution.ts';
import { compositeKeyOf, keyOf, type HashKey } from './hash-key.ts';
import { compileReferences, type RowEvents } from './referential.ts';
import { tableName } from './scan.ts';
import { compileChecks, compileReturning, type RowChecker } from './write-support.ts';

export function insertStep(rel: InsertRel, c: Compiler, slot: number): WriteStep {
  const input = c.rel(rel.input);
  const name = tableName(rel.table.oid);
  const width = rel.table.columns.length;
  const hidden = rel.table.hiddenRowId;
  const check = compileChecks(rel.table, rel.checks, c);
  const returning = compileReturning(rel.returning, c);
  const upsert = rel.onConflict === null ? null : compileUpsert(rel, rel.onConflict, c, check);
  const references = compileReferences(rel.foreignKeys, c);
  return {
    slot,
    async run(exec) {
      const site = exec.shard();
      const { tx, runtime } = site;
      const frame = exec.top;
      const rows: Row[] = [];
      let count = 0;
      const events = references?.start(exec) ?? null;
      const command = upsert === null ? null : upsert.start(tx, frame, events);
      const cursor = input(frame);
      for (let row = cursor.next(); row !== undefined; row = cursor.next()) {
        exec.tick();
        let stored = row;
        if (hidden) {
          const filled = row.slice(0, width - 1) as Value[];
          filled.push(runtime.nextRowId(tx, name));
          stored = filled;
        }
        check(stored, frame);
        if (command === null) {
          await tx.insert(name, stored);
          events?.inserted(stored);
        } else {
          const outcome = await command(stored);
          if (outcome === null) continue;
          stored = outcome;
        }
        count++;
        if (returning !== null) rows.push(returning(stored, frame));
      }
      return { count, rows };
    },
  };
}

interface Upsert {
  /** Starts one execution: returns the handler of each proposed row (null = nothing written,
   * else the row now stored), which reports what it wrote to `events`. */
  start(tx: Transaction, frame: Frame, events: RowEvents | null): (proposed: Row) => Promise<Row | null>;
}

function compileUpsert(rel: InsertRel, onConflict: OnConflict, c: Compiler, check: RowChecker): Upsert {
  const name = tableName(rel.table.oid);
  const set = onConflict.set === null ? null : onConflict.set.map((e) => c.expr(e));
  const where = onConflict.where === null ? null : c.predicate(onConflict.where);
  if (onConflict.action === 'update' && set === null) throw new EngineError(SqlState.internalError, 'invalid plan: ON CONFLICT DO UPDATE without SET');
  return {
    start(tx, frame, events) {
      const info = tx.table(name);
      const index = onConflict.index === null ? null : info.indexByName.get(onConflict.index);
      if (index === undefined) throw new EngineError(SqlState.undefinedObject, `index "${onConflict.index}" does not exist`);
      const arbiter = index === null ? info.pkColumns : index.columns;
      const pkColumns = info.pkColumns;
      const pkKey = compositeKeyOf(pkColumns.map((i) => rel.table.columns[i].type));
      /** Primary keys this command inserted or updated. */
      const touched = new Set<HashKey>();
      const pkOf = (row: Row): Value[] => pkColumns.map((i) => row[i]);

      const visibleConflict = (proposed: Row): Row | undefined => {
        const values = arbiter.map((i) => proposed[i]);
        if (values.includes(null)) return undefined;
        if (index === null) return tx.get(name, values);
        const rows = tx.scan(name, { index: index.name, lower: { values }, upper: { values } });
        const first = rows.next();
        rows.return(undefined);
        return first.done === true ? undefined : first.value;
      };

      const arbiterKeys = arbiter.map((i) => keyOf(rel.table.columns[i].type));
      const holdsKey = (row: Row, proposed: Row): boolean => arbiter.every((column, i) => arbiterKeys[i](row[column]) === arbiterKeys[i](proposed[column]));
      const secondTime = (): EngineError =>
        new EngineError(SqlState.cardinalityViolation, 'ON CONFLICT DO UPDATE command cannot affect row a second time', {
          hint: 'Ensure that no rows proposed for insertion within the same command have duplicate constrained values.',
        });

      /**
       * Resolves the conflict with the newest version of the row whose primary key is `pk`:
       * the row now stored, null when nothing was written, or 'gone' when that row does not
       * hold the proposed key (any more).
       */
      const resolve = async (pk: Value[], proposed: Row): Promise<Row | null | 'gone'> => {
        if (onConflict.action === 'update' && touched.has(pkKey(pk))) throw secondTime();
        let gone = true;
        let before: Row = proposed;
        const updated = await tx.update(name, pk, (current) => {
          gone = !holdsKey(current, proposed);
          if (gone || onConflict.action === 'nothing') return null;
          const both = current.concat(proposed);
          if (where !== null && !where(both, frame)) return null;
          const next = (set as readonly Evaluator[]).map((e) => e(both, frame));
          check(next, frame);
          before = current;
          return next;
        });
        if (gone) return 'gone';
        if (updated !== null) {
          touched.add(pkKey(pkOf(updated)));
          events?.updated(before, updated);
        }
        return updated;
      };

      return async (proposed) => {
        for (;;) {
          frame.exec.ctx.checkInterrupt();
          const existing = visibleConflict(proposed);
          if (existing !== undefined) {
            if (onConflict.action === 'nothing') return null;
            const outcome = await resolve(pkOf(existing), proposed);
            if (outcome !== 'gone') return outcome;
            continue;
          }
          try {
            await tx.insert(name, proposed);
            touched.add(pkKey(pkOf(proposed)));
            events?.inserted(proposed);
            return proposed;
          } catch (error) {
            if ((error as EngineError).code !== SqlState.uniqueViolation || index !== null) throw error;
            // Invisible to our snapshot but committed since: if the primary key clashed, the
            // newest version of that row is the conflict; another unique index's clash stands.
            const outcome = await resolve(pkOf(proposed), proposed);
            if (outcome === 'gone') throw error;
            return outcome;
          }
        }
      };
    },
  };
}
