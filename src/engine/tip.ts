/**
 * The transaction inventory page (TIP): the state of every transaction the shard still needs
 * to know about, and the markers derived from it.
 *
 * In memory it is a byte per transaction id from `base` upward. Every id below `base` is
 * settled: committed, or rolled back with all its versions already removed. On disk the
 * `tip` sub-database holds one entry per committed transaction id ≥ the persisted OIT, and a
 * `limbo` entry for prepared ones; an id without an entry was never committed, which is how
 * transactions that were active at a crash come back as dead without any replay.
 *
 * Markers, as Firebird names them:
 *   OIT  oldest interesting transaction: the oldest id not known to be settled;
 *   OAT  oldest active transaction;
 *   OST  oldest snapshot: the lowest `xmin` of any active snapshot, i.e. the garbage
 *        collection horizon; a version committed below it is visible to every snapshot;
 *   next the next id to hand out.
 */

export const enum TxnState {
  Active = 0,
  Committed = 1,
  Dead = 2,
  Limbo = 3,
}

export const TIP_KEY_BYTES = 8;

export function tipKey(txn: number): Buffer {
  const key = Buffer.allocUnsafe(TIP_KEY_BYTES);
  key.writeUInt32BE(Math.floor(txn / 2 ** 32), 0);
  key.writeUInt32BE(txn >>> 0, 4);
  return key;
}

export function tipKeyToTxn(key: Uint8Array): number {
  const view = new DataView(key.buffer, key.byteOffset, key.byteLength);
  return view.getUint32(0) * 2 ** 32 + view.getUint32(4);
}

export class Tip {
  /** Every id below `base` is settled. */
  private base: number;
  private states: Uint8Array;
  private nextId: number;
  /** Slots below this (relative to base) are settled. */
  private settled = 0;

  constructor(oit: number, next: number) {
    this.base = oit;
    this.nextId = next;
    this.states = new Uint8Array(Math.max(1024, (next - oit) * 2));
    // Ids handed out before a restart that never committed are dead until a sweep settles them.
    this.states.fill(TxnState.Dead, 0, next - oit);
  }

  get next(): number {
    return this.nextId;
  }

  /** The persisted OIT: ids below it need no TIP entry. */
  get oit(): number {
    return this.base;
  }

  state(txn: number): TxnState {
    if (txn < this.base) return TxnState.Committed;
    if (txn >= this.nextId) return TxnState.Dead;
    return this.states[txn - this.base] as TxnState;
  }

  set(txn: number, state: TxnState): void {
    if (txn < this.base) return;
    this.states[txn - this.base] = state;
    if (state === TxnState.Committed) this.advance();
  }

  allocate(): number {
    const id = this.nextId++;
    const slot = id - this.base;
    if (slot >= this.states.length) {
      const grown = new Uint8Array(this.states.length * 2);
      grown.set(this.states);
      this.states = grown;
    }
    this.states[slot] = TxnState.Active;
    return id;
  }

  /** Ids in [from, to) currently dead. */
  deadIn(from: number, to: number): number[] {
    const dead: number[] = [];
    for (let id = Math.max(from, this.base); id < Math.min(to, this.nextId); id++) {
      if (this.states[id - this.base] === TxnState.Dead) dead.push(id);
    }
    return dead;
  }

  /**
   * Moves the settled cursor forward, and `base` with it once a large run (or everything) is
   * settled. The cursor only moves forward, so each id is scanned once: commits stay O(1)
   * amortized even while an old transaction holds the OIT back.
   */
  private advance(): void {
    const used = this.nextId - this.base;
    while (this.settled < used && this.states[this.settled] === TxnState.Committed) this.settled++;
    if (this.settled >= 4096 || (this.settled > 0 && this.settled === used)) {
      this.states.copyWithin(0, this.settled, used);
      this.base += this.settled;
      this.settled = 0;
    }
  }

  /** The oldest id that is not settled (the OIT). */
  oldestInteresting(): number {
    this.advance();
    return this.base + this.settled;
  }
}
