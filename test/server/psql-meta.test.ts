/**
 * psql's meta-commands print the same against ScratchBird as against PostgreSQL 15 (skipped
 * when PostgreSQL is not installed): the same schema is created on both, each command is run
 * with the real psql 15 against each server, and the outputs are compared.
 *
 * Only what legitimately differs is normalized: relation and database sizes (ScratchBird's
 * storage is LMDB, not 8 kB heap pages), PostgreSQL's template databases in \l (ScratchBird
 * has one database), and the owner of the public schema (PostgreSQL 15 gives it to the
 * pg_database_owner role, which ScratchBird does not have). Where a value is normalized the
 * column widths change with it, so those outputs are compared with runs of spaces and dashes
 * collapsed.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPostgres, startPostgres, type PostgresServer } from '../support/postgres.ts';
import { startTestServer, type TestServer } from './harness.ts';

const PSQL = '/usr/lib/postgresql/15/bin/psql';
const found = findPostgres();
const missing = 'missing' in found ? found.missing : !existsSync(PSQL) ? `${PSQL} is not installed` : undefined;
if (missing !== undefined) console.warn(`Skipping the psql meta-command test: ${missing}.`);

const SCHEMA = `
  CREATE SCHEMA app;
  COMMENT ON SCHEMA app IS 'application objects';
  CREATE TABLE t (
    id serial PRIMARY KEY,
    name text NOT NULL,
    code varchar(12) UNIQUE,
    price numeric(10,2) DEFAULT 0 CHECK (price >= 0),
    created timestamp DEFAULT now(),
    active bool NOT NULL DEFAULT true,
    qty int,
    note varchar(40) DEFAULT 'none',
    ratio numeric(5,3) DEFAULT 1.5,
    CONSTRAINT qty_range CHECK (qty > 0 AND qty < 1000),
    UNIQUE (name, code)
  );
  CREATE INDEX t_name_idx ON t (name);
  CREATE INDEX t_multi_idx ON t (active, created DESC);
  CREATE INDEX t_desc_idx ON t (qty DESC NULLS LAST, price);
  COMMENT ON TABLE t IS 'the main table';
  COMMENT ON COLUMN t.name IS 'what it is called';
  CREATE VIEW active_t AS SELECT id, name FROM t WHERE active;
  COMMENT ON VIEW active_t IS 'only the active ones';
  CREATE SEQUENCE counter;
  CREATE SEQUENCE app.ticket START 100 INCREMENT 5 MAXVALUE 10000 CACHE 1 CYCLE;
  CREATE TABLE app.items (sku text PRIMARY KEY, t_id int NOT NULL, amount numeric(12,3), big bigserial);
  CREATE INDEX items_amount_idx ON app.items (amount DESC);
  CREATE VIEW app.item_totals AS SELECT t_id, sum(amount) AS total FROM app.items GROUP BY t_id;
`;

/** Commands whose output must be identical, byte for byte. */
const EXACT = [
  '\\d', '\\dt', '\\di', '\\dv', '\\ds', '\\df', '\\df+', '\\du', '\\du+', '\\dv+',
  '\\d t', '\\d+ t', '\\d active_t', '\\d+ active_t', '\\d counter', '\\d+ counter', '\\d t_id_seq',
  '\\d t_pkey', '\\d t_multi_idx', '\\d t_desc_idx', '\\d t*',
  '\\dt app.*', '\\di app.*', '\\dv app.*', '\\ds app.*', '\\d app.items', '\\d+ app.items', '\\d app.ticket',
  '\\d app.item_totals', '\\d+ app.item_totals', '\\d app.items_big_seq', '\\dn app', '\\l postgres', '\\d no_such_table',
];

/** Commands that list sizes: compared with the sizes masked. */
const SIZED = ['\\d+', '\\dt+', '\\di+', '\\dt+ app.*'];

const run = promisify(execFile);

