/**
 * Statements that are not planned queries: transaction control, SET/SHOW, DDL, COPY, EXPLAIN,
 * PREPARE/EXECUTE, roles, VACUUM/SWEEP. Each runs against the session and reports through the
 * result sink with PostgreSQL's command tags.
 */
import { EngineError, SqlState } from '../engine/errors.ts';
import type { Value } from '../engine/types.ts';
import { makeScramVerifier } from '../pgwire/scram.ts';
import { bodyOf, constantOf, kindOf, list, type Body, type Node } from '../sql/bind/ast.ts';
import { Scope } from '../sql/bind/scope.ts';
import { DdlBinder, type DdlAction } from '../sql/bind/ddl.ts';
import { DmlBinder } from '../sql/bind/dml.ts';
import { QueryBinder } from '../sql/bind/query.ts';
import { typeFromName } from '../sql/bind/type-name.ts';
import { BOOTSTRAP_SUPERUSER, type RoleObject } from '../sql/catalog/model.ts';
import { isPredefinedRole, isReservedRoleName } from '../sql/catalog/predefined-roles.ts';
import { engineTableName } from '../sql/catalog/physical.ts';
import { replicationOptions, type ParsedStatement } from '../sql/parse/index.ts';
import { encodeProgram } from '../sblr/encode.ts';
import { HOME_SHARD } from '../planner/distribute.ts';
import { explainLines } from '../planner/explain.ts';
import { TEXT, type SqlType } from '../sql/types/sql-type.ts';
import type { ResultColumn, ResultSink } from './contract.ts';
import { runCopy } from './copy-command.ts';
import type { SqlSession } from './session.ts';

const TEXT_COLUMN = (name: string): ResultColumn => ({ name, type: TEXT });

/** The columns a utility statement returns (SHOW, EXPLAIN), or null. */
export function utilityColumns(session: SqlSession, parsed: ParsedStatement): ResultColumn[] | null {
  const ast = parsed.ast as Node;
  switch (kindOf(ast)) {
    case 'VariableShowStmt': {
      const name = ast.VariableShowStmt.name as string;
      return name === 'all' ? [TEXT_COLUMN('name'), TEXT_COLUMN('setting'), TEXT_COLUMN('description')] : [TEXT_COLUMN(showName(name))];
    }
    case 'ExplainStmt':
      return [TEXT_COLUMN('QUERY PLAN')];
    case 'ExecuteStmt': {
      const columns = session.describeStatement(ast.ExecuteStmt.name as string).columns;
      return columns === null ? null : [...columns];
    }
    default:
      return null;
  }
}

function showName(name: string): string {
  if (name === 'timezone') return 'TimeZone';
  if (name === 'transaction isolation level') return 'transaction_isolation';
  return name;
}

/** `params` are the values a Bind gave, of the statement's declared `parameterTypes` (which
 * an EXPLAIN plans its query with). */
