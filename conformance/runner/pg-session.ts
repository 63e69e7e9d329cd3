/**
 * A runner session over the pg wire protocol with node-postgres. Every value is kept as the text
 * the server sent (no type parsers), rows as arrays so duplicate column names survive, and SQL
 * goes through the simple query protocol so a record may hold several statements.
 */
import pg from 'pg';
import type { Answer, SqlSession } from './execute.ts';

export interface ConnectionTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
}

/** A statement still running after this long is taken as a hang (e.g. a lock wait the file did not bound). */
const QUERY_TIMEOUT_MS = 30_000;

const textOnly = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

export async function openPgSession(target: ConnectionTarget): Promise<SqlSession> {
  const client = new pg.Client({ ...target, types: textOnly, query_timeout: QUERY_TIMEOUT_MS });
  let broken: Error | null = null;
  client.on('error', (error) => {
    broken = error;
  });
  await client.connect();
  return {
    async run(sql) {
      if (broken !== null) throw broken;
      try {
        const result = (await client.query({ text: sql, rowMode: 'array' })) as pg.QueryArrayResult | pg.QueryArrayResult[];
        const last = Array.isArray(result) ? result[result.length - 1] : result;
        return { ok: true, columns: last.fields.length, rows: last.rows as (string | null)[][] } satisfies Answer;
      } catch (error) {
        const { code, message } = error as { code?: unknown; message: string };
        if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return { ok: false, sqlstate: code, message };
        throw error;
      }
    },
    async close() {
      await client.end();
    },
  };
}
