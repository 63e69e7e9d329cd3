/**
 * Snapshots and version visibility.
 *
 * A snapshot is taken from the TIP: `xmax` (the next id at the time), the set of transactions
 * active then, and `xmin` (the oldest of them, or xmax). A version written by `w` is visible
 * to snapshot S of transaction `self` when w = self, or w is committed and was not active
 * when S was taken (w < xmax and w ∉ active). READ COMMITTED takes a fresh snapshot per
 * statement (PostgreSQL semantics); SNAPSHOT keeps the first one for the whole transaction.
 */
import { TxnState, type Tip } from './tip.ts';
import type { Version } from './versions.ts';

export class Snapshot {
  constructor(
    readonly self: number,
    readonly xmin: number,
    readonly xmax: number,
    private readonly active: ReadonlySet<number>,
  ) {}

  static take(self: number, tip: Tip, activeIds: Iterable<number>): Snapshot {
    const active = new Set<number>();
    let xmin = tip.next;
    for (const id of activeIds) {
      if (id === self) continue;
      active.add(id);
      if (id < xmin) xmin = id;
    }
    if (self < xmin) xmin = self;
    return new Snapshot(self, xmin, tip.next, active);
  }

  sees(txn: number, tip: Tip): boolean {
    if (txn === this.self) return true;
    if (tip.state(txn) !== TxnState.Committed) return false;
    if (txn < this.xmin) return true;
    return txn < this.xmax && !this.active.has(txn);
  }

  /** The newest version this snapshot sees, if any. */
  visible(versions: readonly Version[], tip: Tip): Version | undefined {
    for (const v of versions) if (this.sees(v.txn, tip)) return v;
    return undefined;
  }
}

/**
 * Whether a chain holds versions no snapshot can see: a dead version, or anything older than
 * the newest version committed below the horizon (the OST).
 */
export function hasGarbage(versions: readonly Version[], tip: Tip, horizon: number): boolean {
  if (versions.length === 1) {
    const only = versions[0];
    return tip.state(only.txn) === TxnState.Dead || (only.deleted && only.txn < horizon && tip.state(only.txn) === TxnState.Committed);
  }
  let settled = false;
  for (const v of versions) {
    if (settled) return true;
    const state = tip.state(v.txn);
    if (state === TxnState.Dead) return true;
    if (state === TxnState.Committed && v.txn < horizon) settled = true;
  }
  return false;
}

/**
 * Splits a chain into the versions to keep and the garbage: dead versions, everything below
 * the newest version committed under the horizon, and that version itself when it is a
 * delete stub (a bottom delete stub and no version at all look the same to every snapshot).
 */
export function pruneChain(versions: readonly Version[], tip: Tip, horizon: number): { kept: Version[]; removed: Version[] } {
  const kept: Version[] = [];
  const removed: Version[] = [];
  let settled = false;
  for (const v of versions) {
    const state = tip.state(v.txn);
    if (settled || state === TxnState.Dead) {
      removed.push(v);
      continue;
    }
    kept.push(v);
    if (state === TxnState.Committed && v.txn < horizon) settled = true;
  }
  const last = kept[kept.length - 1];
  if (settled && last.deleted) removed.push(kept.pop() as Version);
  return { kept, removed };
}
