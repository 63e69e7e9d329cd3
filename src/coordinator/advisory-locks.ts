/**
 * PostgreSQL's advisory locks (pg_advisory_lock and family), which migration tools use to run
 * one at a time: session-level locks held until unlocked or the session ends, transaction-level
 * ones released at commit or rollback, both re-entrant and exclusive or shared.
 *
 * Expressions run synchronously, so a lock that must wait cannot block inside them: the
 * function throws `AdvisoryLockWait`, the session waits for the lock outside the executor and
 * runs the statement again (a statement calling pg_advisory_lock is read-only in practice; the
 * retry is refused for statements that write).
 */
import { EngineError, SqlState } from '../engine/errors.ts';
import type { EvalContext } from '../sql/functions/index.ts';
import { defineFunction } from '../sql/functions/registry.ts';

type Mode = 'exclusive' | 'shared';

interface Holder {
  readonly owner: object;
  readonly mode: Mode;
  count: number;
  readonly transactional: boolean;
}

/** Thrown when a lock is busy; the session awaits `ready` and retries the statement. */
export class AdvisoryLockWait extends Error {
  constructor(readonly ready: Promise<void>) {
    super('waiting for an advisory lock');
  }
}

export class AdvisoryLocks {
  private readonly held = new Map<string, Holder[]>();
  private readonly waiters = new Map<string, (() => void)[]>();

  private conflicts(key: string, owner: object, mode: Mode): boolean {
    return (this.held.get(key) ?? []).some((h) => h.owner !== owner && (mode === 'exclusive' || h.mode === 'exclusive'));
  }

  /** Takes the lock now, or returns false (try) / throws AdvisoryLockWait (wait). */
  acquire(key: string, owner: object, mode: Mode, transactional: boolean, wait: boolean): boolean {
    if (this.conflicts(key, owner, mode)) {
      if (!wait) return false;
      throw new AdvisoryLockWait(new Promise((resolve) => {
        const list = this.waiters.get(key) ?? [];
        list.push(resolve);
        this.waiters.set(key, list);
      }));
    }
    const holders = this.held.get(key) ?? [];
    const mine = holders.find((h) => h.owner === owner && h.mode === mode && h.transactional === transactional);
    if (mine !== undefined) mine.count++;
    else holders.push({ owner, mode, count: 1, transactional });
    this.held.set(key, holders);
    return true;
  }

  release(key: string, owner: object, mode: Mode): boolean {
    const holders = this.held.get(key) ?? [];
    const mine = holders.find((h) => h.owner === owner && h.mode === mode && !h.transactional);
    if (mine === undefined) return false;
    if (--mine.count === 0) this.drop(key, mine);
    return true;
  }

  /** Releases an owner's locks: all of them (session end), or its transaction-level ones. */
  releaseAll(owner: object, onlyTransactional: boolean): void {
    for (const [key, holders] of [...this.held]) {
      for (const h of [...holders]) if (h.owner === owner && (!onlyTransactional || h.transactional)) this.drop(key, h);
    }
  }

  private drop(key: string, holder: Holder): void {
    const holders = (this.held.get(key) ?? []).filter((h) => h !== holder);
    if (holders.length === 0) this.held.delete(key);
    else this.held.set(key, holders);
    const waiting = this.waiters.get(key);
    this.waiters.delete(key);
    for (const wake of waiting ?? []) wake();
  }
}

/** What the lock functions need from the session running them. */
export interface AdvisoryLockContext extends EvalContext {
  readonly advisory: { readonly locks: AdvisoryLocks; readonly owner: object };
}

function access(ctx: EvalContext): AdvisoryLockContext['advisory'] {
  const advisory = (ctx as Partial<AdvisoryLockContext>).advisory;
  if (advisory === undefined) throw new EngineError(SqlState.featureNotSupported, 'advisory locks cannot be used here');
  return advisory;
}

const INT8 = { kind: 'int8' } as const;
const INT4 = { kind: 'int4' } as const;
const BOOL = { kind: 'bool' } as const;
const VOID = { kind: 'void' } as const;

function keyOf(args: readonly unknown[]): string {
  return args.length === 1 ? `k:${String(args[0])}` : `p:${String(args[0])}:${String(args[1])}`;
}

for (const params of [[INT8], [INT4, INT4]]) {
  for (const [suffix, mode] of [['', 'exclusive'], ['_shared', 'shared']] as const) {
    const lock = (transactional: boolean, wait: boolean) => (args: readonly unknown[], ctx: EvalContext) => {
      const { locks, owner } = access(ctx);
      const taken = locks.acquire(keyOf(args), owner, mode, transactional, wait);
      return wait ? null : taken;
    };
    defineFunction(`pg_advisory_lock${suffix}`, { params, returns: VOID, strict: true, volatility: 'volatile', impl: lock(false, true) });
    defineFunction(`pg_advisory_xact_lock${suffix}`, { params, returns: VOID, strict: true, volatility: 'volatile', impl: lock(true, true) });
    defineFunction(`pg_try_advisory_lock${suffix}`, { params, returns: BOOL, strict: true, volatility: 'volatile', impl: lock(false, false) });
    defineFunction(`pg_try_advisory_xact_lock${suffix}`, { params, returns: BOOL, strict: true, volatility: 'volatile', impl: lock(true, false) });
    defineFunction(`pg_advisory_unlock${suffix}`, {
      params, returns: BOOL, strict: true, volatility: 'volatile',
      impl: (args, ctx) => {
        const { locks, owner } = access(ctx);
        return locks.release(keyOf(args), owner, mode);
      },
    });
  }
}
defineFunction('pg_advisory_unlock_all', {
  params: [], returns: VOID, strict: false, volatility: 'volatile',
  impl: (_args, ctx) => {
    const { locks, owner } = access(ctx);
    locks.releaseAll(owner, false);
    return null;
  },
});
