import { beforeAll, describe, expect, it } from 'vitest';
import {
  initParser,
  nodeAs,
  nodeKind,
  parseSql,
  replicationOptions,
  statementCacheKey,
  type CreateStmt,
  type PgNode,
} from '../../../src/sql/parse/index.ts';

beforeAll(async () => {
  await initParser();
});

function kinds(sql: string): string[] {
  return parseSql(sql).map((statement) => nodeKind(statement.ast));
}

function createStmt(sql: string): CreateStmt {
  const [statement] = parseSql(sql);
  const create = nodeAs(statement.ast, 'CreateStmt');
  if (create === undefined) throw new Error(`not a CREATE TABLE: ${sql}`);
  return create;
}

/** Where `part` starts in `sql`, counted in characters (code points) as PostgreSQL counts. */
function characterOffset(sql: string, part: string): number {
  return [...sql.slice(0, sql.indexOf(part))].length;
}

/** The tree without positions, to compare shapes written at different offsets. */
function withoutLocations(tree: unknown): unknown {
  return JSON.parse(JSON.stringify(tree, (key, value) => (key === 'location' ? undefined : value)));
}

describe('SWEEP', () => {
  it('sweeps everything, or one table named as PostgreSQL names tables', () => {
    expect(parseSql('SWEEP')).toEqual([{ text: 'SWEEP', location: 0, ast: { SweepStmt: {} } }]);
    expect(parseSql('sweep Accounts;')[0].ast).toEqual({
      SweepStmt: { relation: { relname: 'accounts', inh: true, relpersistence: 'p', location: 6 } },
    });
    expect(parseSql('Sweep bank."Big Accounts"')[0].ast).toEqual({
      SweepStmt: { relation: { schemaname: 'bank', relname: 'Big Accounts', inh: true, relpersistence: 'p', location: 6 } },
    });
  });

  it('mixes with PostgreSQL statements in one string', () => {
    const sql = "select 'é😀;' as x; sweep t; -- done\nvacuum analyze t";
    const statements = parseSql(sql);
    expect(statements.map((statement) => [nodeKind(statement.ast), statement.text, statement.location])).toEqual([
      ['SelectStmt', "select 'é😀;' as x", 0],
      ['SweepStmt', 'sweep t', characterOffset(sql, 'sweep')],
      ['VacuumStmt', 'vacuum analyze t', characterOffset(sql, 'vacuum')],
    ]);
    const sweep = nodeAs(statements[1].ast, 'SweepStmt');
    expect(sweep?.relation?.location).toBe(characterOffset(sql, 't;'));
    const vacuum = nodeAs(statements[2].ast, 'VacuumStmt');
    expect(vacuum?.rels?.[0].VacuumRelation.relation.location).toBe(characterOffset(sql, 'analyze t') + 'analyze '.length);
  });

  it('reports bad targets like PostgreSQL reports bad table names', () => {
    expect(() => parseSql('sweep a b')).toThrow(expect.objectContaining({ code: '42601', message: 'syntax error at or near "b"', position: 9 }));
    expect(() => parseSql('sweep select')).toThrow(expect.objectContaining({ code: '42601', message: 'syntax error at or near "select"', position: 7 }));
    expect(() => parseSql('sweep a.; select 1')).toThrow(expect.objectContaining({ message: 'syntax error at or near ";"', position: 9 }));
    expect(() => parseSql('select 1; sweep a.')).toThrow(expect.objectContaining({ message: 'syntax error at end of input', position: 19 }));
    expect(() => parseSql('sweep a.b.c.d')).toThrow(
      expect.objectContaining({ code: '42601', message: 'improper qualified name (too many dotted names): a.b.c.d', position: 7 }),
    );
  });
});

