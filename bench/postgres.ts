/**
 * The PostgreSQL side of the engine benchmark: a throwaway server on this machine, loaded with
 * the same table and rows as the ScratchBird shard and measured with psql and pgbench over its
 * unix socket. Every figure therefore includes a client/server round trip that the in-process
 * engine does not pay; the report says so next to the ratios.
 *
 * PostgreSQL refuses to run as root, so when we are root its tools run as the `postgres` user
 * (runuser) in a directory that user owns.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
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

const INSTALL_ROOT = '/usr/lib/postgresql';
const OS_USER = 'postgres';
const SEQUENCE = 'bench_ids';
/** Stock settings except parallel query, off because the engine scans on one thread. */
const SERVER_SETTINGS = ['synchronous_commit=on', 'max_parallel_workers_per_gather=0'];

export interface PostgresInstall {
  readonly bin: string;
  readonly version: string;
}

export interface PostgresResult {
  readonly version: string;
  readonly figures: Figures;
  /** Server settings that differ from a stock installation, for the report. */
  readonly settings: readonly string[];
}

interface Server {
  readonly bin: string;
  readonly dir: string;
  readonly data: string;
  readonly port: number;
}

/** Servers started and not yet stopped, so an interrupted run can still stop them. */
const running = new Set<Server>();

/** The newest PostgreSQL under /usr/lib/postgresql with the tools we need, if any. */
export function findPostgres(): PostgresInstall | undefined {
  if (!existsSync(INSTALL_ROOT)) return undefined;
  const tools = ['initdb', 'pg_ctl', 'postgres', 'psql', 'pgbench'];
  const versions = readdirSync(INSTALL_ROOT)
    .filter((v) => tools.every((t) => existsSync(join(INSTALL_ROOT, v, 'bin', t))))
    .sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) return undefined;
  const bin = join(INSTALL_ROOT, versions[0], 'bin');
  const banner = execFileSync(join(bin, 'postgres'), ['--version'], { encoding: 'utf8' });
  return { bin, version: /\)\s*([\d.]+)/.exec(banner)?.[1] ?? versions[0] };
}

/** Loads `rows` rows into a fresh PostgreSQL in `dir` and measures what the engine bench does. */
export async function benchPostgres(install: PostgresInstall, dir: string, rows: number): Promise<PostgresResult> {
  const server = await start(install.bin, dir);
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
    return { version: install.version, figures, settings: [...SERVER_SETTINGS, 'initdb --locale=C'] };
  } finally {
    stop(server);
  }
}

/** Stops every server this module started (for an interrupted run). */
export function stopPostgresServers(): void {
  for (const server of running) stop(server);
}

async function start(bin: string, dir: string): Promise<Server> {
  mkdirSync(dir, { recursive: true });
  if (isRoot()) {
    const [uid, gid] = ['-u', '-g'].map((flag) => Number(execFileSync('id', [flag, OS_USER], { encoding: 'utf8' })));
    chownSync(dir, uid, gid);
    // mkdtemp made the scratch directory 0700; the postgres user must be able to pass through it.
    chmodSync(dirname(dir), 0o711);
  }
  const server: Server = { bin, dir, data: join(dir, 'data'), port: await freePort() };
  progress(`PostgreSQL: initdb and start on port ${server.port}…`);
  run(server, 'initdb', ['-D', server.data, '-U', OS_USER, '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const options = [`-p ${server.port}`, `-k '${dir}'`, "-c listen_addresses='127.0.0.1'", ...SERVER_SETTINGS.map((s) => `-c ${s}`)];
  run(server, 'pg_ctl', ['-D', server.data, '-l', join(dir, 'server.log'), '-w', '-o', options.join(' '), 'start']);
  running.add(server);
  return server;
}

function stop(server: Server): void {
  if (!running.delete(server)) return;
  try {
    run(server, 'pg_ctl', ['-D', server.data, '-m', 'fast', '-w', 'stop']);
  } catch (error) {
    progress(`PostgreSQL: could not stop the server in ${server.data}: ${(error as Error).message}`);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** Runs a PostgreSQL tool (as the postgres user when we are root) and returns its stdout. */
function run(server: Server, tool: string, args: readonly string[], input?: string): string {
  const path = join(server.bin, tool);
  const [command, argv] = isRoot() ? ['runuser', ['-u', OS_USER, '--', path, ...args]] : [path, [...args]];
  try {
    return execFileSync(command, argv, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(`${tool} failed${stderr ? `: ${stderr}` : ''}`, { cause: error });
  }
}

function connection(server: Server): string[] {
  return ['-h', server.dir, '-p', String(server.port), '-U', OS_USER];
}

function psql(server: Server, script: string): string {
  return run(server, 'psql', [...connection(server), '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', 'postgres'], script);
}

/** Milliseconds psql reports for the last statement of `script` (autocommit: commit included). */
function timed(server: Server, script: string): number {
  const output = psql(server, `\\timing on\n${script}\n`);
  const times = [...output.matchAll(/^Time: ([\d.]+) ms/gm)];
  if (times.length === 0) throw new Error(`psql printed no timing for: ${script}`);
  return Number(times[times.length - 1][1]);
}

function relationBytes(server: Server): number {
  return Number(psql(server, `SELECT pg_total_relation_size('${TABLE}');`).trim());
}

/** Transactions per second of a pgbench custom script with prepared statements. */
function pgbench(server: Server, name: string, script: string, clients: number, seconds: number): number {
  const file = join(server.dir, `${name}.sql`);
  writeFileSync(file, script, { mode: 0o644 });
  const threads = Math.min(clients, availableParallelism());
  const output = run(server, 'pgbench', [...connection(server), '-n', '-M', 'prepared', '-c', String(clients), '-j', String(threads), '-T', String(seconds), '-f', file, 'postgres']);
  const tps = /^tps = ([\d.]+)/m.exec(output);
  if (tps === null) throw new Error(`pgbench printed no tps:\n${output}`);
  return Number(tps[1]);
}