export async function runUtility(
  session: SqlSession, parsed: ParsedStatement, sink: ResultSink, simple: boolean, params: readonly Value[] = [], parameterTypes: readonly (SqlType | undefined)[] = [],
): Promise<void> {
  const ast = parsed.ast as Node;
  const kind = kindOf(ast);
  const body = bodyOf(ast);
  switch (kind) {
    case 'TransactionStmt':
      return transaction(session, body, sink);
    case 'VariableSetStmt':
      return set(session, body, sink);
    case 'VariableShowStmt':
      return show(session, body, sink, simple);
    case 'CreateStmt':
    case 'DropStmt':
    case 'IndexStmt':
    case 'AlterTableStmt':
    case 'TruncateStmt':
    case 'RenameStmt':
    case 'CommentStmt':
    case 'CreateSchemaStmt':
    case 'ViewStmt':
    case 'CreateSeqStmt':
      return ddl(session, parsed, sink);
    case 'CreateRoleStmt':
    case 'AlterRoleStmt':
    case 'DropRoleStmt':
      return role(session, kind, body, sink);
    case 'CopyStmt':
      return runCopy(session, parsed, body, sink);
    case 'ExplainStmt':
      return explain(session, parsed, body, sink, simple, params, parameterTypes);
    case 'PrepareStmt': {
      const declared = list(body.argtypes).map((t) => typeFromName(t.TypeName, parsed.location));
      session.sqlPrepare(body.name as string, { ...parsed, ast: body.query }, declared);
      sink.commandComplete('PREPARE');
      return;
    }
    case 'ExecuteStmt':
      return execute(session, parsed, body, sink, simple);
    case 'DeallocateStmt':
      session.deallocate(body.isall === true ? null : (body.name as string));
      sink.commandComplete(body.isall === true ? 'DEALLOCATE ALL' : 'DEALLOCATE');
      return;
    case 'VacuumStmt':
    case 'SweepStmt':
      return vacuum(session, kind, body, sink);
    case 'DiscardStmt':
      if (session.transaction?.explicit === true) throw new EngineError(SqlState.activeSqlTransaction, 'DISCARD ALL cannot run inside a transaction block');
      session.deallocate(null);
      sink.commandComplete(body.target === 'DISCARD_ALL' ? 'DISCARD ALL' : 'DISCARD');
      return;
    case 'CheckPointStmt':
      await Promise.all(session.db.shards.map((s) => s.syncCounters()));
      sink.commandComplete('CHECKPOINT');
      return;
    default:
      throw new EngineError(SqlState.featureNotSupported, `${kind.replace(/Stmt$/, '')} statements are not supported`);
  }
}

// ---- transaction control -----------------------------------------------------------------------

function isolationOf(value: string): 'read committed' | 'snapshot' {
  const v = value.toLowerCase();
  return v === 'repeatable read' || v === 'serializable' ? 'snapshot' : 'read committed';
}

function applyTransactionOptions(session: SqlSession, options: readonly Node[]): void {
  const txn = session.ensureTransaction(true);
  for (const o of options) {
    const d = o.DefElem as Body;
    const value = constantOf(d.arg?.A_Const ?? {}).value;
    if (d.defname === 'transaction_isolation') txn.options = { ...txn.options, isolation: isolationOf(String(value)) };
    else if (d.defname === 'transaction_read_only') txn.options = { ...txn.options, readOnly: value === 1 || value === true };
  }
}

async function transaction(session: SqlSession, body: Body, sink: ResultSink): Promise<void> {
  const kind = body.kind as string;
  const explicit = session.transaction?.explicit === true;
  switch (kind) {
    case 'TRANS_STMT_BEGIN':
    case 'TRANS_STMT_START':
      if (explicit) sink.notice({ severity: 'WARNING', code: SqlState.activeSqlTransaction, message: 'there is already a transaction in progress' });
      else session.beginExplicit();
      applyTransactionOptions(session, list(body.options));
      sink.commandComplete(kind === 'TRANS_STMT_BEGIN' ? 'BEGIN' : 'START TRANSACTION');
      return;
    case 'TRANS_STMT_COMMIT': {
      if (!explicit) sink.notice({ severity: 'WARNING', code: SqlState.noActiveSqlTransaction, message: 'there is no transaction in progress' });
      const failed = session.transaction?.failed === true;
      await session.commitTransaction();
      sink.commandComplete(failed ? 'ROLLBACK' : 'COMMIT');
      return;
    }
    case 'TRANS_STMT_ROLLBACK':
      if (!explicit) sink.notice({ severity: 'WARNING', code: SqlState.noActiveSqlTransaction, message: 'there is no transaction in progress' });
      await session.rollbackTransaction();
      sink.commandComplete('ROLLBACK');
      return;
    case 'TRANS_STMT_SAVEPOINT':
    case 'TRANS_STMT_RELEASE':
    case 'TRANS_STMT_ROLLBACK_TO': {
      const word = kind === 'TRANS_STMT_SAVEPOINT' ? 'SAVEPOINT' : kind === 'TRANS_STMT_RELEASE' ? 'RELEASE SAVEPOINT' : 'ROLLBACK TO SAVEPOINT';
      if (!explicit) throw new EngineError(SqlState.noActiveSqlTransaction, `${word} can only be used in transaction blocks`);
      const txn = session.ensureTransaction(true);
      const name = body.savepoint_name as string;
      if (kind === 'TRANS_STMT_SAVEPOINT') txn.savepoint(name);
      else if (kind === 'TRANS_STMT_RELEASE') txn.releaseSavepoint(name);
      else txn.rollbackToSavepoint(name);
      sink.commandComplete(kind === 'TRANS_STMT_SAVEPOINT' ? 'SAVEPOINT' : kind === 'TRANS_STMT_RELEASE' ? 'RELEASE' : 'ROLLBACK');
      return;
    }
    default:
      throw new EngineError(SqlState.featureNotSupported, 'two-phase commit is not supported');
  }
}

