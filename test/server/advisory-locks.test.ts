/**
 * pg_advisory_lock and family through the whole stack, with two sessions as a migration tool
 * and a second deploy would hold them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { startTestServer, type TestServer } from './harness.ts';

let server: TestServer;
let a: pg.Client;
let b: pg.Client;

beforeAll(async () => {
  server = await startTestServer({ shards: 2 });
  a = await server.client();
  b = await server.client();
});

afterAll(async () => {
  await server.stop();
});

async function value(client: pg.Client, sql: string): Promise<unknown> {
  const result = await client.query(sql);
  return Object.values(result.rows[0] as object)[0];
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected the statement to fail');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('advisory locks', () => {
  it('a session lock blocks another session until it is unlocked', async () => {
    expect(await value(a, 'SELECT pg_advisory_lock(42)')).toBe('');
    expect(await value(b, 'SELECT pg_try_advisory_lock(42)')).toBe(false);
    let acquired = false;
    const waiting = b.query('SELECT pg_advisory_lock(42)').then(() => (acquired = true));
    await sleep(150);
    expect(acquired).toBe(false);
    expect(await value(a, 'SELECT pg_advisory_unlock(42)')).toBe(true);
    await waiting;
    expect(acquired).toBe(true);
    expect(await value(a, 'SELECT pg_try_advisory_lock(42)')).toBe(false);
    expect(await value(b, 'SELECT pg_advisory_unlock(42)')).toBe(true);
    expect(await value(b, 'SELECT pg_advisory_unlock(42)')).toBe(false);
  });

  it('pg_locks shows the locks held and the sessions waiting', async () => {
    await a.query('SELECT pg_advisory_lock(12345678901)');
    const waiting = b.query('SELECT pg_advisory_lock_shared(12345678901)');
    await sleep(100);
    const rows = (await a.query("SELECT locktype, classid, objid, objsubid, pid = pg_backend_pid() AS mine, mode, granted FROM pg_locks WHERE locktype = 'advisory' ORDER BY granted DESC")).rows;
    expect(rows).toEqual([
      { locktype: 'advisory', classid: 2, objid: 3755744309, objsubid: 1, mine: true, mode: 'ExclusiveLock', granted: true },
      { locktype: 'advisory', classid: 2, objid: 3755744309, objsubid: 1, mine: false, mode: 'ShareLock', granted: false },
    ]);
    await a.query('SELECT pg_advisory_unlock_all()');
    await waiting;
    await b.query('SELECT pg_advisory_unlock_all()');
  });

  it('is re-entrant: a lock taken twice is held until unlocked twice', async () => {
    await a.query('SELECT pg_advisory_lock(7), pg_advisory_lock(7)');
    expect(await value(a, 'SELECT pg_advisory_unlock(7)')).toBe(true);
    expect(await value(b, 'SELECT pg_try_advisory_lock(7)')).toBe(false);
    expect(await value(a, 'SELECT pg_advisory_unlock(7)')).toBe(true);
    expect(await value(b, 'SELECT pg_try_advisory_lock(7)')).toBe(true);
    await b.query('SELECT pg_advisory_unlock_all()');
  });

  it('shared locks coexist and exclude an exclusive one; int8 and int4 pair keys are distinct', async () => {
    expect(await value(a, 'SELECT pg_try_advisory_lock_shared(1)')).toBe(true);
    expect(await value(b, 'SELECT pg_try_advisory_lock_shared(1)')).toBe(true);
    expect(await value(b, 'SELECT pg_try_advisory_lock(1)')).toBe(false);
    expect(await value(b, 'SELECT pg_try_advisory_lock(0, 1)')).toBe(true);
    await a.query('SELECT pg_advisory_unlock_all()');
    await b.query('SELECT pg_advisory_unlock_all()');
  });

  it('transaction-level locks end with the transaction, committed or rolled back', async () => {
    await a.query('BEGIN');
    await a.query('SELECT pg_advisory_xact_lock(9)');
    expect(await value(b, 'SELECT pg_try_advisory_xact_lock(9)')).toBe(false);
    await a.query('COMMIT');
    await b.query('BEGIN');
    expect(await value(b, 'SELECT pg_try_advisory_xact_lock(9)')).toBe(true);
    expect(await value(a, 'SELECT pg_try_advisory_lock(9)')).toBe(false);
    await b.query('ROLLBACK');
    expect(await value(a, 'SELECT pg_try_advisory_lock(9)')).toBe(true);
    await a.query('SELECT pg_advisory_unlock_all()');
  });

  it('a session lock is released when its session ends', async () => {
    const c = await server.client();
    await c.query('SELECT pg_advisory_lock(11)');
    expect(await value(a, 'SELECT pg_try_advisory_lock(11)')).toBe(false);
    await c.end();
    await sleep(50);
    expect(await value(a, 'SELECT pg_try_advisory_lock(11)')).toBe(true);
    await a.query('SELECT pg_advisory_unlock_all()');
  });

  it('a wait ends with 55P03 after lock_timeout and with 57014 after statement_timeout', async () => {
    await a.query('SELECT pg_advisory_lock(5)');
    await b.query("SET lock_timeout = '100ms'");
    const timedOut = await failure(b.query('SELECT pg_advisory_lock(5)'));
    expect(timedOut).toMatchObject({ code: '55P03', message: 'canceling statement due to lock timeout' });
    await b.query('RESET lock_timeout');
    await b.query("SET statement_timeout = '100ms'");
    expect((await failure(b.query('SELECT pg_advisory_lock(5)'))).code).toBe('57014');
    await b.query('RESET statement_timeout');
    await a.query('SELECT pg_advisory_unlock_all()');
  });

  it('two sessions waiting for each other get 40P01 and the other one proceeds', async () => {
    await a.query('SELECT pg_advisory_lock(100)');
    await b.query('SELECT pg_advisory_lock(200)');
    const first = a.query('SELECT pg_advisory_lock(200)').then(() => 'ok', (e: { code: string }) => e.code);
    await sleep(100);
    const second = await failure(b.query('SELECT pg_advisory_lock(100)'));
    expect(second.code).toBe('40P01');
    await b.query('SELECT pg_advisory_unlock_all()');
    expect(await first).toBe('ok');
    await a.query('SELECT pg_advisory_unlock_all()');
  });

  it('a statement waiting for its second lock keeps its first, and takes it once', async () => {
    await b.query('SELECT pg_advisory_lock(21)');
    const both = a.query('SELECT pg_advisory_lock(20), pg_advisory_lock(21)');
    await sleep(100);
    expect(await value(b, 'SELECT pg_try_advisory_lock(20)')).toBe(false);
    await b.query('SELECT pg_advisory_unlock(21)');
    await both;
    expect(await value(a, 'SELECT pg_advisory_unlock(20)')).toBe(true);
    expect(await value(a, 'SELECT pg_advisory_unlock(20)')).toBe(false);
    expect(await value(a, 'SELECT pg_advisory_unlock(21)')).toBe(true);
    expect(await value(b, 'SELECT pg_try_advisory_lock(20)')).toBe(true);
    await b.query('SELECT pg_advisory_unlock_all()');
  });

  it('a statement that writes refuses to wait instead of running twice', async () => {
    await a.query('CREATE TABLE audit (n int)');
    await b.query('SELECT pg_advisory_lock(3)');
    const refused = await failure(a.query('INSERT INTO audit SELECT 1 FROM (SELECT pg_advisory_lock(3)) AS l'));
    expect(refused.code).toBe('0A000');
    expect(await value(a, 'SELECT count(*) FROM audit')).toBe('0');
    await b.query('SELECT pg_advisory_unlock_all()');
  });
});