/** Everything psql prints for one command (errors included, in order). */
async function psql(port: number, command: string): Promise<string> {
  const args = ['-X', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-c', command];
  try {
    const { stdout, stderr } = await run(PSQL, args);
    return stdout + stderr;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return `${failed.stdout ?? ''}${failed.stderr ?? ''}`;
  }
}

/** Column widths follow the values: once a value is masked, compare without the padding. */
function withoutLayout(output: string): string {
  return output
    .split('\n')
    .map((line) => line.replace(/-{2,}/g, '-').replace(/ {2,}/g, ' ').trim())
    .join('\n');
}

function maskSizes(output: string): string {
  return withoutLayout(output.replace(/\b\d+ (bytes|kB|MB|GB)\b/g, '<size>'));
}

/** \l without the rows of template0 and template1 (a row's continuation lines have an empty
 * first column), the row count adjusted to match. */
function withoutTemplateDatabases(output: string): string {
  const kept: string[] = [];
  let dropping = false;
  let dropped = 0;
  for (const line of output.split('\n')) {
    if (/^ template[01] /.test(line)) {
      dropping = true;
      dropped++;
      continue;
    }
    if (dropping && /^ +\|/.test(line)) continue;
    dropping = false;
    kept.push(line);
  }
  const text = kept.join('\n').replace(/^\((\d+) rows?\)$/m, (_all, count: string) => {
    const rows = Number(count) - dropped;
    return `(${rows} ${rows === 1 ? 'row' : 'rows'})`;
  });
  return withoutLayout(text);
}

describe.skipIf(missing !== undefined)('psql meta-commands print what PostgreSQL 15 prints', () => {
  let postgres: PostgresServer;
  let scratchbird: TestServer;

  beforeAll(async () => {
    [postgres, scratchbird] = await Promise.all([startPostgres(), startTestServer()]);
    const pgClient = new pg.Client({ host: postgres.host, port: postgres.port, user: postgres.user, database: postgres.database });
    await pgClient.connect();
    try {
      await pgClient.query(SCHEMA);
    } finally {
      await pgClient.end();
    }
    const sbClient = await scratchbird.client();
    await sbClient.query(SCHEMA);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([postgres?.stop(), scratchbird?.stop()]);
  });

  /** The command's output on both servers, after `normalize`; PostgreSQL's must be no error. */
  async function outputs(command: string, normalize: (output: string) => string = (o) => o): Promise<{ postgres: string; scratchbird: string }> {
    const [theirs, ours] = await Promise.all([psql(postgres.port, command), psql(scratchbird.port, command)]);
    expect(theirs).not.toMatch(/^ERROR:/m);
    return { postgres: normalize(theirs), scratchbird: normalize(ours) };
  }

  it.each(EXACT)('%s', async (command) => {
    const { postgres: theirs, scratchbird: ours } = await outputs(command);
    expect(ours).toBe(theirs);
  });

  it.each(SIZED)('%s (sizes masked)', async (command) => {
    const { postgres: theirs, scratchbird: ours } = await outputs(command, maskSizes);
    expect(ours).toBe(theirs);
  });

  it('\\d t describes every column, index and constraint', async () => {
    const { scratchbird: ours } = await outputs('\\d t');
    expect(ours).toContain('Table "public.t"');
    expect(ours).toContain("nextval('t_id_seq'::regclass)");
    expect(ours).toContain('"t_multi_idx" btree (active, created DESC)');
    expect(ours).toContain('"qty_range" CHECK (qty > 0 AND qty < 1000)');
  });

  it('\\dn (the public schema owned by the bootstrap superuser)', async () => {
    const { postgres: theirs, scratchbird: ours } = await outputs('\\dn', (o) => withoutLayout(o.replace('pg_database_owner', 'postgres')));
    expect(ours).toBe(theirs);
  });

  it('\\l (without PostgreSQL\'s template databases)', async () => {
    const { postgres: theirs, scratchbird: ours } = await outputs('\\l', withoutTemplateDatabases);
    expect(ours).toBe(theirs);
  });

  it('\\l+ (without template databases, sizes masked)', async () => {
    const { postgres: theirs, scratchbird: ours } = await outputs('\\l+', (o) => maskSizes(withoutTemplateDatabases(o)));
    expect(ours).toBe(theirs);
  });
});
