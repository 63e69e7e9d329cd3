/**
 * PostgreSQL's advisory locks (pg_advisory_lock and family), which migration tools take to run
 * one at a time: session-level locks held until unlocked or the session ends, transaction-level
 * ones released when the transaction ends; both re-entrant, exclusive or shared. They live on
 * the coordinator, shared by all its sessions.
 *
 * Expressions run synchronously, so a lock that must wait cannot block inside them: the lock
 * function throws `AdvisoryLockWait`, the session waits outside the executor and runs the
 * statement again. The locks the statement took before it waited stay held, as PostgreSQL holds
 * them, and its second run finds them taken already instead of taking them twice.
 */
import { EngineError, SqlState } from '../engine/errors.ts';
import type { EvalContext } from '../sql/functions/index.ts';
import { defineFunction, sessionPart } from '../sql/functions/registry.ts';

type AdvisoryLockMode = 'exclusive' | 'shared';

interface Holder {
  readonly owner: SessionAdvisoryLocks;
  readonly mode: AdvisoryLockMode;
  readonly transactional: boolean;
  count: number;
}

interface Acquired {
  readonly key: string;
  readonly mode: AdvisoryLockMode;
  readonly transactional: boolean;
}

/** Thrown by a lock function when the lock is taken by another session. */
export class AdvisoryLockWait extends Error {
  constructor(readonly key: string, readonly mode: AdvisoryLockMode) {
    super('waiting for an advisory lock');
  }
}

/** How often a waiting session looks at cancel requests and timeouts. */
const POLL_MS = 50;

/** Every advisory lock held on this coordinator. */
export class AdvisoryLockTable {
  private readonly held = new Map<string, Holder[]>();
  private readonly wakeups = new Map<string, (() => void)[]>();

  private holders(key: string): readonly Holder[] {
    return this.held.get(key) ?? [];
  }

  conflicting(key: string, owner: SessionAdvisoryLocks, mode: AdvisoryLockMode): Holder[] {
    return this.holders(key).filter((h) => h.owner !== owner && (mode === 'exclusive' || h.mode === 'exclusive'));
  }

  add(key: string, owner: SessionAdvisoryLocks, mode: AdvisoryLockMode, transactional: boolean): void {
    const holders = this.held.get(key) ?? [];
    const mine = holders.find((h) => h.owner === owner && h.mode === mode && h.transactional === transactional);
    if (mine !== undefined) mine.count++;
    else holders.push({ owner, mode, transactional, count: 1 });
    this.held.set(key, holders);
  }

  /** Takes one count off a holder; false when `owner` holds no such lock. */
  remove(key: string, owner: SessionAdvisoryLocks, mode: AdvisoryLockMode, transactional: boolean): boolean {
    const holders = this.held.get(key) ?? [];
    const mine = holders.find((h) => h.owner === owner && h.mode === mode && h.transactional === transactional);
    if (mine === undefined) return false;
    if (--mine.count === 0) {
      const rest = holders.filter((h) => h !== mine);
      if (rest.length === 0) this.held.delete(key);
      else this.held.set(key, rest);
      this.wake(key);
    }
    return true;
  }

  /** Resolves the next time a lock on `key` is given up. */
  released(key: string): Promise<void> {
    return new Promise((resolve) => {
      const list = this.wakeups.get(key) ?? [];
      list.push(resolve);
      this.wakeups.set(key, list);
    });
  }

  private wake(key: string): void {
    const waiting = this.wakeups.get(key);
    this.wakeups.delete(key);
    for (const wake of waiting ?? []) wake();
  }
}

/** One session's advisory locks. */
export class SessionAdvisoryLocks {
  /** What this session holds, by key (so releasing at transaction end touches only these). */
  private readonly mine = new Map<string, Acquired[]>();
  /** Locks taken by the statement now running. */
  private attempt: Acquired[] = [];
  /** Locks its previous run took before it waited, in order: the run again takes them over. */
  private replay: Acquired[] = [];
  /** The lock this session waits for, for deadlock detection. */
  private waitingFor: AdvisoryLockWait | null = null;

  constructor(private readonly table: AdvisoryLockTable) {}

