/**
 * The PostgreSQL side of the engine benchmark: a throwaway server on this machine (started by
 * test/support/postgres.ts, with fsync on), loaded with the same table and rows as the
 * ScratchBird shard and measured with psql and pgbench over its unix socket. Every figure
 * therefore includes a client/server round trip that the in-process engine does not pay; the
 * report says so next to the ratios.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { findPostgres as findInstall, startPostgres, type PostgresServer } from '../test/support/postgres.ts';
import {
  COMMIT_SECONDS,
  CONCURRENT_WRITERS,
  NAME_INDEX,
  READ_SECONDS,
  TABLE,
  progress,
  sqlRowOf,
  type Figures,
} from './workload.ts';

const SEQUENCE = 'bench_ids';
/**
 * Stock durability (the helper turns fsync off for tests) and no parallel query, because the
 * engine scans on one thread.
 */
const SERVER_SETTINGS = { fsync: 'on', synchronous_commit: 'on', max_parallel_workers_per_gather: '0' };

export interface PostgresInstall {
  readonly major: number;
  readonly version: string;
}

export interface PostgresResult {
  readonly version: string;
  readonly figures: Figures;
  /** Server settings that differ from a stock installation, for the report. */
  readonly settings: readonly string[];
}

/** PostgreSQL 15 with psql and pgbench, if installed. */
export function findPostgres(): PostgresInstall | undefined {
  const found = findInstall();
  if ('missing' in found || !['psql', 'pgbench'].every((tool) => existsSync(join(found.bin, tool)))) return undefined;
  const banner = execFileSync(join(found.bin, 'postgres'), ['--version'], { encoding: 'utf8' });
  return { major: 15, version: /\)\s*([\d.]+)/.exec(banner)?.[1] ?? '15' };
}

/** Loads `rows` rows into a fresh PostgreSQL in `dir` and measures what the engine bench does. */
export async function benchPostgres(install: PostgresInstall, rows: number): Promise<PostgresResult> {
  progress('PostgreSQL: initdb and start…');
  const server = await startPostgres({ major: install.major, settings: SERVER_SETTINGS });
  try {
    psql(server, `CREATE TABLE ${TABLE} (id int8 PRIMARY KEY, name text NOT NULL, amount int8);
      CREATE INDEX ${NAME_INDEX} ON ${TABLE} (name);
      CREATE SEQUENCE ${SEQUENCE} START ${rows + 1};`);

    progress(`PostgreSQL: bulk loading ${rows.toLocaleString('en-US')} rows (INSERT … SELECT generate_series)…`);
    const loadMs = timed(server, `INSERT INTO ${TABLE} SELECT ${sqlRowOf('i')} FROM generate_series(1::int8, ${rows}) AS i;`);
    const bytesLoaded = relationBytes(server) * (1e6 / rows);
    progress('PostgreSQL: VACUUM ANALYZE…');
    psql(server, `VACUUM ANALYZE ${TABLE};`);
    const bytesSwept = relationBytes(server) * (1e6 / rows);

    progress('PostgreSQL: scans…');
    const everyColumn = 'count(*), sum(amount), sum(length(name))';
    const fullScanMs = timed(server, `SELECT ${everyColumn} FROM ${TABLE};`);
    // The disabled alternatives leave a full in-order scan of the name index, like the engine's.
    const indexScanMs = timed(server, `SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_sort = off;
      SELECT ${everyColumn} FROM (SELECT * FROM ${TABLE} ORDER BY name) AS s;`);

    progress(`PostgreSQL: point reads (pgbench, ${READ_SECONDS} s)…`);
    const pointReads = pgbench(server, 'point', `\\set id random(1, ${rows})\nSELECT id, name, amount FROM ${TABLE} WHERE id = :id;\n`, 1, READ_SECONDS);
    const insert = `INSERT INTO ${TABLE} SELECT ${sqlRowOf('n')} FROM (SELECT nextval('${SEQUENCE}') AS n) AS s;\n`;
    progress(`PostgreSQL: durable commits, 1 writer (pgbench, ${COMMIT_SECONDS} s)…`);
    const commits1 = pgbench(server, 'insert', insert, 1, COMMIT_SECONDS);
    progress(`PostgreSQL: durable commits, ${CONCURRENT_WRITERS} writers (pgbench, ${COMMIT_SECONDS} s)…`);
    const commits16 = pgbench(server, 'insert', insert, CONCURRENT_WRITERS, COMMIT_SECONDS);

    const figures: Figures = {
      pointReads,
      fullScan: rows / (fullScanMs / 1000),
      indexScan: rows / (indexScanMs / 1000),
      bulkInsert: rows / (loadMs / 1000),
      commits1,
      commits16,
      bytesLoaded,
      bytesSwept,
    };
    const settings = Object.entries(SERVER_SETTINGS).filter(([name]) => name !== 'fsync').map(([name, value]) => `${name}=${value}`);
    return { version: install.version, figures, settings: [...settings, 'initdb --locale=C'] };
  } finally {
    await server.stop();
  }
}

function connection(server: PostgresServer): string[] {
  return ['-h', server.socketDir, '-p', String(server.port), '-U', server.user];
}

function psql(server: PostgresServer, script: string): string {
  return server.run('psql', [...connection(server), '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', server.database], script);
}

/** Milliseconds psql reports for the last statement of `script` (autocommit: commit included). */
function timed(server: PostgresServer, script: string): number {
  const output = psql(server, `\\timing on\n${script}\n`);
  const times = [...output.matchAll(/^Time: ([\d.]+) ms/gm)];
  if (times.length === 0) throw new Error(`psql printed no timing for: ${script}`);
  return Number(times[times.length - 1][1]);
}

function relationBytes(server: PostgresServer): number {
  return Number(psql(server, `SELECT pg_total_relation_size('${TABLE}');`).trim());
}

/** Transactions per second of a pgbench custom script with prepared statements. */
function pgbench(server: PostgresServer, name: string, script: string, clients: number, seconds: number): number {
  const file = join(server.socketDir, `${name}.sql`);
  writeFileSync(file, script, { mode: 0o644 });
  const threads = Math.min(clients, availableParallelism());
  const output = server.run('pgbench', [...connection(server), '-n', '-M', 'prepared', '-c', String(clients), '-j', String(threads), '-T', String(seconds), '-f', file, server.database]);
  const tps = /^tps = ([\d.]+)/m.exec(output);
  if (tps === null) throw new Error(`pgbench printed no tps:\n${output}`);
  return Number(tps[1]);
}
