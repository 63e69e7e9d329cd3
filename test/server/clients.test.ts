/**
 * Real clients against a real server process path: postgres.js (pipelining, prepared
 * statements, transactions), psql, and pgbench's initialization and both of its scripts.
 */
import { spawn } from 'node:child_process';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPostgres } from '../support/postgres.ts';
import { startTestServer, type TestServer } from './harness.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.stop();
});

const install = findPostgres();
const bin = 'bin' in install ? install.bin : undefined;

/** Runs a PostgreSQL client tool without blocking the event loop the server runs on. */
function tool(name: string, args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(`${bin}/${name}`, ['-h', '127.0.0.1', '-p', String(server.port), '-U', 'postgres', ...args], { env: { ...process.env, PGCONNECT_TIMEOUT: '10' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('postgres.js', () => {
  it('runs pipelined prepared statements and transactions', async () => {
    const sql = postgres({ host: '127.0.0.1', port: server.port, user: 'postgres', database: 'postgres', max: 4, onnotice: () => undefined });
    try {
      await sql`CREATE TABLE pj (id int PRIMARY KEY, label text, at timestamptz DEFAULT now())`;
      await Promise.all(Array.from({ length: 50 }, (_, i) => sql`INSERT INTO pj (id, label) VALUES (${i}, ${`row ${i}`})`));
      const [{ n }] = await sql`SELECT count(*)::int AS n FROM pj`;
      expect(n).toBe(50);
      const rows = await sql`SELECT id, label FROM pj WHERE id = ANY(${[3, 7]}) ORDER BY id`;
      expect(rows.map((r) => r.label)).toEqual(['row 3', 'row 7']);
      await sql.begin(async (tx) => {
        await tx`UPDATE pj SET label = 'changed' WHERE id = 3`;
      });
      expect((await sql`SELECT label FROM pj WHERE id = 3`)[0].label).toBe('changed');
      await expect(sql.begin(async (tx) => {
        await tx`UPDATE pj SET label = 'lost' WHERE id = 7`;
        throw new Error('abort');
      })).rejects.toThrow('abort');
      expect((await sql`SELECT label FROM pj WHERE id = 7`)[0].label).toBe('row 7');
      const [{ at }] = await sql`SELECT at FROM pj WHERE id = 1`;
      expect(at).toBeInstanceOf(Date);
    } finally {
      await sql.end();
    }
  });
});

describe.skipIf(bin === undefined)('psql and pgbench', () => {
  it('psql runs statements and reports errors with SQLSTATE', async () => {
    const ok = await tool('psql', ['-X', '-A', '-t', '-d', 'postgres', '-c', "SELECT 'hello' || ' ' || 'psql'"]);
    expect(ok.stdout.trim()).toBe('hello psql');
    const bad = await tool('psql', ['-X', '-v', 'VERBOSITY=verbose', '-d', 'postgres', '-c', 'SELECT * FROM missing_table']);
    expect(bad.stderr).toContain('42P01');
  });

  it('pgbench initializes and runs select-only and TPC-B without failures', async () => {
    const init = await tool('pgbench', ['-i', '-s', '1', 'postgres']);
    expect(init.status, init.stderr).toBe(0);
    for (const args of [['-S', '-M', 'prepared'], ['-S', '-M', 'simple'], []]) {
      const run = await tool('pgbench', [...args, '-c', '4', '-j', '2', '-T', '2', 'postgres']);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/number of failed transactions: 0/);
      expect(run.stdout).toMatch(/tps = [1-9]/);
    }
    const counts = await tool('psql', ['-X', '-A', '-t', '-d', 'postgres', '-c', 'SELECT count(*) FROM pgbench_accounts']);
    expect(counts.stdout.trim()).toBe('100000');
  });
});