  /** Takes the lock, or returns false when it is busy (`wait` false) or throws AdvisoryLockWait. */
  lock(key: string, mode: AdvisoryLockMode, transactional: boolean, wait: boolean): boolean {
    const replayed = this.replay[0];
    if (replayed !== undefined) {
      if (replayed.key === key && replayed.mode === mode && replayed.transactional === transactional) {
        this.attempt.push(this.replay.shift() as Acquired);
        return true;
      }
      this.dropReplay();
    }
    if (this.table.conflicting(key, this, mode).length > 0) {
      if (!wait) return false;
      throw new AdvisoryLockWait(key, mode);
    }
    this.table.add(key, this, mode, transactional);
    const acquired = { key, mode, transactional };
    this.attempt.push(acquired);
    const list = this.mine.get(key) ?? [];
    list.push(acquired);
    this.mine.set(key, list);
    return true;
  }

  /** Releases one count of a session-level lock; false when the session does not hold it. */
  unlock(key: string, mode: AdvisoryLockMode): boolean {
    const list = this.mine.get(key) ?? [];
    const at = list.findIndex((a) => a.mode === mode && !a.transactional);
    if (at < 0) return false;
    this.forget(list[at]);
    return true;
  }

  unlockAll(onlyTransactional: boolean): void {
    if (this.mine.size === 0) return;
    for (const list of [...this.mine.values()]) for (const acquired of [...list]) if (!onlyTransactional || acquired.transactional) this.forget(acquired);
  }

  private forget(acquired: Acquired): void {
    this.table.remove(acquired.key, this, acquired.mode, acquired.transactional);
    const rest = (this.mine.get(acquired.key) ?? []).filter((a) => a !== acquired);
    if (rest.length === 0) this.mine.delete(acquired.key);
    else this.mine.set(acquired.key, rest);
  }

  /** What this session holds and waits for, as pg_locks shows it. */
  *locks(): Iterable<AdvisoryLockInfo> {
    const seen = new Set<string>();
    for (const list of this.mine.values()) {
      for (const { key, mode } of list) {
        if (seen.has(`${mode}:${key}`)) continue;
        seen.add(`${mode}:${key}`);
        yield { ...lockIdentity(key), mode: lockModeName(mode), granted: true };
      }
    }
    if (this.waitingFor !== null) yield { ...lockIdentity(this.waitingFor.key), mode: lockModeName(this.waitingFor.mode), granted: false };
  }

  /** A statement starts: what it takes from now on is its own. */
  statementStarts(): void {
    if (this.attempt.length > 0) this.attempt = [];
    this.dropReplay();
  }

  /** A run that took a different path than the one before it gives back what it did not retake. */
  private dropReplay(): void {
    if (this.replay.length === 0) return;
    for (const acquired of this.replay) this.forget(acquired);
    this.replay = [];
  }

  /**
   * Waits until the lock the statement asked for is free; the caller then runs the statement
   * again, which retakes what it took so far. Fails with 40P01 on a deadlock among advisory locks, 55P03
   * after lock_timeout, or whatever `checkInterrupt` throws (cancel, statement_timeout).
   */
  async waitFor(wait: AdvisoryLockWait, checkInterrupt: () => void, lockTimeoutMs: number): Promise<void> {
    this.replay = [...this.replay, ...this.attempt];
    this.attempt = [];
    const deadline = lockTimeoutMs > 0 ? Date.now() + lockTimeoutMs : 0;
    this.waitingFor = wait;
    try {
      // One wake-up per release, not per poll: the polls only look at cancel and the timeouts.
      let released: Promise<boolean> | null = null;
      while (this.table.conflicting(wait.key, this, wait.mode).length > 0) {
        this.checkDeadlock(wait);
        checkInterrupt();
        if (deadline !== 0 && Date.now() >= deadline) throw new EngineError(SqlState.lockNotAvailable, 'canceling statement due to lock timeout');
        released ??= this.table.released(wait.key).then(() => true);
        let timer: NodeJS.Timeout | undefined;
        const woken = await Promise.race([released, new Promise<boolean>((resolve) => (timer = setTimeout(resolve, POLL_MS, false)))]);
        clearTimeout(timer);
        if (woken) released = null;
      }
    } catch (error) {
      // The statement fails: what it took stays held, as PostgreSQL keeps it.
      this.replay = [];
      throw error;
    } finally {
      this.waitingFor = null;
    }
  }

