/**
 * A throwaway PostgreSQL server for differential tests: initdb into a fresh temporary
 * directory, start on a free port on 127.0.0.1 (unix socket in the same directory), and delete
 * everything on stop().
 *
 *   const found = findPostgres();                 // { bin } or { missing: 'why' } for skip messages
 *   const server = await startPostgres();         // { host, port, user, database, stop() }
 *   …new pg.Client({ host: server.host, port: server.port, user: server.user, database: server.database })
 *   await server.stop();
 *
 * PostgreSQL refuses to run as root, so when we are root its tools run as the `postgres` OS user
 * (runuser) in a directory that user owns. A server a test run leaves behind is stopped when the
 * process exits.
 */
import { execFile, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const OS_USER = 'postgres';
const DEFAULT_MAJOR = 15;

export interface PostgresServer {
  readonly host: string;
  readonly port: number;
  /** Where the unix socket is: connections there are trusted whatever `hostAuth` says. */
  readonly socketDir: string;
  readonly dataDir: string;
  readonly user: string;
  readonly database: string;
  /** Runs one of the server's tools (psql, pgbench, pg_controldata, …) as its OS user; its stdout. */
  run(tool: string, args: readonly string[], input?: string): string;
  /** Stops the server (fast shutdown) and deletes its directory; safe to call twice. */
  stop(): Promise<void>;
}

/** The bin directory of PostgreSQL `major`, or why it cannot be used (for skip messages). */
export function findPostgres(major = DEFAULT_MAJOR): { bin: string } | { missing: string } {
  const bin = `/usr/lib/postgresql/${major}/bin`;
  const absent = ['initdb', 'pg_ctl', 'postgres'].filter((tool) => !existsSync(join(bin, tool)));
  if (absent.length > 0) return { missing: `PostgreSQL ${major} is not installed (no ${absent.join(', ')} in ${bin})` };
  if (isRoot() && !osUserExists()) return { missing: `running as root but there is no "${OS_USER}" OS user to run PostgreSQL as` };
  return { bin };
}

/** Shutdowns of servers still running, for the exit hook. */
const running = new Set<() => void>();
process.once('exit', () => {
  for (const shutdown of running) shutdown();
});

export interface StartOptions {
  readonly major?: number;
  /** Extra server settings (postgres -c name=value). */
  readonly settings?: Record<string, string>;
  /** How pg_hba.conf authenticates TCP connections (socket connections are always trusted). */
  readonly hostAuth?: 'trust' | 'scram-sha-256';
}

/** Starts a fresh PostgreSQL server; throws if its binaries are missing. */
export async function startPostgres(options: StartOptions = {}): Promise<PostgresServer> {
  const found = findPostgres(options.major);
  if ('missing' in found) throw new Error(found.missing);
  const pgCtl = join(found.bin, 'pg_ctl');
  const dir = mkdtempSync(join(tmpdir(), 'sb-postgres-'));
  const data = join(dir, 'data');
  const host = '127.0.0.1';
  const port = await freePort();
  const shutdown = (mode: 'fast' | 'immediate') => {
    if (!running.delete(immediately)) return;
    try {
      execFileSync(...command(pgCtl, ['-D', data, '-m', mode, '-w', 'stop']), { stdio: 'ignore', cwd: tmpdir() });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const immediately = () => shutdown('immediate');
  try {
    if (isRoot()) chownSync(dir, osUserId('-u'), osUserId('-g'));
    const auth = ['--auth-local=trust', `--auth-host=${options.hostAuth ?? 'trust'}`];
    await runTool(join(found.bin, 'initdb'), ['-D', data, '-U', OS_USER, ...auth, '-E', 'UTF8', '--locale=C', '--no-sync']);
    const settings = { listen_addresses: host, fsync: 'off', ...options.settings };
    const serverOptions = [`-p ${port}`, `-k '${dir}'`, ...Object.entries(settings).map(([name, value]) => `-c ${name}='${value}'`)];
    await runTool(pgCtl, ['-D', data, '-l', join(dir, 'server.log'), '-w', '-o', serverOptions.join(' '), 'start']);
    running.add(immediately);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    host,
    port,
    socketDir: dir,
    dataDir: data,
    user: OS_USER,
    database: 'postgres',
    run: (tool, args, input) => runToolSync(join(found.bin, tool), args, input),
    stop: async () => shutdown('fast'),
  };
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

function osUserExists(): boolean {
  try {
    osUserId('-u');
    return true;
  } catch {
    return false;
  }
}

function osUserId(flag: '-u' | '-g'): number {
  return Number(execFileSync('id', [flag, OS_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
}

/** The command line that runs `path`, as the postgres user when we are root. */
function command(path: string, args: readonly string[]): [string, string[]] {
  return isRoot() ? ['runuser', ['-u', OS_USER, '--', path, ...args]] : [path, [...args]];
}

// cwd: the tools complain when started in a directory the postgres user cannot read.
async function runTool(path: string, args: readonly string[]): Promise<void> {
  try {
    await promisify(execFile)(...command(path, args), { cwd: tmpdir() });
  } catch (error) {
    throw toolFailed(path, error);
  }
}

function runToolSync(path: string, args: readonly string[], input?: string): string {
  try {
    return execFileSync(...command(path, args), { cwd: tmpdir(), encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (error) {
    throw toolFailed(path, error);
  }
}

function toolFailed(path: string, error: unknown): Error {
  const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
  return new Error(`${path} failed${stderr ? `: ${stderr}` : ''}`, { cause: error });
}

/** A port the kernel just handed out, released again for the server to take. */
async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