// ---- SET / SHOW --------------------------------------------------------------------------------

function settingValue(args: readonly Node[]): string {
  return args
    .map((a) => {
      if (kindOf(a) === 'TypeCast') return String(constantOf(a.TypeCast.arg.A_Const).value);
      const c = constantOf(a.A_Const ?? {});
      return c.kind === 'null' ? '' : String(c.value);
    })
    .join(', ');
}

async function set(session: SqlSession, body: Body, sink: ResultSink): Promise<void> {
  const kind = body.kind as string;
  const local = body.is_local === true;
  const apply = (name: string, value: string | null): void => {
    if (local && session.transaction?.explicit !== true) {
      sink.notice({ severity: 'WARNING', code: SqlState.noActiveSqlTransaction, message: 'SET LOCAL can only be used in transaction blocks' });
      return;
    }
    const result = local ? session.setLocal(name, value) : session.settings.set(name, value);
    if (result.reported) sink.parameterStatus(result.name, session.settings.get(result.name));
  };
  switch (kind) {
    case 'VAR_SET_VALUE':
      apply(body.name === 'timezone' ? 'TimeZone' : (body.name as string), settingValue(list(body.args)));
      break;
    case 'VAR_SET_DEFAULT':
    case 'VAR_RESET':
      apply(body.name === 'timezone' ? 'TimeZone' : (body.name as string), null);
      break;
    case 'VAR_RESET_ALL':
      for (const s of session.settings.all()) if (!s.readOnly) apply(s.name, null);
      break;
    case 'VAR_SET_MULTI':
      if (body.name === 'TRANSACTION' || body.name === 'SESSION CHARACTERISTICS') {
        if (body.name === 'TRANSACTION') {
          if (session.transaction?.explicit !== true) sink.notice({ severity: 'WARNING', code: SqlState.noActiveSqlTransaction, message: 'SET TRANSACTION can only be used in transaction blocks' });
          else applyTransactionOptions(session, list(body.args));
        } else {
          for (const o of list(body.args)) {
            const d = o.DefElem as Body;
            const v = String(constantOf(d.arg?.A_Const ?? {}).value);
            if (d.defname === 'transaction_isolation') session.settings.set('default_transaction_isolation', v);
            if (d.defname === 'transaction_read_only') session.settings.set('default_transaction_read_only', v === '1' ? 'on' : 'off');
          }
        }
        break;
      }
      throw new EngineError(SqlState.featureNotSupported, `SET ${String(body.name)} is not supported`);
    case 'VAR_SET_CURRENT':
      throw new EngineError(SqlState.featureNotSupported, 'SET … FROM CURRENT is not supported');
    default:
      throw new EngineError(SqlState.featureNotSupported, `SET form ${kind} is not supported`);
  }
  sink.commandComplete(kind === 'VAR_RESET' || kind === 'VAR_RESET_ALL' ? 'RESET' : 'SET');
}

