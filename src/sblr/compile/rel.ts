/**
 * Relations to sources: one compile function per plan node kind. Write nodes become write
 * steps (run before the query part, see WriteStep); reading one yields its RETURNING rows.
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import type { Rel } from '../../sql/plan/ir.ts';
import { compileAggregate } from '../runtime/aggregate.ts';
import { compileFilter, compileLimit, compileProject, compileValues } from '../runtime/basic.ts';
import { compileCteRef, compileRecursive, compileResult, compileWorkTable } from '../runtime/cte.ts';
import { ArrayCursor } from '../runtime/cursor.ts';
import { ddlStep } from '../runtime/ddl.ts';
import { compileDistinct } from '../runtime/distinct.ts';
import { compileCatalog, compileGather, gatherWriteStep } from '../runtime/gather.ts';
import { insertStep } from '../runtime/insert.ts';
import { routedInsertStep } from '../runtime/routed-insert.ts';
import { compileJoin } from '../runtime/join.ts';
import { deleteStep, updateStep } from '../runtime/modify.ts';
import { compileIndexScan, compileScan } from '../runtime/scan.ts';
import { compileSetOp } from '../runtime/setop.ts';
import { compileSort } from '../runtime/sort.ts';
import { compileFunctionRel, compileProjectSet } from '../runtime/srf.ts';
import { compileWindow } from '../runtime/window.ts';
import type { Compiler, Source, WriteStep } from './compiler.ts';
import type { WriteResult } from './context.ts';

/** Whether running a relation writes: it is, or contains, DML or DDL (a data-modifying
 * CTE, a gather of writes). Such a program runs with `run()`. */
export function isWrite(rel: Rel): boolean {
  switch (rel.rel) {
    case 'insert': case 'update': case 'delete': case 'ddl': case 'routedInsert':
      return true;
    case 'gather':
      return isWrite(rel.subplan);
    case 'result':
      return rel.ctes.some((cte) => isWrite(cte.plan)) || isWrite(rel.input);
    case 'join': case 'setop':
      return isWrite(rel.left) || isWrite(rel.right);
    case 'recursive':
      return isWrite(rel.seed) || isWrite(rel.step);
    case 'filter': case 'project': case 'projectSet': case 'aggregate': case 'window': case 'sort': case 'limit': case 'distinct':
      return isWrite(rel.input);
    default:
      return false;
  }
}

export function compileRel(rel: Rel, c: Compiler): Source {
  switch (rel.rel) {
    case 'scan': return compileScan(rel);
    case 'indexScan': return compileIndexScan(rel, c);
    case 'values': return compileValues(rel, c);
    case 'filter': return compileFilter(rel, c);
    case 'project': return compileProject(rel, c);
    case 'join': return compileJoin(rel, c);
    case 'aggregate': return compileAggregate(rel, c);
    case 'window': return compileWindow(rel, c);
    case 'sort': return compileSort(rel, c).all;
    case 'limit': return compileLimit(rel, c);
    case 'distinct': return compileDistinct(rel, c);
    case 'setop': return compileSetOp(rel, c);
    case 'recursive': return compileRecursive(rel, c);
    case 'workTable': return compileWorkTable(rel, c);
    case 'cteRef': return compileCteRef(rel, c);
    case 'function': return compileFunctionRel(rel, c);
    case 'projectSet': return compileProjectSet(rel, c);
    case 'result': return compileResult(rel, c);
    case 'catalog': return compileCatalog(rel);
    case 'gather':
      return isWrite(rel.subplan) ? writeNode(rel, c, (slot) => gatherWriteStep(rel, c, slot)) : compileGather(rel, c);
    case 'routedInsert': return writeNode(rel, c, (slot) => routedInsertStep(rel, c, slot));
    case 'insert': return writeNode(rel, c, (slot) => insertStep(rel, c, slot));
    case 'update': return writeNode(rel, c, (slot) => updateStep(rel, c, slot));
    case 'delete': return writeNode(rel, c, (slot) => deleteStep(rel, c, slot));
    case 'ddl': return writeNode(rel, c, (slot) => ddlStep(rel, c, slot));
  }
}

function writeNode(rel: Rel, c: Compiler, step: (slot: number) => WriteStep): Source {
  const slot = c.slot();
  c.addWrite(rel, step(slot));
  return (frame) => {
    const result = frame.exec.slots[slot] as WriteResult | undefined;
    if (result === undefined) throw new EngineError(SqlState.internalError, 'a write was read before it ran');
    return new ArrayCursor(result.rows);
  };
}
