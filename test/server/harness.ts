/**
 * A ScratchBird server for tests: the real database (shards in a temp directory) behind the
 * real pg wire server on an ephemeral loopback port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/coordinator/database.ts';
import { createLogger } from '../../src/ops/observability/logger.ts';
import { Metrics } from '../../src/ops/observability/metrics.ts';
import { startPgServer, type PgServer } from '../../src/pgwire/server.ts';

export interface TestServer {
  readonly port: number;
  readonly db: Database;
  readonly dataDir: string;
  client(options?: Partial<pg.ClientConfig>): Promise<pg.Client>;
  stop(): Promise<void>;
}

export async function startTestServer(options: { shards?: number; auth?: 'trust-loopback' | 'scram-sha-256' } = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-server-test-'));
  const logger = createLogger({ level: 'silent' });
  const db = await openDatabase({ dataDir, shardCount: options.shards ?? 4, auth: options.auth ?? 'trust-loopback', logger, metrics: new Metrics(), nodeId: 'test-node' });
  let server: PgServer;
  try {
    server = await startPgServer({ host: '127.0.0.1', port: 0, engine: db, logger });
  } catch (error) {
    await db.close();
    throw error;
  }
  const clients: pg.Client[] = [];
  return {
    port: server.port,
    db,
    dataDir,
    async client(config = {}) {
      const c = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'postgres', database: 'postgres', ...config });
      await c.connect();
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) await c.end().catch(() => undefined);
      await server.close();
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
