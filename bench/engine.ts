/**
 * `npm run bench:engine`: one ScratchBird shard measured in-process, with durability 'full',
 * side by side with PostgreSQL on the same machine (see `postgres.ts`). Prints a table of
 * figures, the project's targets and the ScratchBird/PostgreSQL ratios.
 *
 * Order matters: the table is bulk loaded first, its size taken, then swept (as PostgreSQL is
 * vacuumed) so that the read measurements do not pay for cooperative garbage collection; the
 * single-row commits come last because they add rows.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Shard, type Row, type ScanOptions, type SweepReport, type Transaction } from '../src/engine/index.ts';
import { benchPostgres, findPostgres, type PostgresResult } from './postgres.ts';
import {
  COMMIT_SECONDS,
  CONCURRENT_WRITERS,
  NAME_INDEX,
  READ_SECONDS,
  TABLE,
  progress,
  rowOf,
  tableDefinition,
  type Figures,
  type Metric,
} from './workload.ts';

const USAGE = `Usage: npm run bench:engine -- [options]

Measures one ScratchBird shard in-process (durability 'full') — point reads, range scans,
bulk inserts, durable commits with 1 and ${CONCURRENT_WRITERS} writers, bytes on disk — and the same
workload on PostgreSQL on this machine, if it is installed.

Options:
  --rows N         rows in the benchmark table (default 1,000,000)
  --dir DIR        where to create the shard's scratch directory (default: the OS temp
                   dir; PostgreSQL's always goes there);
                   it is removed at the end
  --no-postgres    skip the PostgreSQL comparison
  --json           also print the figures as JSON at the end
  -h, --help       show this help
`;

interface Options {
  readonly rows: number;
  readonly dir: string;
  readonly postgres: boolean;
  readonly json: boolean;
}

interface Throughput {
  readonly perSecond: number;
  readonly seconds: number;
}

interface BulkLoad extends Throughput {
  readonly insertSeconds: number;
  readonly commitSeconds: number;
}

interface CommitRun extends Throughput {
  readonly commits: number;
  /** Durable LMDB flushes the commits took: fewer than commits = group commit. */
  readonly durableFlushes: number;
}

interface EngineResult {
  readonly figures: Figures;
  readonly bulk: BulkLoad;
  readonly sweep: SweepReport;
  readonly commits1: CommitRun;
  readonly commits16: CommitRun;
}

type PostgresOutcome = { readonly result: PostgresResult } | { readonly note: string };

const TARGETS: Partial<Record<Metric, number>> = { pointReads: 500_000, bulkInsert: 100_000, commits16: 2_000 };

const LABELS: Record<Metric, string> = {
  pointReads: 'point reads, random pk (/s)',
  fullScan: 'range scan, full table (rows/s)',
  indexScan: 'range scan, name index (rows/s)',
  bulkInsert: 'bulk insert, 1 tx + commit (rows/s)',
  commits1: 'durable commits, 1 writer (/s)',
  commits16: `durable commits, ${CONCURRENT_WRITERS} writers (/s)`,
  bytesLoaded: 'disk per 1M rows, after load',
  bytesSwept: 'disk per 1M rows, after sweep/VACUUM',
};

function parseOptions(argv: readonly string[]): Options | undefined {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rows: { type: 'string', default: '1000000' },
      dir: { type: 'string', default: tmpdir() },
      'no-postgres': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  const rows = Number(values.rows.replaceAll('_', '').replaceAll(',', ''));
  if (!Number.isSafeInteger(rows) || rows < 1) throw new Error(`--rows must be a positive integer, got "${values.rows}"`);
  return { rows, dir: values.dir, postgres: !values['no-postgres'], json: values.json };
}

// ---- ScratchBird ---------------------------------------------------------------------------

async function benchEngine(dir: string, rows: number): Promise<EngineResult> {
  const shard = await Shard.open(dir, { durability: 'full' });
  try {
    const ddl = shard.begin();
    await ddl.createTable(tableDefinition);
    await ddl.commit();

    progress(`ScratchBird: bulk loading ${fmt(rows)} rows in one transaction…`);
    const bulk = await bulkLoad(shard, rows);
    const bytesLoaded = bytesPerMillion(dir, rows);
    progress('ScratchBird: sweep…');
    const sweep = await shard.sweep();
    const bytesSwept = bytesPerMillion(dir, rows);

    progress(`ScratchBird: point reads (${READ_SECONDS} s)…`);
    const pointReads = await readOnly(shard, (tx) => pointReadRate(tx, rows));
    progress('ScratchBird: scans…');
    const fullScan = await readOnly(shard, (tx) => scanRate(tx, rows, {}));
    const indexScan = await readOnly(shard, (tx) => scanRate(tx, rows, { index: NAME_INDEX }));

    let nextId = rows + 1;
    const newRow = (): Row => rowOf(nextId++);
    progress(`ScratchBird: durable commits, 1 writer (${COMMIT_SECONDS} s)…`);
    const commits1 = await durableCommits(shard, 1, newRow);
    progress(`ScratchBird: durable commits, ${CONCURRENT_WRITERS} writers (${COMMIT_SECONDS} s)…`);
    const commits16 = await durableCommits(shard, CONCURRENT_WRITERS, newRow);

    const figures: Figures = {
      pointReads,
      fullScan,
      indexScan,
      bulkInsert: bulk.perSecond,
      commits1: commits1.perSecond,
      commits16: commits16.perSecond,
      bytesLoaded,
      bytesSwept,
    };
    return { figures, bulk, sweep, commits1, commits16 };
  } finally {
    await shard.close();
  }
}