function show(session: SqlSession, body: Body, sink: ResultSink, simple: boolean): void {
  const name = body.name as string;
  if (name === 'all') {
    if (simple) sink.rowDescription([TEXT_COLUMN('name'), TEXT_COLUMN('setting'), TEXT_COLUMN('description')]);
    const rows = session.settings.all().sort((a, b) => a.name.localeCompare(b.name));
    for (const s of rows) sink.row([s.name, session.settings.show(s.name), s.description]);
    sink.commandComplete('SHOW');
    return;
  }
  let value: string;
  let column = name;
  if (name === 'transaction_isolation' || name === 'transaction isolation level') {
    const iso = session.transaction?.options.isolation ?? (session.settings.get('default_transaction_isolation') === 'read committed' ? 'read committed' : 'snapshot');
    value = iso === 'snapshot' ? 'repeatable read' : 'read committed';
    column = 'transaction_isolation';
  } else if (name === 'timezone') {
    value = session.settings.show('TimeZone');
    column = 'TimeZone';
  } else {
    value = session.settings.show(name);
  }
  if (simple) sink.rowDescription([TEXT_COLUMN(column)]);
  sink.row([value]);
  sink.commandComplete('SHOW');
}

// ---- DDL ---------------------------------------------------------------------------------------

async function ddl(session: SqlSession, parsed: ParsedStatement, sink: ResultSink): Promise<void> {
  const txn = session.ensureTransaction();
  const draft = await txn.beginDdl();
  const options = session.bindOptions(parsed, [], draft);
  const db = session.db;
  const binder = new DdlBinder(options, {
    allocateOid: () => db.catalog.allocateOid(),
    defaultValue: (table, column) => new DmlBinder(new QueryBinder(options, db.planEnvironment)).defaultValue(table, column),
    replicationOptions: (opts) => {
      const result = replicationOptions({ options: opts } as never);
      const rest = result.otherOptions.map((o) => {
        const d = o.DefElem as Body;
        const arg = d.arg as Node | undefined;
        const v = arg === undefined ? 'true' : String(arg.Integer?.ival ?? arg.Float?.fval ?? arg.String?.sval ?? arg.Boolean?.boolval ?? '');
        return `${d.defname as string}=${v}`;
      });
      const r = result.replication;
      return { replication: r === undefined ? null : { mode: r.mode, factor: r.factor, writeQuorum: r.writeQuorum, readQuorum: r.readQuorum }, notices: [...result.notices], rest };
    },
  });
  const ast = parsed.ast as Node;
  const body = bodyOf(ast);
  let action: DdlAction;
  switch (kindOf(ast)) {
    case 'CreateStmt':
      action = binder.createTable(body);
      break;
    case 'DropStmt':
      action = binder.drop(body);
      break;
    case 'IndexStmt':
      action = binder.createIndex(body);
      break;
    case 'AlterTableStmt':
      action = binder.alterTable(body);
      break;
    case 'TruncateStmt':
      action = binder.truncate(body);
      break;
    case 'RenameStmt':
      action = binder.rename(body);
      break;
    case 'CommentStmt':
      action = binder.comment(body);
      break;
    case 'CreateSchemaStmt':
      action = binder.createSchema(body);
      break;
    case 'CreateSeqStmt':
      action = binder.createSequence(body);
      break;
    case 'ViewStmt': {
      const query = new QueryBinder(options, db.planEnvironment).bindRoot(body.query.SelectStmt);
      const at = /\bas\s+(?=select|values|with|table|\()/i.exec(parsed.text);
      if (at === null) throw new EngineError(SqlState.featureNotSupported, 'this form of CREATE VIEW is not supported');
      action = binder.createView(body, { sql: parsed.text.slice(at.index + at[0].length), columns: query.columns });
      break;
    }
    default:
      throw new EngineError(SqlState.internalError, 'not a DDL statement');
  }
  for (const notice of action.notices) sink.notice(notice);
  await txn.applyCatalogChanges(action.changes, HOME_SHARD);
  for (const step of action.physical) {
    const shards = step.everywhere ? db.shards.map((_, i) => i) : [HOME_SHARD];
    const program = encodeProgram(step.rel, { parameterTypes: [] });
    for (const shard of shards) {
      await db.host.write({ shard, program, params: [], tx: txn.on(shard), eval: session.evalContext(txn), checkInterrupt: session.checkInterrupt });
    }
  }
  sink.commandComplete(action.tag);
}

// ---- roles -------------------------------------------------------------------------------------

async function role(session: SqlSession, kind: string, body: Body, sink: ResultSink): Promise<void> {
  const txn = session.ensureTransaction();
  const draft = await txn.beginDdl();
  const current = draft.role(session.info.user);
  if (current?.superuser !== true && current?.createRole !== true) throw new EngineError(SqlState.insufficientPrivilege, 'permission denied to create role');
  if (kind === 'DropRoleStmt') {
    const changes: [number, null][] = [];
    for (const r of list(body.roles)) {
      const name = r.RoleSpec.rolename as string;
      const found = draft.role(name);
      if (found === undefined) {
        if (body.missing_ok === true) {
          sink.notice({ severity: 'NOTICE', code: '00000', message: `role "${name}" does not exist, skipping` });
          continue;
        }
        throw new EngineError(SqlState.undefinedObject, `role "${name}" does not exist`);
      }
      if (found.oid === BOOTSTRAP_SUPERUSER || isPredefinedRole(found.oid)) throw new EngineError(SqlState.dependentObjectsStillExist, `cannot drop role ${name} because it is required by the database system`);
      if (name === session.info.user) throw new EngineError(SqlState.objectInUse, 'current user cannot be dropped');
      changes.push([found.oid, null]);
    }
    await txn.applyCatalogChanges(changes, HOME_SHARD);
    sink.commandComplete('DROP ROLE');
    return;
  }
  const name = kind === 'CreateRoleStmt' ? (body.role as string) : (body.role.RoleSpec?.rolename ?? body.role.rolename) as string;
  if (isReservedRoleName(name)) {
    throw new EngineError(SqlState.reservedName, `role name "${name}" is reserved`, {
      detail: kind === 'CreateRoleStmt' ? 'Role names starting with "pg_" are reserved.' : 'Cannot alter reserved roles.',
    });
  }
  const existing = draft.role(name);
  let roleObject: RoleObject;
  if (kind === 'CreateRoleStmt') {
    if (existing !== undefined) throw new EngineError(SqlState.duplicateObject, `role "${name}" already exists`);
    roleObject = {
      kind: 'role', oid: session.db.catalog.allocateOid(), name, owner: BOOTSTRAP_SUPERUSER, superuser: false, login: body.stmt_type === 'ROLESTMT_USER',
      createDb: false, createRole: false, inherit: true, replication: false, bypassRls: false, connectionLimit: -1, password: null, validUntil: null,
    };
  } else {
    if (existing === undefined) throw new EngineError(SqlState.undefinedObject, `role "${name}" does not exist`);
    roleObject = existing;
  }
  for (const o of list(body.options)) {
    const d = o.DefElem as Body;
    const arg = d.arg as Node | undefined;
    const flag = arg?.Boolean?.boolval === true || arg?.Integer?.ival === 1;
    switch (d.defname as string) {
      case 'password': {
        const password = arg?.String?.sval as string | undefined;
        roleObject = { ...roleObject, password: password === undefined ? null : password.startsWith('SCRAM-SHA-256$') ? password : makeScramVerifier(password) };
        break;
      }
      case 'canlogin': roleObject = { ...roleObject, login: flag }; break;
      case 'superuser': roleObject = { ...roleObject, superuser: flag }; break;
      case 'createdb': roleObject = { ...roleObject, createDb: flag }; break;
      case 'createrole': roleObject = { ...roleObject, createRole: flag }; break;
      case 'inherit': roleObject = { ...roleObject, inherit: flag }; break;
      case 'isreplication': roleObject = { ...roleObject, replication: flag }; break;
      case 'bypassrls': roleObject = { ...roleObject, bypassRls: flag }; break;
      case 'connectionlimit': roleObject = { ...roleObject, connectionLimit: Number(arg?.Integer?.ival ?? -1) }; break;
      case 'validUntil': roleObject = { ...roleObject, validUntil: (arg?.String?.sval as string | undefined) ?? null }; break;
      default:
        throw new EngineError(SqlState.featureNotSupported, `role option ${String(d.defname)} is not supported`);
    }
  }
  await txn.applyCatalogChanges([[roleObject.oid, roleObject]], HOME_SHARD);
  sink.commandComplete(kind === 'CreateRoleStmt' ? 'CREATE ROLE' : 'ALTER ROLE');
}

// ---- EXPLAIN, EXECUTE, VACUUM ------------------------------------------------------------------

async function explain(
  session: SqlSession, parsed: ParsedStatement, body: Body, sink: ResultSink, simple: boolean, params: readonly Value[], parameterTypes: readonly (SqlType | undefined)[],
): Promise<void> {
  const analyze = list(body.options).some((o) => o.DefElem.defname === 'analyze' && o.DefElem.arg?.Boolean?.boolval !== false);
  const inner: ParsedStatement = { ...parsed, ast: body.query };
  const statement = { sql: parsed.text, parsed: inner, declared: parameterTypes, plan: null };
  const plan = session.planFor(statement);
  const lines = explainLines(plan.plan, (oid) => session.catalogView().get(oid)?.name ?? engineTableName(oid));
  if (analyze) {
    const started = process.hrtime.bigint();
    const txn = session.ensureTransaction();
    txn.newStatement();
    if (plan.writeShard !== null) txn.claimWrite(plan.writeShard);
    const ctx = session.executionContext(txn, params);
    let rows = 0;
    if (plan.program.kind === 'write') rows = (await plan.program.run(ctx)).count;
    else for (const it = plan.program.open(ctx); it.next().done !== true; ) rows++;
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    lines.push(`Rows: ${rows}`, `Execution Time: ${ms.toFixed(3)} ms`);
  }
  if (simple) sink.rowDescription([TEXT_COLUMN('QUERY PLAN')]);
  for (const line of lines) sink.row([line]);
  sink.commandComplete('EXPLAIN');
}

async function execute(session: SqlSession, parsed: ParsedStatement, body: Body, sink: ResultSink, simple: boolean): Promise<void> {
  const name = body.name as string;
  const scopeFree = new QueryBinder(session.bindOptions(parsed, []), session.db.planEnvironment);
  const values = list(body.params).map((p) => {
    const e = scopeFree.exprs.bind(p, new Scope(null));
    if (e.op !== 'const') throw new EngineError(SqlState.featureNotSupported, 'EXECUTE parameters must be constants');
    return e;
  });
  const description = session.describeStatement(name);
  if (values.length !== description.parameterTypes.length) {
    throw new EngineError(SqlState.syntaxError, `wrong number of parameters for prepared statement "${name}"`, { detail: `Expected ${description.parameterTypes.length} parameters but got ${values.length}.` });
  }
  const params = values.map((v, i) => (scopeFree.exprs.coerce(v, description.parameterTypes[i] as SqlType, 'assignment') as { value: Value }).value);
  await session.sqlExecute(name, params, sink, simple);
}

async function vacuum(session: SqlSession, kind: string, body: Body, sink: ResultSink): Promise<void> {
  if (session.transaction?.explicit === true) throw new EngineError(SqlState.activeSqlTransaction, `${kind === 'SweepStmt' ? 'SWEEP' : 'VACUUM'} cannot run inside a transaction block`);
  const onlyAnalyze = kind === 'VacuumStmt' && body.is_vacuumcmd !== true;
  if (!onlyAnalyze) {
    for (const r of list(body.rels ?? (body.relation === undefined ? [] : [{ VacuumRelation: { relation: body.relation } }]))) {
      const rv = r.VacuumRelation.relation as Body;
      session.catalogView().table(rv.schemaname as string | undefined, rv.relname as string, session.searchPath());
    }
    // Sweep works per shard (every table at once): what VACUUM does for MVCC garbage.
    for (const shard of session.db.shards) await shard.sweep();
  }
  sink.commandComplete(kind === 'SweepStmt' ? 'SWEEP' : onlyAnalyze ? 'ANALYZE' : 'VACUUM');
}

