/**
 * The bank of the crash-recovery test, shared by the worker that runs it (crash-worker.ts) and
 * the checker that audits it after every kill (crash-check.ts).
 *
 * acct(id int4 pk, balance int8) holds ACCOUNTS accounts that open with OPENING_BALANCE each;
 * transfers(id int8 pk, src int4, dst int4, amount int8) holds one row per committed transfer,
 * written in the same transaction as the two balance updates. So at any moment the balances
 * must equal the opening balances plus the transfer rows, whatever was killed when.
 */
export const ACCOUNTS = 100;
export const OPENING_BALANCE = 1000n;
export const TOTAL_BALANCE = BigInt(ACCOUNTS) * OPENING_BALANCE;

/**
 * Every kill cycle starts the worker with the next generation number; ids are
 * generation × 1e9 + a counter, unique across restarts without the worker having to ask the
 * shard which ids an earlier, killed generation used.
 */
export function transferId(generation: number, counter: number): bigint {
  return BigInt(generation) * 1_000_000_000n + BigInt(counter);
}

/**
 * What the worker prints on stdout, one `EVENT [ID]` line each:
 *   ready          the bank exists and the clients are running
 *   commit ID      commit() of transfer ID is about to be called: only these may ever be present
 *   ack ID         commit() of transfer ID resolved: it must survive every later crash
 *   rolledback ID  rollback() of transfer ID resolved: it must never be present
 */
export type WorkerEvent = 'ready' | 'commit' | 'ack' | 'rolledback';
