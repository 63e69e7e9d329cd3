/**
 * One execution of a compiled program: its context and the per-execution slots operators
 * keep results in (materialized CTEs, uncorrelated subquery results, recursive work tables,
 * the outcome of write steps). A compiled program is shared by every execution, so nothing
 * that belongs to one execution lives in its closures.
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import type { Row } from '../../engine/types.ts';
import type { CoordinatorSite, ExecContext, ShardSite } from '../compile/context.ts';

/** Rows between two interrupt checks (a power of two minus one, used as a mask). */
const TICK_MASK = 1023;

export class Execution {
  readonly slots: unknown[];
  /** The frame of the statement itself: no enclosing rows. */
  readonly top: Frame;
  private ticks = 0;
  /** Work the statement's end runs, in order (foreign key checks and actions). */
  private deferred: (() => Promise<void>)[] | null = null;

  constructor(readonly ctx: ExecContext, slotCount: number) {
    this.slots = new Array<unknown>(slotCount).fill(undefined);
    this.top = { exec: this, outer: [] };
  }

  /** Defers `work` to the end of the statement. */
  atEnd(work: () => Promise<void>): void {
    (this.deferred ??= []).push(work);
  }

  /** Ends the statement: runs the deferred work, including what that work defers. Without
   * any there is nothing to await (most writes: no foreign keys). */
  finish(): Promise<void> | undefined {
    const deferred = this.deferred;
    return deferred === null ? undefined : runInOrder(deferred);
  }

  /** Counts one row of work; every 1024th asks the session whether to stop. */
  tick(): void {
    if ((++this.ticks & TICK_MASK) === 0) this.ctx.checkInterrupt();
  }

  shard(): ShardSite {
    const site = this.ctx.site;
    if (site.kind !== 'shard') throw wrongSite('a shard');
    return site;
  }

  coordinator(): CoordinatorSite {
    const site = this.ctx.site;
    if (site.kind !== 'coordinator') throw wrongSite('the coordinator');
    return site;
  }
}

function wrongSite(where: string): EngineError {
  return new EngineError(SqlState.internalError, `this part of the plan can only run on ${where}`);
}

/**
 * Where an expression is evaluated: the execution, and the rows of the enclosing operators
 * (`outer[0]` is `outer` depth 1, the row the enclosing subquery expression is evaluated on).
 */
export interface Frame {
  readonly exec: Execution;
  readonly outer: readonly Row[];
}

/** The frame of a subquery or lateral input evaluated for `row`. */
export function frameFor(frame: Frame, row: Row): Frame {
  const outer = new Array<Row>(frame.outer.length + 1);
  outer[0] = row;
  for (let i = 0; i < frame.outer.length; i++) outer[i + 1] = frame.outer[i];
  return { exec: frame.exec, outer };
}

/** Runs the work in order; work may append more while it runs. */
async function runInOrder(work: readonly (() => Promise<void>)[]): Promise<void> {
  for (let i = 0; i < work.length; i++) await work[i]();
}
