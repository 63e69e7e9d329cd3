import { beforeAll, describe, expect, it } from 'vitest';
import {
  constValue,
  errorPosition,
  initParser,
  nodeAs,
  nodeKind,
  parseSql,
  stringList,
  type NodeKind,
  type NodeOf,
  type PgNode,
} from '../../../src/sql/parse/index.ts';
import { psqlQueries } from './psql-15-queries.ts';

beforeAll(async () => {
  await initParser();
});

function only(sql: string): PgNode {
  const statements = parseSql(sql);
  expect(statements).toHaveLength(1);
  return statements[0].ast;
}

function fields<K extends NodeKind>(sql: string, kind: K) {
  const ast = only(sql);
  expect(nodeKind(ast)).toBe(kind);
  return (ast as NodeOf<K>)[kind];
}

describe('statement kinds', () => {
  const cases: [string, NodeKind][] = [
    ['select 1', 'SelectStmt'],
    ['values (1), (2)', 'SelectStmt'],
    ['table t', 'SelectStmt'],
    ['insert into t (a) values (1) on conflict (a) do update set a = excluded.a returning *', 'InsertStmt'],
    ['update t set a = 1 from u where t.id = u.id returning a', 'UpdateStmt'],
    ['delete from t using u where t.id = u.id returning *', 'DeleteStmt'],
    ['create table t (id serial primary key, b text not null default $$x$$ check (b <> $$$$))', 'CreateStmt'],
    ['create table t as select 1', 'CreateTableAsStmt'],
    ['create unique index i on t (a desc, lower(b))', 'IndexStmt'],
    ['drop table if exists t, u cascade', 'DropStmt'],
    ['alter table t add column c int, drop column d', 'AlterTableStmt'],
    ['alter table t rename column a to b', 'RenameStmt'],
    ['create or replace view v as select 1', 'ViewStmt'],
    ['create schema if not exists s', 'CreateSchemaStmt'],
    ['create sequence s increment by 2', 'CreateSeqStmt'],
    ['alter sequence s restart with 10', 'AlterSeqStmt'],
    ['truncate t restart identity', 'TruncateStmt'],
    ["comment on table t is 'x'", 'CommentStmt'],
    ['begin isolation level serializable', 'TransactionStmt'],
    ['commit', 'TransactionStmt'],
    ['savepoint s', 'TransactionStmt'],
    ['rollback to savepoint s', 'TransactionStmt'],
    ["set search_path = s, public", 'VariableSetStmt'],
    ['reset all', 'VariableSetStmt'],
    ['show transaction isolation level', 'VariableShowStmt'],
    ['copy t from stdin', 'CopyStmt'],
    ['explain (analyze, format json) select 1', 'ExplainStmt'],
    ['prepare p (int) as select $1', 'PrepareStmt'],
    ['execute p (1)', 'ExecuteStmt'],
    ['deallocate all', 'DeallocateStmt'],
    ["create role r login password 'secret'", 'CreateRoleStmt'],
    ["alter role r password 'x'", 'AlterRoleStmt'],
    ['vacuum analyze t', 'VacuumStmt'],
    ['analyze t', 'VacuumStmt'],
    ['select pg_advisory_lock(1)', 'SelectStmt'],
    ['merge into t using s on t.id = s.id when matched then do nothing', 'MergeStmt'],
    ['grant select on t to public', 'GrantStmt'],
  ];
  it.each(cases)('%s → %s', (sql, kind) => {
    expect(nodeKind(only(sql))).toBe(kind);
  });
});

