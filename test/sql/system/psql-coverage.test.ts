/**
 * psql's describe commands only read what ScratchBird has (skipped when PostgreSQL is not
 * installed): the queries psql 15 sends for \d, \dt, \l, \du, … are captured from a real
 * server (psql -E), parsed, and every system relation they read must be one of ours with every
 * column they name, and every function they call one of our catalog functions or one the
 * function library offers (listed here).
 */
import { loadModule, parseSync } from 'libpg-query';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogFunctions, systemRelation, type SystemSchema } from '../../../src/sql/system/index.ts';
import { findPostgres, startPostgres, type PostgresServer } from '../../support/postgres.ts';
import { DDL } from './fixture.ts';

const found = findPostgres();
const missing = 'missing' in found ? found.missing : undefined;
if (missing !== undefined) console.warn(`Skipping the psql coverage test: ${missing}.`);

const COMMANDS = [
  '\\d', '\\d+', '\\dt', '\\dt+', '\\di', '\\di+', '\\dv', '\\dv+', '\\ds', '\\dn', '\\dn+', '\\df', '\\df+', '\\l', '\\l+', '\\du', '\\du+', '\\dp',
  '\\db', '\\dx', '\\dT', '\\dD', '\\dm', '\\dE', '\\dy', '\\dO', '\\dRp', '\\dRs', '\\d customers', '\\d+ customers', '\\d orders', '\\d+ orders',
  '\\d customers_pkey', '\\d+ customers_pkey', '\\d counter', '\\d big_orders', '\\d+ big_orders', '\\d sales.items', '\\d+ sales."Region"',
];

/** Functions psql calls that the function library (src/sql/functions), not the catalog, offers. */
const LIBRARY = new Set(['array_to_string', 'quote_ident', 'string_agg', 'generate_series', 'array_upper', 'unnest', 'btrim', 'rtrim', 'now', 'count', 'array_agg', 'format', 'lower']);

interface Reads {
  readonly relations: Map<string, Set<string>>;
  readonly functions: Set<string>;
}

/** The system relations (with the columns qualified by their alias) and functions a query uses. */
function reads(sql: string, into: Reads): void {
  const aliases = new Map<string, string>();
  const columns: [string, string][] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (value === null || typeof value !== 'object') return;
    const node = value as Record<string, any>;
    if (node.RangeVar !== undefined) {
      const { schemaname, relname, alias } = node.RangeVar;
      const schema = schemaname ?? (systemRelation('pg_catalog', relname) !== undefined ? 'pg_catalog' : undefined);
      if (schema === 'pg_catalog' || schema === 'information_schema') {
        const key = `${schema}.${relname}`;
        if (!into.relations.has(key)) into.relations.set(key, new Set());
        aliases.set(alias?.aliasname ?? relname, key);
      }
    }
    if (node.FuncCall !== undefined) {
      const names = (node.FuncCall.funcname as { String: { sval: string } }[]).map((n) => n.String.sval);
      into.functions.add(names[names.length - 1]);
    }
    if (node.ColumnRef !== undefined) {
      const fields = (node.ColumnRef.fields as Record<string, any>[]).map((f) => f.String?.sval as string | undefined);
      if (fields.length === 2 && fields[0] !== undefined && fields[1] !== undefined) columns.push([fields[0], fields[1]]);
    }
    Object.values(node).forEach(visit);
  };
  visit(parseSync(sql));
  for (const [alias, column] of columns) {
    const key = aliases.get(alias);
    if (key !== undefined) into.relations.get(key)!.add(column);
  }
}

describe.skipIf(missing !== undefined)("psql's describe queries", () => {
  let server: PostgresServer;
  const used: Reads = { relations: new Map(), functions: new Set() };

  beforeAll(async () => {
    await loadModule();
    server = await startPostgres();
    const psql = (args: string[], input?: string) => server.run('psql', ['-X', '-h', server.host, '-p', String(server.port), '-U', server.user, '-d', server.database, ...args], input);
    psql(['-q', '-v', 'ON_ERROR_STOP=1', '-f', '-'], DDL);
    const output = psql(['-E', '-f', '-'], COMMANDS.join('\n'));
    for (const block of output.split('********* QUERY **********').slice(1)) reads(block.split('**************************')[0], used);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('read only system relations and columns ScratchBird has', () => {
    expect(used.relations.size).toBeGreaterThan(20);
    for (const [key, columns] of used.relations) {
      const [schema, name] = key.split('.') as [SystemSchema, string];
      const relation = systemRelation(schema, name);
      expect(relation, key).toBeDefined();
      const ours = new Set(relation!.columns.map((c) => c.name));
      for (const column of columns) if (column !== 'oid' || !ours.has('oid')) expect(ours.has(column), `${key}.${column}`).toBe(true);
    }
  });

  it('call only catalog functions and functions of the function library', () => {
    const catalog = new Set(catalogFunctions().map((f) => f.name));
    const unknown = [...used.functions].filter((name) => !catalog.has(name) && !LIBRARY.has(name));
    expect(unknown).toEqual([]);
  });
});
