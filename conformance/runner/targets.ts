/**
 * The servers the corpus runs against, each giving every file a database nobody used before:
 * ScratchBird gets a new in-process server over a new data directory per file (about 0.25 s),
 * PostgreSQL keeps one server (started by us with initdb in a temp directory) and creates a new
 * database per file, dropped afterwards. Roles are cluster-wide in PostgreSQL, so a file that
 * creates roles must drop them.
 */
import { startPostgres } from '../../test/support/postgres.ts';
import { startTestServer } from '../../test/server/harness.ts';
import { openPgSession, type ConnectionTarget } from './pg-session.ts';
import type { Engine } from './slt.ts';

export interface FreshDatabase extends ConnectionTarget {
  dispose(): Promise<void>;
}

export interface Target {
  readonly engine: Engine;
  freshDatabase(): Promise<FreshDatabase>;
  stop(): Promise<void>;
}

export async function startTarget(engine: Engine, options: { shards: number }): Promise<Target> {
  return engine === 'postgresql' ? startPostgresTarget() : scratchbirdTarget(options.shards);
}

function scratchbirdTarget(shards: number): Target {
  return {
    engine: 'scratchbird',
    async freshDatabase() {
      const server = await startTestServer({ shards });
      return { host: '127.0.0.1', port: server.port, user: 'postgres', database: 'postgres', dispose: () => server.stop() };
    },
    async stop() {},
  };
}

async function startPostgresTarget(): Promise<Target> {
  const server = await startPostgres();
  const admin = { host: server.host, port: server.port, user: server.user, database: server.database };
  let next = 0;
  const runAdmin = async (sql: string) => {
    const session = await openPgSession(admin);
    try {
      const answer = await session.run(sql);
      if (!answer.ok) throw new Error(`${sql}: ${answer.message}`);
    } finally {
      await session.close();
    }
  };
  return {
    engine: 'postgresql',
    async freshDatabase() {
      const database = `conformance_${++next}`;
      await runAdmin(`CREATE DATABASE ${database} TEMPLATE template0`);
      return {
        ...admin,
        database,
        dispose: () => runAdmin(`DROP DATABASE ${database} WITH (FORCE)`),
      };
    },
    stop: () => server.stop(),
  };
}