describe('psql 15 meta-command queries', () => {
  it.each(Object.entries(psqlQueries))('%s', (_command, queries) => {
    for (const query of queries) {
      const [statement, ...rest] = parseSql(query);
      expect(rest).toEqual([]);
      expect(nodeKind(statement.ast)).toBe('SelectStmt');
      expect(statement.text).toBe(query.replace(/;$/, ''));
    }
  });

  it('keeps OPERATOR(pg_catalog.~) and COLLATE as written', () => {
    const where = fields("select 1 from pg_class c where c.relname OPERATOR(pg_catalog.~) '^(t)$' COLLATE pg_catalog.default", 'SelectStmt').whereClause;
    const match = nodeAs(where, 'A_Expr');
    expect(match?.kind).toBe('AEXPR_OP');
    expect(stringList(match?.name)).toEqual(['pg_catalog', '~']);
    expect(stringList(nodeAs(match?.rexpr, 'CollateClause')?.collname)).toEqual(['pg_catalog', 'default']);
  });
});

describe('pgbench', () => {
  it('creates its tables with fillfactor as a table option', () => {
    const sql = 'create table pgbench_accounts(aid    int not null,bid int,abalance int,filler char(84)) with (fillfactor=100)';
    const create = fields(sql, 'CreateStmt');
    expect(create.relation.relname).toBe('pgbench_accounts');
    const columns = create.tableElts?.map((element) => nodeAs(element, 'ColumnDef'));
    expect(columns?.map((column) => column?.colname)).toEqual(['aid', 'bid', 'abalance', 'filler']);
    expect(stringList(columns?.[0]?.typeName?.names)).toEqual(['pg_catalog', 'int4']);
    expect(columns?.[0]?.constraints?.map((constraint) => constraint.Constraint.contype)).toEqual(['CONSTR_NOTNULL']);
    expect(stringList(columns?.[3]?.typeName?.names)).toEqual(['pg_catalog', 'bpchar']);
    expect(columns?.[3]?.typeName?.typmods).toEqual([{ A_Const: { ival: { ival: 84 }, location: sql.indexOf('84') } }]);
    expect(create.options).toEqual([{ DefElem: { defname: 'fillfactor', arg: { Integer: { ival: 100 } }, defaction: 'DEFELEM_UNSPEC', location: sql.indexOf('fillfactor') } }]);
  });

  it('loads with COPY … FREEZE and adds primary keys afterwards', () => {
    const copy = fields('copy pgbench_accounts from stdin with (freeze on)', 'CopyStmt');
    expect(copy.relation?.relname).toBe('pgbench_accounts');
    expect(copy.is_from).toBe(true);
    expect(copy.filename).toBeUndefined();
    expect(copy.options?.map((option) => [option.DefElem.defname, option.DefElem.arg])).toEqual([['freeze', { String: { sval: 'on' } }]]);
    expect(fields('COPY pgbench_accounts FROM STDIN', 'CopyStmt').options).toBeUndefined();

    const alter = fields('alter table pgbench_branches add primary key (bid)', 'AlterTableStmt');
    expect(alter.relation.relname).toBe('pgbench_branches');
    const [command] = alter.cmds;
    expect(command.AlterTableCmd.subtype).toBe('AT_AddConstraint');
    const constraint = nodeAs(command.AlterTableCmd.def, 'Constraint');
    expect(constraint?.contype).toBe('CONSTR_PRIMARY');
    expect(stringList(constraint?.keys)).toEqual(['bid']);
  });

  it('runs the other init statements', () => {
    const kinds = [
      'drop table if exists pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers',
      'create table pgbench_history(tid int,bid int,aid    int,delta int,mtime timestamp,filler char(22))',
      'begin',
      'truncate table pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers',
      'insert into pgbench_branches(bid,bbalance) values(1,0)',
      'commit',
      'vacuum analyze pgbench_branches',
      'select count(*) from pgbench_branches',
      "select o.n, p.partstrat, pg_catalog.count(i.inhparent) from pg_catalog.pg_class as c join pg_catalog.pg_namespace as n on (n.oid = c.relnamespace) cross join lateral (select pg_catalog.array_position(pg_catalog.current_schemas(true), n.nspname)) as o(n) left join pg_catalog.pg_partitioned_table as p on (p.partrelid = c.oid) left join pg_catalog.pg_inherits as i on (c.oid = i.inhparent) where c.relname = 'pgbench_accounts' and o.n is not null group by 1, 2 order by 1 asc limit 1",
    ].map((sql) => nodeKind(only(sql)));
    expect(kinds).toEqual(['DropStmt', 'CreateStmt', 'TransactionStmt', 'TruncateStmt', 'InsertStmt', 'TransactionStmt', 'VacuumStmt', 'SelectStmt', 'SelectStmt']);
  });

  it('parses the TPC-B script with its parameters', () => {
    const sql = 'UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2;';
    const update = fields(sql, 'UpdateStmt');
    const [target] = update.targetList;
    expect(target.ResTarget.name).toBe('abalance');
    const sum = nodeAs(target.ResTarget.val, 'A_Expr');
    expect(stringList(sum?.name)).toEqual(['+']);
    expect(sum?.lexpr).toEqual({ ColumnRef: { fields: [{ String: { sval: 'abalance' } }], location: sql.indexOf('abalance +') } });
    expect(sum?.rexpr).toEqual({ ParamRef: { number: 1, location: sql.indexOf('$1') } });
    expect(nodeAs(nodeAs(update.whereClause, 'A_Expr')?.rexpr, 'ParamRef')?.number).toBe(2);

    const insert = fields('INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP);', 'InsertStmt');
    expect(insert.cols?.map((column) => column.ResTarget.name)).toEqual(['tid', 'bid', 'aid', 'delta', 'mtime']);
    const [row] = nodeAs(insert.selectStmt, 'SelectStmt')?.valuesLists ?? [];
    expect(row.List.items?.map((item) => nodeKind(item as PgNode))).toEqual(['ParamRef', 'ParamRef', 'ParamRef', 'ParamRef', 'SQLValueFunction']);

    const select = fields('SELECT abalance FROM pgbench_accounts WHERE aid = 19286;', 'SelectStmt');
    const literal = nodeAs(nodeAs(select.whereClause, 'A_Expr')?.rexpr, 'A_Const');
    expect(literal && constValue(literal)).toEqual({ kind: 'integer', value: 19286 });
    expect(nodeKind(only('END;'))).toBe('TransactionStmt');
  });
});