async function bulkLoad(shard: Shard, rows: number): Promise<BulkLoad> {
  const step = Math.max(1, Math.round(rows / 10));
  const tx = shard.begin();
  const started = performance.now();
  for (let id = 1; id <= rows; id++) {
    await tx.insert(TABLE, rowOf(id));
    if (id % step === 0 && id < rows) progress(`  ${fmt(id)} rows, ${fmt(id / seconds(started))} rows/s so far`);
  }
  const inserted = performance.now();
  progress('  committing…');
  await tx.commit();
  const total = seconds(started);
  return { perSecond: rows / total, seconds: total, insertSeconds: (inserted - started) / 1000, commitSeconds: seconds(inserted) };
}

async function readOnly<T>(shard: Shard, read: (tx: Transaction) => T): Promise<T> {
  const tx = shard.begin({ readOnly: true });
  try {
    return read(tx);
  } finally {
    await tx.commit();
  }
}

function pointReadRate(tx: Transaction, rows: number): number {
  const timedReads = (forSeconds: number): number => {
    const started = performance.now();
    let reads = 0;
    do {
      for (let i = 0; i < 1024; i++, reads++) {
        const id = BigInt(1 + Math.floor(Math.random() * rows));
        if (tx.get(TABLE, [id]) === undefined) throw new Error(`row ${id} is missing from ${TABLE}`);
      }
    } while (seconds(started) < forSeconds);
    return reads / seconds(started);
  };
  timedReads(0.25); // lets the JIT settle before the measured run
  return timedReads(READ_SECONDS);
}

function scanRate(tx: Transaction, rows: number, options: ScanOptions): number {
  const started = performance.now();
  let seen = 0;
  for (const _row of tx.scan(TABLE, options)) seen++;
  const rate = seen / seconds(started);
  if (seen !== rows) throw new Error(`scan of ${TABLE} ${JSON.stringify(options)} saw ${seen} rows, expected ${rows}`);
  return rate;
}

/** `writers` concurrent loops of begin, insert one row, commit — for COMMIT_SECONDS. */
async function durableCommits(shard: Shard, writers: number, newRow: () => Row): Promise<CommitRun> {
  const flushesBefore = shard.stats().durableFlushes;
  const started = performance.now();
  const deadline = started + COMMIT_SECONDS * 1000;
  let commits = 0;
  const writer = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const tx = shard.begin();
      await tx.insert(TABLE, newRow());
      await tx.commit();
      commits++;
    }
  };
  await Promise.all(Array.from({ length: writers }, writer));
  const total = seconds(started);
  return { perSecond: commits / total, seconds: total, commits, durableFlushes: shard.stats().durableFlushes - flushesBefore };
}

function bytesPerMillion(dir: string, rows: number): number {
  return statSync(join(dir, 'data.mdb')).size * (1e6 / rows);
}

// ---- PostgreSQL ------------------------------------------------------------------------------

async function comparePostgres(options: Options): Promise<PostgresOutcome> {
  if (!options.postgres) return { note: 'PostgreSQL comparison skipped (--no-postgres).' };
  const install = findPostgres();
  if (install === undefined) return { note: 'PostgreSQL comparison skipped: no PostgreSQL 15 with psql and pgbench under /usr/lib/postgresql/15/bin.' };
  try {
    return { result: await benchPostgres(install, options.rows) };
  } catch (error) {
    return { note: `PostgreSQL comparison failed: ${(error as Error).message}` };
  }
}

// ---- report --------------------------------------------------------------------------------

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}

function formatValue(metric: Metric, value: number): string {
  return metric.startsWith('bytes') ? `${(value / 1e6).toFixed(1)} MB` : fmt(value);
}