describe('PARTITION BY (columns)', () => {
  it('is the tree PostgreSQL builds for PARTITION BY HASH', () => {
    const bare = createStmt('create table accounts (id int8, region text, balance numeric) partition by (region, id)');
    const hash = createStmt('create table accounts (id int8, region text, balance numeric) partition by hash (region, id)');
    expect(bare.partspec?.strategy).toBe('PARTITION_STRATEGY_HASH');
    expect(withoutLocations(bare)).toEqual(withoutLocations(hash));
  });

  it('keeps positions in the text as written', () => {
    const sql = 'create table "Ünïcode" (k text) PARTITION BY ( k ) with (fillfactor = 90) wiht';
    expect(() => parseSql(sql)).toThrow(expect.objectContaining({ code: '42601', message: 'syntax error at or near "wiht"', position: sql.indexOf('wiht') + 1 }));
    const create = createStmt(sql.replace(' wiht', ''));
    expect(create.partspec?.location).toBe(sql.indexOf('PARTITION'));
    expect(create.partspec?.partParams[0].PartitionElem.location).toBe(sql.indexOf('k )'));
    expect(create.options?.[0].DefElem.location).toBe(sql.indexOf('fillfactor'));
  });

  it('accepts what PostgreSQL accepts as a key element and leaves other parentheses alone', () => {
    const create = createStmt('create temp table t (a text, b int) partition by (lower(a) collate "C", (b + 1)); sweep');
    expect(create.relation.relpersistence).toBe('t');
    expect(create.partspec?.partParams.map((param) => nodeKind(param.PartitionElem.expr as PgNode))).toEqual(['FuncCall', 'A_Expr']);
    const [window] = parseSql('create table w as select sum(a) over (partition by (a)) from t; sweep');
    expect(nodeKind(window.ast)).toBe('CreateTableAsStmt');
    expect(kinds('create table t (a int) partition by range (a); create table u (a int) partition by (a)')).toEqual(['CreateStmt', 'CreateStmt']);
  });

  it('splits mixed strings at top-level semicolons only', () => {
    const sql = [
      'create table t (a int, b text default $$x;y$$) partition by (a)',
      "insert into t values (1, 'a;b') /* ; */",
      'create function f() returns int language sql begin atomic select 1; select case when true then 2 end; end',
      'sweep t',
    ].join('; ');
    const statements = parseSql(sql);
    expect(statements.map((statement) => nodeKind(statement.ast))).toEqual(['CreateStmt', 'InsertStmt', 'CreateFunctionStmt', 'SweepStmt']);
    expect(statements.map((statement) => statement.location)).toEqual(statements.map((statement) => sql.indexOf(statement.text)));
  });

  it('reports errors of the PostgreSQL statements beside it at their place in the string', () => {
    const sql = "create table t (a int) partition by (a); select 'é😀', (1; select 2";
    expect(() => parseSql(sql)).toThrow(
      expect.objectContaining({ code: '42601', message: 'syntax error at or near ";"', position: characterOffset(sql, '; select 2') + 1 }),
    );
    const escape = "sweep; select e'\\u12'";
    expect(() => parseSql(escape)).toThrow(
      expect.objectContaining({
        code: '22025',
        message: 'invalid Unicode escape',
        position: characterOffset(escape, '\\u12') + 1,
        hint: 'Unicode escapes must be \\uXXXX or \\UXXXXXXXX.',
      }),
    );
  });
});

