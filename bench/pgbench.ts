/**
 * `npm run bench`: pgbench against a ScratchBird node and a PostgreSQL server on this machine,
 * both with full durability: `pgbench -i -s 10`, then select-only with -M simple and
 * -M prepared, and the default TPC-B-like script, 8 clients and 2 threads, 30 s each. Prints
 * each tps and the ScratchBird / PostgreSQL ratio.
 *
 *   npm run bench -- [--scale 10] [--seconds 30] [--clients 8] [--threads 2] [--no-postgres] [--json]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { findPostgres, startPostgres, type PostgresServer } from '../test/support/postgres.ts';

const USAGE = `Usage: npm run bench -- [options]

Runs pgbench against ScratchBird and PostgreSQL on this machine and prints tps and ratios.

Options:
  --scale N       pgbench scale factor (default 10: 1,000,000 accounts)
  --seconds N     duration of each run (default 30)
  --clients N     concurrent clients (default 8)
  --threads N     pgbench threads (default 2)
  --no-postgres   measure ScratchBird only
  --json          print the figures as JSON
  -h, --help      show this help
`;

interface Run {
  readonly name: string;
  readonly args: readonly string[];
}

const RUNS: readonly Run[] = [
  { name: 'select-only, simple', args: ['-S', '-M', 'simple'] },
  { name: 'select-only, prepared', args: ['-S', '-M', 'prepared'] },
  { name: 'TPC-B-like', args: [] },
];

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

interface Target {
  readonly host: string;
  readonly port: number;
  readonly user: string;
}

function pgbench(bin: string, target: Target, args: readonly string[]): string {
  const result = spawnSync(join(bin, 'pgbench'), ['-h', target.host, '-p', String(target.port), '-U', target.user, ...args, 'postgres'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`pgbench ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  return `${result.stdout}\n${result.stderr}`;
}

function tpsOf(output: string): number {
  const m = /tps = ([\d.]+) \(without initial connection time\)/.exec(output) ?? /tps = ([\d.]+)/.exec(output);
  if (m === null) throw new Error(`no tps in pgbench output:\n${output}`);
  return Number(m[1]);
}

async function startScratchBird(): Promise<{ target: Target; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
  const port = await freePort();
  const httpPort = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--max-semi-space-size=64', 'bin/scratchbird.js', 'start', '--data', dir, '--port', String(port), '--http-port', String(httpPort), '--tls', 'off', '--log-level', 'warn'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${httpPort}/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('ScratchBird did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    target: { host: '127.0.0.1', port, user: 'postgres' },
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function measure(name: string, bin: string, target: Target, options: { scale: number; seconds: number; clients: number; threads: number }): Promise<Record<string, number>> {
  progress(`${name}: pgbench -i -s ${options.scale}`);
  const started = Date.now();
  pgbench(bin, target, ['-i', '-q', '-s', String(options.scale)]);
  const figures: Record<string, number> = { 'init seconds': (Date.now() - started) / 1000 };
  for (const run of RUNS) {
    progress(`${name}: ${run.name}, ${options.clients} clients, ${options.seconds} s`);
    figures[run.name] = tpsOf(pgbench(bin, target, [...run.args, '-c', String(options.clients), '-j', String(options.threads), '-T', String(options.seconds)]));
  }
  return figures;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scale: { type: 'string', default: '10' },
      seconds: { type: 'string', default: '30' },
      clients: { type: 'string', default: '8' },
      threads: { type: 'string', default: '2' },
      'no-postgres': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const options = { scale: Number(values.scale), seconds: Number(values.seconds), clients: Number(values.clients), threads: Number(values.threads) };
  const found = findPostgres();
  if ('missing' in found) throw new Error(`pgbench needs PostgreSQL's client tools: ${found.missing}`);
  const sb = await startScratchBird();
  let ours: Record<string, number>;
  try {
    ours = await measure('ScratchBird', found.bin, sb.target, options);
  } finally {
    await sb.stop();
  }
  let theirs: Record<string, number> | undefined;
  if (!values['no-postgres']) {
    let pg: PostgresServer | undefined;
    try {
      pg = await startPostgres({ settings: { fsync: 'on', synchronous_commit: 'on', max_connections: '100' } });
      theirs = await measure('PostgreSQL', found.bin, { host: pg.host, port: pg.port, user: pg.user }, options);
    } finally {
      await pg?.stop();
    }
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ options, scratchbird: ours, postgres: theirs }, null, 2)}\n`);
    return;
  }
  const rows = Object.keys(ours).map((k) => {
    const a = ours[k];
    const b = theirs?.[k];
    const unit = k === 'init seconds' ? 's' : 'tps';
    return `| ${k} (${unit}) | ${a.toFixed(1)} | ${b === undefined ? '–' : b.toFixed(1)} | ${b === undefined ? '–' : `${(unit === 's' ? b / a : a / b).toFixed(2)}×`} |`;
  });
  process.stdout.write(`pgbench, scale ${options.scale}, ${options.clients} clients, ${options.threads} threads, ${options.seconds} s per run, full durability\n\n`);
  process.stdout.write(`| run | ScratchBird | PostgreSQL | SB / PG |\n|---|---|---|---|\n${rows.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
