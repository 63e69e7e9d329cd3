/**
 * Waiting. In MGA a row lock is simply the newest version being stamped by an active
 * transaction, so the only row-level primitive is "wait until that transaction ends". Table
 * locks (DML shared, DDL exclusive, held to transaction end as PostgreSQL holds them) are
 * built on the same primitive. Every wait is bounded by the waiter's lock timeout (SQLSTATE
 * 55P03) and checked for deadlock first (40P01), so no wait can hang forever.
 */
import { EngineError, SqlState } from './errors.ts';

/** What the lock manager needs to know about a transaction. */
export interface Waiter {
  readonly id: number;
  readonly lockTimeoutMs: number;
  /** Resolves when the transaction commits or rolls back. */
  readonly ended: Promise<void>;
  /** The transactions this one is currently waiting for (for deadlock detection). */
  waitingFor: readonly Waiter[];
  /** Rejects the current wait (statement cancel); set while waiting. */
  cancelWait?: (error: Error) => void;
}

function waitsOn(from: Waiter, target: Waiter, seen: Set<Waiter>): boolean {
  for (const next of from.waitingFor) {
    if (next === target) return true;
    if (seen.has(next)) continue;
    seen.add(next);
    if (waitsOn(next, target, seen)) return true;
  }
  return false;
}

/**
 * Waits until every transaction in `holders` has ended. `what` names the object for error
 * messages ("row in relation \"t\"").
 */
export async function waitForEnd(waiter: Waiter, holders: readonly Waiter[], what: string): Promise<void> {
  for (const holder of holders) {
    if (holder === waiter || waitsOn(holder, waiter, new Set())) {
      throw new EngineError(SqlState.deadlockDetected, 'deadlock detected', {
        detail: `Transaction ${waiter.id} waits for transaction ${holder.id} on ${what}, which waits for transaction ${waiter.id}.`,
        hint: 'Retry the transaction; access rows in a consistent order to avoid deadlocks.',
      });
    }
  }
  waiter.waitingFor = holders;
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      waiter.cancelWait = reject;
      timer = setTimeout(
        () => reject(new EngineError(SqlState.lockNotAvailable, `canceling statement due to lock timeout`, {
          detail: `Waited ${waiter.lockTimeoutMs} ms for ${what} held by transaction ${holders.map((h) => h.id).join(', ')}.`,
        })),
        waiter.lockTimeoutMs,
      );
      Promise.all(holders.map((h) => h.ended)).then(() => resolve(), reject);
    });
  } finally {
    clearTimeout(timer);
    waiter.waitingFor = [];
    waiter.cancelWait = undefined;
  }
}

type Mode = 'shared' | 'exclusive';

interface TableLock {
  readonly shared: Set<Waiter>;
  exclusive: Waiter | null;
}

/** Table-level locks: DML takes `shared`, DDL takes `exclusive`; released at transaction end. */
export class TableLocks {
  private readonly locks = new Map<number, TableLock>();

  async acquire(txn: Waiter, tableId: number, mode: Mode, tableName: string): Promise<void> {
    for (;;) {
      const lock = this.entry(tableId);
      const conflicts: Waiter[] = [];
      if (lock.exclusive !== null && lock.exclusive !== txn) conflicts.push(lock.exclusive);
      if (mode === 'exclusive') for (const s of lock.shared) if (s !== txn) conflicts.push(s);
      if (conflicts.length === 0) {
        if (mode === 'exclusive') lock.exclusive = txn;
        else lock.shared.add(txn);
        return;
      }
      await waitForEnd(txn, conflicts, `relation "${tableName}"`);
    }
  }

  holds(txn: Waiter, tableId: number, mode: Mode): boolean {
    const lock = this.locks.get(tableId);
    if (lock === undefined) return false;
    return lock.exclusive === txn || (mode === 'shared' && lock.shared.has(txn));
  }

  releaseAll(txn: Waiter, tableIds: Iterable<number>): void {
    for (const id of tableIds) {
      const lock = this.locks.get(id);
      if (lock === undefined) continue;
      lock.shared.delete(txn);
      if (lock.exclusive === txn) lock.exclusive = null;
      if (lock.exclusive === null && lock.shared.size === 0) this.locks.delete(id);
    }
  }

  private entry(tableId: number): TableLock {
    let lock = this.locks.get(tableId);
    if (lock === undefined) {
      lock = { shared: new Set(), exclusive: null };
      this.locks.set(tableId, lock);
    }
    return lock;
  }
}