describe('replication options', () => {
  const options = (withClause: string) => replicationOptions(createStmt(`create table t (a int) with (${withClause})`));

  it('fill in defaults: primary_replica, one copy, majority quorums', () => {
    expect(options("replication_mode = 'leaderless_quorum'").replication).toEqual({ mode: 'leaderless_quorum', factor: 1, writeQuorum: 1, readQuorum: 1 });
    expect(options('replication_factor = 3')).toEqual({
      replication: { mode: 'primary_replica', factor: 3, writeQuorum: 2, readQuorum: 2 },
      notices: [],
      otherOptions: [],
    });
    expect(options('replication_factor = 4').replication).toMatchObject({ writeQuorum: 3, readQuorum: 3 });
    expect(replicationOptions(createStmt('create table t (a int)'))).toEqual({ replication: undefined, notices: [], otherOptions: [] });
  });

  it('read values as PostgreSQL reads table options, as text', () => {
    expect(options("replication_mode = leaderless_quorum, replication_factor = '5', write_quorum = 3, read_quorum = '+3'").replication).toEqual({
      mode: 'leaderless_quorum',
      factor: 5,
      writeQuorum: 3,
      readQuorum: 3,
    });
  });

  it('leave the other options to the caller', () => {
    const result = options('fillfactor = 100, replication_factor = 2, toast.replication_factor = 9, autovacuum_enabled = false');
    expect(result.replication?.factor).toBe(2);
    expect(result.otherOptions.map((option) => [option.DefElem.defnamespace, option.DefElem.defname])).toEqual([
      [undefined, 'fillfactor'],
      ['toast', 'replication_factor'],
      [undefined, 'autovacuum_enabled'],
    ]);
  });

  it('warn when reads may miss writes', () => {
    expect(options('replication_factor = 3, write_quorum = 1, read_quorum = 1')).toMatchObject({
      replication: { factor: 3, writeQuorum: 1, readQuorum: 1 },
      notices: ['reads may be stale: write_quorum + read_quorum (2) ≤ replication_factor (3)'],
    });
    expect(options('replication_factor = 3, write_quorum = 2, read_quorum = 1').notices).toEqual([
      'reads may be stale: write_quorum + read_quorum (3) ≤ replication_factor (3)',
    ]);
    expect(options('replication_factor = 3, write_quorum = 3, read_quorum = 1').notices).toEqual([]);
  });

  it('refuse bad values with 22023', () => {
    const refused = (withClause: string, message: string, detail?: string) =>
      expect(() => options(withClause)).toThrow(expect.objectContaining({ code: '22023', message, ...(detail === undefined ? {} : { detail }) }));
    refused(
      "replication_mode = 'multi_master'",
      'invalid value for enum option "replication_mode": multi_master',
      'Valid values are "primary_replica" and "leaderless_quorum".',
    );
    refused('replication_factor = 0', 'value 0 out of bounds for option "replication_factor"', 'Valid values are between "1" and "2147483647".');
    refused('write_quorum = -1', 'value -1 out of bounds for option "write_quorum"');
    refused('read_quorum = 2.5', 'invalid value for integer option "read_quorum": 2.5');
    refused("replication_factor = 'three'", 'invalid value for integer option "replication_factor": three');
    refused('replication_factor = 99999999999', 'value 99999999999 out of bounds for option "replication_factor"');
    refused('replication_factor = 2, write_quorum = 3', 'write_quorum (3) cannot exceed replication_factor (2)');
    refused('replication_factor = 2, read_quorum = 3', 'read_quorum (3) cannot exceed replication_factor (2)');
    refused('write_quorum = 2', 'write_quorum (2) cannot exceed replication_factor (1)');
    refused('replication_factor = 2, replication_factor = 3', 'parameter "replication_factor" specified more than once');
  });

  it('point at the offending option', () => {
    const sql = 'create table t (a int) with (replication_factor = 2, write_quorum = 3)';
    expect(() => replicationOptions(createStmt(sql))).toThrow(expect.objectContaining({ position: sql.indexOf('write_quorum') + 1 }));
  });
});

describe('statementCacheKey', () => {
  it('is the statement with its literals as parameters', () => {
    expect(statementCacheKey('SELECT abalance FROM pgbench_accounts WHERE aid = 19286;')).toBe('SELECT abalance FROM pgbench_accounts WHERE aid = $1;');
    expect(statementCacheKey("select a from t where b = 'x' and c = $1 order by 1")).toBe('select a from t where b = $2 and c = $1 order by 1');
    expect(statementCacheKey('select 1::numeric(10,2)')).toBe('select $1::numeric(10,2)');
  });

  it('tells apart statements that differ in more than literals', () => {
    expect(statementCacheKey('select a as b from t where x in (1, 2, 3)')).not.toBe(statementCacheKey('select a from t where x in (1, 2)'));
  });

  it('is the text itself for what PostgreSQL cannot parse', () => {
    expect(statementCacheKey('sweep t')).toBe('sweep t');
    expect(statementCacheKey('create table t (a int) partition by (a)')).toBe('create table t (a int) partition by (a)');
    expect(statementCacheKey('')).toBe('');
  });
});
