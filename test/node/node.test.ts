/** A real node as users start it: `scratchbird start` in its own process, driven over TCP. */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/scratchbird.js', import.meta.url));

interface LogLine {
  readonly level: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}

let dataDir: string;
let child: ChildProcess;
let stderr = '';
const lines: LogLine[] = [];
const newLines = new EventEmitter<{ line: [LogLine] }>();
let started: LogLine;

/** Resolves with the first log line matching `test`, seen already or still to come. */
function logLine(test: (line: LogLine) => boolean): Promise<LogLine> {
  return new Promise((resolve, reject) => {
    const found = lines.find(test);
    if (found) return resolve(found);
    const onLine = (line: LogLine) => {
      if (!test(line)) return;
      newLines.off('line', onLine);
      resolve(line);
    };
    newLines.on('line', onLine);
    child.once('exit', (code) => reject(new Error(`node exited with ${code} before the expected log line; stderr: ${stderr}`)));
  });
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sb-node-'));
  child = spawn(process.execPath, [BIN, 'start', '--data', dataDir, '--port', '0', '--http-port', '0', '--shards', '4'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    let newline;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = JSON.parse(pending.slice(0, newline)) as LogLine;
      pending = pending.slice(newline + 1);
      lines.push(line);
      newLines.emit('line', line);
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  started = await logLine((line) => line.msg === 'node started');
});

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('scratchbird start', () => {
  it('logs JSON lines, with a warning about trusted loopback connections', () => {
    expect(started).toMatchObject({ level: 'info', shards: 4, dataDir });
    expect(lines.find((line) => line.level === 'warn' && /loopback connections are trusted without a password; use --auth scram-sha-256/.test(line.msg))).toBeDefined();
    expect(lines.filter((line) => line.listener === 'http').map((line) => line.address)).toEqual(expect.arrayContaining(['127.0.0.1']));
    expect(lines.every((line) => line.nodeId === started.nodeId)).toBe(true);
  });

  it('answers GET /health', async () => {
    const response = await fetch(`http://127.0.0.1:${started.httpPort as number}/health`);
    expect(response.status).toBe(200);
    const health = await response.json() as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok', nodeId: started.nodeId, shardsOpen: 4 });
    expect(readFileSync(join(dataDir, 'node-id'), 'utf8').trim()).toBe(health.nodeId);
  });

  it('runs SELECT 1 for node-postgres, in plain text and over TLS verified with the generated certificate', async () => {
    const port = started.pgPort as number;
    const plain = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    await plain.connect();
    expect((await plain.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    const ca = readFileSync(join(dataDir, 'tls', 'server.crt'), 'utf8');
    const secure = new pg.Client({ host: 'localhost', port, user: 'postgres', database: 'postgres', ssl: { ca, rejectUnauthorized: true } });
    await secure.connect();
    expect((await secure.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    const metrics = await (await fetch(`http://127.0.0.1:${started.httpPort as number}/metrics`)).text();
    expect(metrics).toMatch(/^scratchbird_connections 2$/m);
    await Promise.all([plain.end(), secure.end()]);
  });

  it('stops on SIGTERM and exits 0', async () => {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(lines.at(-1)?.msg).toBe('node stopped');
  });
});