function report(options: Options, engine: EngineResult, postgres: PostgresOutcome): string {
  const pg = 'result' in postgres ? postgres.result : undefined;
  const header = ['', 'ScratchBird', 'target', pg ? `PostgreSQL ${pg.version}` : 'PostgreSQL', 'SB/PG'];
  const body = (Object.keys(LABELS) as Metric[]).map((metric) => {
    const value = engine.figures[metric];
    const target = TARGETS[metric];
    const theirs = pg?.figures[metric];
    return [
      LABELS[metric],
      formatValue(metric, value),
      target === undefined ? '' : `≥ ${fmt(target)} ${value >= target ? '✓' : '✗'}`,
      theirs === undefined ? '–' : formatValue(metric, theirs),
      theirs === undefined ? '–' : `${(value / theirs).toFixed(2)}×`,
    ];
  });
  const batching = (run: CommitRun): string =>
    `${fmt(run.commits)} commits in ${fmt(run.durableFlushes)} durable flushes (${(run.commits / Math.max(1, run.durableFlushes)).toFixed(1)} commits per fsync)`;
  const lines = [
    `ScratchBird engine benchmark: one shard in-process, durability 'full', ${fmt(options.rows)} rows`,
    `table ${TABLE}(id int8 primary key, name text not null, amount int8), index ${NAME_INDEX}(name)`,
    `Node ${process.version}, ${availableParallelism()} CPUs`,
    '',
    ...columns([header, ...body]),
    '',
    `bulk insert: ${engine.bulk.insertSeconds.toFixed(2)} s inserting + ${engine.bulk.commitSeconds.toFixed(2)} s committing`,
    `group commit, 1 writer: ${batching(engine.commits1)}`,
    `group commit, ${CONCURRENT_WRITERS} writers: ${batching(engine.commits16)}`,
    `sweep: visited ${fmt(engine.sweep.recordsVisited)} records, removed ${fmt(engine.sweep.versionsRemoved)} versions`,
    'disk: size of data.mdb (records, indexes, TIP and the write-after log), scaled to 1M rows;',
    'LMDB reuses freed pages but never shrinks its file, so a sweep cannot make it smaller',
  ];
  if (pg !== undefined) {
    lines.push(
      '',
      'PostgreSQL runs as a server and is measured through clients (psql, pgbench -M prepared) over',
      'a unix socket; ScratchBird runs in-process. PostgreSQL point reads and single-row commits',
      'therefore include a client/server round trip per transaction that ScratchBird does not pay.',
      `PostgreSQL settings: ${pg.settings.join(', ')}.`,
      'PostgreSQL bulk load = INSERT … SELECT generate_series (one statement, autocommit); scans =',
      'count/sum aggregates over every column; point reads = one SELECT per autocommit transaction;',
      'disk = pg_total_relation_size (heap + indexes, WAL not counted).',
    );
  } else if ('note' in postgres) lines.push('', postgres.note);
  return `${lines.join('\n')}\n`;
}

/** Left-aligns the first column and right-aligns the others. */
function columns(rows: readonly string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => [...r[c]].length)));
  return rows.map((r) =>
    r.map((cell, c) => {
      const pad = ' '.repeat(widths[c] - [...cell].length);
      return c === 0 ? cell + pad : pad + cell;
    }).join('   ').trimEnd());
}

function asJson(options: Options, engine: EngineResult, postgres: PostgresOutcome): string {
  const pg = 'result' in postgres ? postgres.result : undefined;
  const ratios = pg === undefined ? null : Object.fromEntries((Object.keys(LABELS) as Metric[]).map((m) => [m, engine.figures[m] / pg.figures[m]]));
  const targets = Object.fromEntries(Object.entries(TARGETS).map(([m, target]) => [m, { target, met: engine.figures[m as Metric] >= target }]));
  return `${JSON.stringify({
    rows: options.rows,
    node: process.version,
    cpus: availableParallelism(),
    scratchbird: engine.figures,
    details: { bulk: engine.bulk, sweep: engine.sweep, commitRuns: { 1: engine.commits1, [CONCURRENT_WRITERS]: engine.commits16 } },
    targets,
    postgres: pg === undefined ? null : { version: pg.version, settings: pg.settings, ...pg.figures },
    ratios,
    ...('note' in postgres ? { note: postgres.note } : {}),
  }, null, 2)}\n`;
}

// ---- main ----------------------------------------------------------------------------------

async function main(): Promise<number> {
  let options: Options | undefined;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`bench:engine: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === undefined) {
    process.stdout.write(USAGE);
    return 0;
  }
  mkdirSync(options.dir, { recursive: true });
  const workDir = mkdtempSync(join(options.dir, 'sb-bench-'));
  // A PostgreSQL server still running is stopped by its launcher's exit hook.
  const cleanUp = (): void => rmSync(workDir, { recursive: true, force: true });
  const interrupted = (): void => {
    cleanUp();
    process.exit(130);
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  try {
    progress(`work directory: ${workDir}`);
    const engine = await benchEngine(join(workDir, 'shard'), options.rows);
    const postgres = await comparePostgres(options);
    process.stdout.write(report(options, engine, postgres));
    if (options.json) process.stdout.write(asJson(options, engine, postgres));
    return 0;
  } finally {
    cleanUp();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`bench:engine: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