describe('parse tree shapes', () => {
  it('writes literals as A_Const with one value field', () => {
    const targets = fields("select 0, '', false, true, null, 1.5, 99999999999, -1, b'101', x'ff'", 'SelectStmt').targetList ?? [];
    const values = targets.map((target) => constValue(nodeAs(target.ResTarget.val, 'A_Const')!));
    expect(values).toEqual([
      { kind: 'integer', value: 0 },
      { kind: 'string', value: '' },
      { kind: 'boolean', value: false },
      { kind: 'boolean', value: true },
      { kind: 'null' },
      { kind: 'numeric', text: '1.5' },
      { kind: 'numeric', text: '99999999999' },
      { kind: 'integer', value: -1 },
      { kind: 'bitstring', text: 'b101' },
      { kind: 'bitstring', text: 'xff' },
    ]);
  });

  it('marks plain DISTINCT with an empty element and keeps set operations unwrapped', () => {
    expect(fields('select distinct a from t', 'SelectStmt').distinctClause).toEqual([{}]);
    const union = fields('select 1 union all select 2 order by 1', 'SelectStmt');
    expect(union.op).toBe('SETOP_UNION');
    expect(union.all).toBe(true);
    expect(union.larg?.op).toBe('SETOP_NONE');
    expect(union.larg?.targetList).toHaveLength(1);
    expect(union.sortClause?.[0].SortBy.sortby_dir).toBe('SORTBY_DEFAULT');
  });

  it('maps SQL type names the way PostgreSQL does', () => {
    const types = (fields('select a::int, a::varchar(10), a::text, a::timestamptz, a::int[]', 'SelectStmt').targetList ?? []).map(
      (target) => nodeAs(target.ResTarget.val, 'TypeCast')!.typeName,
    );
    expect(types.map((type) => stringList(type.names).join('.'))).toEqual(['pg_catalog.int4', 'pg_catalog.varchar', 'text', 'timestamptz', 'pg_catalog.int4']);
    expect(types[4].arrayBounds).toEqual([{ Integer: { ival: -1 } }]);
  });

  it('names settings and options as PostgreSQL does', () => {
    expect(fields("set time zone 'UTC'", 'VariableSetStmt')).toMatchObject({ kind: 'VAR_SET_VALUE', name: 'timezone' });
    expect(fields('show time zone', 'VariableShowStmt').name).toBe('timezone');
    const begin = fields('begin isolation level repeatable read, read only', 'TransactionStmt');
    expect(begin.options?.map((option) => option.DefElem.defname)).toEqual(['transaction_isolation', 'transaction_read_only']);
    const role = fields("create role r with login password 'secret' connection limit 5", 'CreateRoleStmt');
    expect(role.options?.map((option) => [option.DefElem.defname, option.DefElem.arg])).toEqual([
      ['canlogin', { Boolean: { boolval: true } }],
      ['password', { String: { sval: 'secret' } }],
      ['connectionlimit', { Integer: { ival: 5 } }],
    ]);
    const explain = fields('explain analyze verbose select 1', 'ExplainStmt');
    expect(explain.options?.map((option) => option.DefElem.defname)).toEqual(['analyze', 'verbose']);
    expect(fields('execute p (1, $1)', 'ExecuteStmt').params).toHaveLength(2);
    expect(fields('deallocate p', 'DeallocateStmt')).toEqual({ name: 'p', location: 11 });
    expect(fields('prepare p (int, text) as select $1', 'PrepareStmt').argtypes).toHaveLength(2);
  });
});

