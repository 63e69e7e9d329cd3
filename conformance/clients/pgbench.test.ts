/**
 * pgbench, PostgreSQL's own benchmark, as a user points it at ScratchBird: client-side
 * initialization (COPY), server-side generation (`-I dtGvp`: INSERT … SELECT generate_series),
 * then a timed TPC-B run with no failed transactions.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPostgres } from '../../test/support/postgres.ts';
import { startTestServer, type TestServer } from '../../test/server/harness.ts';

const install = findPostgres();
const bin = 'bin' in install ? install.bin : undefined;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.stop();
});

/** Runs pgbench without blocking the event loop the in-process server answers on. */
function pgbench(args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(`${bin}/pgbench`, ['-h', '127.0.0.1', '-p', String(server.port), '-U', 'postgres', ...args, 'postgres'], { env: { ...process.env, PGCONNECT_TIMEOUT: '10' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

async function counts(): Promise<Record<string, number>> {
  const client = await server.client();
  const { rows } = await client.query(`SELECT (SELECT count(*) FROM pgbench_branches)::int AS branches, (SELECT count(*) FROM pgbench_tellers)::int AS tellers,
    (SELECT count(*) FROM pgbench_accounts)::int AS accounts, (SELECT count(*) FROM pgbench_history)::int AS history`);
  return rows[0];
}

describe.skipIf(bin === undefined)('pgbench', () => {
  it('initializes with -i (client-side COPY)', async () => {
    const init = await pgbench(['-i', '-s', '1']);
    expect(init.status, init.stderr).toBe(0);
    expect(init.stderr).toMatch(/done in/);
    expect(await counts()).toEqual({ branches: 1, tellers: 10, accounts: 100_000, history: 0 });
  });

  it('initializes with -i -I dtGvp (server-side generate_series, vacuum, primary keys)', async () => {
    const init = await pgbench(['-i', '-I', 'dtGvp', '-s', '1']);
    expect(init.status, init.stderr).toBe(0);
    expect(init.stderr).toMatch(/generating data \(server-side\)/);
    expect(await counts()).toEqual({ branches: 1, tellers: 10, accounts: 100_000, history: 0 });
    const client = await server.client();
    const { rows } = await client.query("SELECT sum(abalance)::int AS balance, count(DISTINCT aid)::int AS distinct_ids FROM pgbench_accounts");
    expect(rows).toEqual([{ balance: 0, distinct_ids: 100_000 }]);
  });

  it('runs TPC-B for 3 seconds with no failed transactions, and the history records them', async () => {
    const run = await pgbench(['-c', '4', '-j', '2', '-T', '3']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/number of failed transactions: 0/);
    const processed = Number(/number of transactions actually processed: (\d+)/.exec(run.stdout)?.[1]);
    expect(processed).toBeGreaterThan(0);
    expect((await counts()).history).toBe(processed);
  });
});