  private checkDeadlock(wait: AdvisoryLockWait): void {
    const seen = new Set<SessionAdvisoryLocks>();
    const blocking = (key: string, mode: AdvisoryLockMode, from: SessionAdvisoryLocks): SessionAdvisoryLocks[] =>
      this.table.conflicting(key, from, mode).map((h) => h.owner);
    const queue = blocking(wait.key, wait.mode, this);
    while (queue.length > 0) {
      const next = queue.pop() as SessionAdvisoryLocks;
      if (next === this) throw new EngineError(SqlState.deadlockDetected, 'deadlock detected', { detail: 'Process waits for an advisory lock held by a process that waits for one held by this process.' });
      if (seen.has(next) || next.waitingFor === null) continue;
      seen.add(next);
      queue.push(...blocking(next.waitingFor.key, next.waitingFor.mode, next));
    }
  }
}

/** An advisory lock as a row of pg_locks names it. */
export interface AdvisoryLockInfo {
  readonly classid: number;
  readonly objid: number;
  readonly objsubid: 1 | 2;
  readonly mode: 'ExclusiveLock' | 'ShareLock';
  readonly granted: boolean;
}

function lockModeName(mode: AdvisoryLockMode): AdvisoryLockInfo['mode'] {
  return mode === 'exclusive' ? 'ExclusiveLock' : 'ShareLock';
}

/** PostgreSQL splits an int8 key into its high and low halves (objsubid 1); a pair of int4
 * keys is the two halves as given (objsubid 2). Both halves read as unsigned OIDs. */
function lockIdentity(key: string): Pick<AdvisoryLockInfo, 'classid' | 'objid' | 'objsubid'> {
  const parts = key.split(':');
  if (parts[0] === '1') {
    const value = BigInt.asUintN(64, BigInt(parts[1]));
    return { classid: Number(value >> 32n), objid: Number(value & 0xffffffffn), objsubid: 1 };
  }
  return { classid: Number(parts[1]) >>> 0, objid: Number(parts[2]) >>> 0, objsubid: 2 };
}

/** An EvalContext that can reach the session's advisory locks. */
export interface AdvisoryLockEvalContext extends EvalContext {
  readonly advisoryLocks: SessionAdvisoryLocks;
}

function locksOf(ctx: EvalContext): SessionAdvisoryLocks {
  return sessionPart<AdvisoryLockEvalContext['advisoryLocks']>(ctx, 'advisoryLocks', 'advisory lock functions');
}

/** An int8 key and a pair of int4 keys are different locks, as pg_locks' objsubid 1 and 2 tell. */
function keyOf(args: readonly unknown[]): string {
  return args.length === 1 ? `1:${String(args[0])}` : `2:${String(args[0])}:${String(args[1])}`;
}

const INT8 = { kind: 'int8' } as const;
const INT4 = { kind: 'int4' } as const;
const BOOL = { kind: 'bool' } as const;
const VOID = { kind: 'void' } as const;
/** A void result is a value, not NULL: psql prints an empty field. */
const VOID_VALUE = '';

for (const params of [[INT8], [INT4, INT4]]) {
  for (const [suffix, mode] of [['', 'exclusive'], ['_shared', 'shared']] as const) {
    const lock = (transactional: boolean, wait: boolean) => (args: readonly unknown[], ctx: EvalContext) => {
      const taken = locksOf(ctx).lock(keyOf(args), mode, transactional, wait);
      return wait ? VOID_VALUE : taken;
    };
    const common = { params, strict: true, volatility: 'volatile' } as const;
    defineFunction(`pg_advisory_lock${suffix}`, { ...common, returns: VOID, impl: lock(false, true) });
    defineFunction(`pg_advisory_xact_lock${suffix}`, { ...common, returns: VOID, impl: lock(true, true) });
    defineFunction(`pg_try_advisory_lock${suffix}`, { ...common, returns: BOOL, impl: lock(false, false) });
    defineFunction(`pg_try_advisory_xact_lock${suffix}`, { ...common, returns: BOOL, impl: lock(true, false) });
    defineFunction(`pg_advisory_unlock${suffix}`, { ...common, returns: BOOL, impl: (args, ctx) => locksOf(ctx).unlock(keyOf(args), mode) });
  }
}
defineFunction('pg_advisory_unlock_all', {
  params: [], returns: VOID, strict: false, volatility: 'volatile',
  impl: (_args, ctx) => {
    locksOf(ctx).unlockAll(false);
    return VOID_VALUE;
  },
});