describe('statements of a string', () => {
  it('has none for an empty or comment-only string', () => {
    expect(parseSql('')).toEqual([]);
    expect(parseSql('  ;; ')).toEqual([]);
    expect(parseSql('-- nothing\n/* here */')).toEqual([]);
  });

  it('splits where PostgreSQL does, not inside strings, quoted names, comments or dollar quotes', () => {
    const sql = "select 'a;b' as \"x;y\"; /* ; */ select $$c;d$$ -- ;\n; select $t$;$t$, e'\\';'";
    const statements = parseSql(sql);
    expect(statements.map((statement) => statement.text)).toEqual([
      'select \'a;b\' as "x;y"',
      'select $$c;d$$ -- ;',
      "select $t$;$t$, e'\\';'",
    ]);
    expect(statements.map((statement) => statement.location)).toEqual(statements.map((statement) => sql.indexOf(statement.text)));
  });

  it('counts positions in characters, as PostgreSQL does', () => {
    const statements = parseSql("select 'é😀' as x; select y");
    // 'é' is two UTF-8 bytes and one UTF-16 unit, '😀' four bytes and two units: one character each.
    expect(statements[1].location).toBe(18);
    expect(statements[1].text).toBe('select y');
    const column = nodeAs(nodeAs(statements[1].ast, 'SelectStmt')?.targetList?.[0].ResTarget.val, 'ColumnRef');
    expect(column?.location).toBe(25);
    expect(errorPosition(column?.location)).toBe(26);
  });
});

describe('syntax errors', () => {
  it('are 42601 with the message and the character position PostgreSQL reports', () => {
    expect(() => parseSql('select 1; selec 2')).toThrow(expect.objectContaining({ code: '42601', message: 'syntax error at or near "selec"', position: 11 }));
    expect(() => parseSql("select 'é😀' foo bar")).toThrow(expect.objectContaining({ code: '42601', message: 'syntax error at or near "bar"', position: 17 }));
    expect(() => parseSql('select (1')).toThrow(expect.objectContaining({ message: 'syntax error at end of input', position: 10 }));
  });
});
