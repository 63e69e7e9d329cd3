/**
 * One client connection's SQL session: the simple and extended query protocols over the
 * planner and executor, transactions (implicit per query string or up to Sync, explicit with
 * BEGIN, the failed state of PostgreSQL), prepared statements, portals, settings, cancel and
 * statement timeouts.
 */
import { randomInt } from 'node:crypto';
import { EngineError, SqlState } from '../engine/errors.ts';
import type { Row, Value } from '../engine/types.ts';
import type { Body, Node } from '../sql/bind/ast.ts';
import { kindOf } from '../sql/bind/ast.ts';
import type { BindOptions, FunctionResolver } from '../sql/bind/context.ts';
import type { CatalogSnapshot } from '../sql/catalog/snapshot.ts';
import type { EvalContext } from '../sql/functions/index.ts';
import type { ParsedStatement } from '../sql/parse/index.ts';
import { TEXT, type SqlType } from '../sql/types/sql-type.ts';
import type { CompiledProgram } from '../sblr/compile/index.ts';
import type { ExecContext } from '../sblr/compile/context.ts';
import type { Database } from '../coordinator/database.ts';
import type {
  ConnectionInfo,
  OutputContext,
  ResultColumn,
  ResultSink,
  Session,
  StatementDescription,
  TransactionState,
} from './contract.ts';
import { literalParametersBindLikeConstants, parameterizeLiterals, queryShapes, type ParameterizedStatement } from './literal-parameters.ts';
import { parsedStatements } from './parse-cache.ts';
import { isPlannable, preparePlan, type PreparedPlan } from './prepare.ts';
import { Settings } from './settings.ts';
import { StatementSite } from './statement-site.ts';
import type { SequenceAccess } from '../coordinator/sequences.ts';
import { AdvisoryLockWait, SessionAdvisoryLocks } from '../coordinator/advisory-locks.ts';
import { SessionTransaction } from './transaction.ts';
import { runUtility, utilityColumns } from './utility.ts';

/** A statement ready to bind: planned (queries, DML) or run as a utility command. */
export interface PreparedStatement {
  readonly sql: string;
  readonly parsed: ParsedStatement | null;
  /** Parameter types the client declared (undefined: infer). */
  readonly declared: readonly (SqlType | undefined)[];
  /** The tree to plan when it is not `parsed.ast`: the statement with its literals as parameters. */
  readonly tree?: () => Node;
  plan: PreparedPlan | null;
}

/** A simple-protocol statement ready to run: its plan and the values of its parameters. */
interface SimplePlan {
  readonly statement: PreparedStatement;
  readonly params: readonly Value[];
}

/** Thrown while planning a statement whose literals were made parameters, when the plan would
 * not behave as the statement as written. */
class NotEquivalent extends Error {}

interface Portal {
  readonly statement: PreparedStatement;
  readonly params: readonly Value[];
  readonly formats: readonly (0 | 1)[];
  /** Rows still to send of a started query, or of a finished write's RETURNING. */
  rows: Iterator<Row> | null;
  tag: string | null;
  sent: number;
}

const YIELD_EVERY_ROWS = 1024;

export class SqlSession implements Session {
  readonly settings: Settings;
  readonly output: OutputContext;
  readonly pid: number;
  readonly startedAt = Date.now();
  private txn: SessionTransaction | null = null;
  private readonly statements = new Map<string, PreparedStatement>();
  /** The queries of prepared EXPLAIN statements, planned for their parameters. */
  private readonly explainedQueries = new WeakMap<PreparedStatement, PreparedStatement>();
  private readonly portals = new Map<string, Portal>();
  /** SET LOCAL values to restore when the transaction ends. */
  private localRestore = new Map<string, string | null>();
  private lastEvalContext: {
    readonly catalog: CatalogSnapshot;
    readonly searchPath: readonly string[];
    readonly timeZone: string;
    readonly context: EvalContext;
  } | null = null;
  private cancelRequested = false;
  private deadline = 0;
  private running = false;
  currentQuery = '';
  state: 'idle' | 'active' | 'idle in transaction' | 'idle in transaction (aborted)' = 'idle';
  queryStartedAt = 0;
  readonly functions: FunctionResolver;
  readonly sequences: SequenceAccess;
  readonly advisoryLocks: SessionAdvisoryLocks;

  constructor(
    readonly db: Database,
    readonly info: ConnectionInfo,
  ) {
    const overrides = new Map<string, string>();
    if (info.applicationName !== '') overrides.set('application_name', info.applicationName);
    overrides.set('session_authorization', info.user);
    this.settings = new Settings(overrides);
    for (const [name, value] of info.parameters) {
      if (['user', 'database', 'application_name', 'replication', 'options'].includes(name)) continue;
      try {
        this.settings.set(name, value);
      } catch {
        // PostgreSQL rejects bad startup settings with FATAL; clients send only valid ones
        // (client_encoding, DateStyle, TimeZone, extra_float_digits), so ignoring is safe.
      }
    }
    this.pid = randomInt(1, 2 ** 31 - 1);
    this.functions = db.functionsFor(this);
    this.sequences = db.sequences.forSession(() => this.catalogView());
    this.advisoryLocks = new SessionAdvisoryLocks(db.advisoryLocks);
    const settings = this.settings;
    this.output = {
      get timeZone() {
        return settings.get('TimeZone');
      },
      catalogText: (type, value) => this.db.catalogText(this.catalogView(), type, value, this.searchPath()),
    };
  }

  // ---- contract: state -----------------------------------------------------------------------

  initialParameters(): ReadonlyMap<string, string> {
    return this.settings.reported();
  }

  transactionState(): TransactionState {
    if (this.txn === null || !this.txn.explicit) return 'idle';
    return this.txn.failed ? 'failed' : 'in transaction';
  }

  setting(name: string): string {
    return this.settings.get(name);
  }

  searchPath(): readonly string[] {
    return this.settings.searchPath(this.info.user);
  }

  catalogView(): CatalogSnapshot {
    return this.txn?.catalogView() ?? this.db.catalog.committed();
  }

  get transaction(): SessionTransaction | null {
    return this.txn;
  }

  // ---- transactions --------------------------------------------------------------------------

  /** The current transaction, or a new implicit one. */
  ensureTransaction(explicit = false): SessionTransaction {
    if (this.txn === null) {
      const isolationSetting = this.settings.get('default_transaction_isolation');
      const lockTimeout = Number(this.settings.get('lock_timeout'));
      this.txn = new SessionTransaction(this.db.shards, this.db.catalog, {
        isolation: isolationSetting === 'repeatable read' || isolationSetting === 'serializable' ? 'snapshot' : 'read committed',
        readOnly: this.settings.get('default_transaction_read_only') === 'on',
        lockTimeoutMs: lockTimeout > 0 ? lockTimeout : undefined,
      }, explicit);
      this.db.metrics.transactionStarted();
    }
    return this.txn;
  }

  /** BEGIN inside an implicit transaction (a multi-statement string) makes it explicit. */
  beginExplicit(): SessionTransaction {
    if (this.txn !== null && !this.txn.explicit) {
      const t = this.txn;
      this.txn = null;
      const next = this.ensureTransaction(true);
      next.options = t.options;
      void t.rollback();
      return next;
    }
    return this.ensureTransaction(true);
  }

  async commitTransaction(): Promise<void> {
    const t = this.txn;
    if (t === null) return;
    this.txn = null;
    this.endLocalSettings();
    this.advisoryLocks.unlockAll(true);
    if (t.failed) {
      await t.rollback();
      this.db.metrics.transactionRolledBack();
      return;
    }
    if (t.commitReadOnly()) {
      this.db.metrics.transactionCommitted();
      return;
    }
    try {
      await t.commit();
      this.db.metrics.transactionCommitted();
    } catch (error) {
      this.db.metrics.transactionRolledBack();
      throw this.db.translateError(error, this.catalogView());
    }
  }

  async rollbackTransaction(): Promise<void> {
    const t = this.txn;
    if (t === null) return;
    this.txn = null;
    this.endLocalSettings();
    this.advisoryLocks.unlockAll(true);
    await t.rollback();
    this.db.metrics.transactionRolledBack();
  }

  setLocal(name: string, value: string | null): { name: string; reported: boolean } {
    const previous = this.settings.get(name);
    const result = this.settings.set(name, value);
    if (!this.localRestore.has(result.name)) this.localRestore.set(result.name, previous);
    return result;
  }

  private endLocalSettings(): void {
    if (this.localRestore.size === 0) return;
    for (const [name, value] of this.localRestore) this.settings.set(name, value);
    this.localRestore = new Map();
  }

  // ---- binding environment -------------------------------------------------------------------

  bindOptions(statement: ParsedStatement | null, declared: readonly (SqlType | undefined)[], catalog = this.catalogView()): BindOptions {
    return {
      catalog,
      searchPath: this.searchPath(),
      functions: this.functions,
      parameterTypes: declared,
      offset: statement?.location ?? 0,
      currentUser: this.info.user,
    };
  }

  /** What expressions may ask of the session. One context serves statement after statement
   * while the catalog (no DDL in the transaction), search path and time zone stay the same. */
  evalContext(txn: SessionTransaction | null): EvalContext {
    if (txn?.hasDdl === true) return this.db.evalContext(this, txn);
    const catalog = this.db.catalog.committed();
    const searchPath = this.searchPath();
    const timeZone = this.settings.get('TimeZone');
    const last = this.lastEvalContext;
    if (last !== null && last.catalog === catalog && last.searchPath === searchPath && last.timeZone === timeZone) return last.context;
    const context = this.db.evalContext(this, txn);
    this.lastEvalContext = { catalog, searchPath, timeZone, context };
    return context;
  }

  // ---- simple query --------------------------------------------------------------------------

  async simpleQuery(sql: string, sink: ResultSink): Promise<void> {
    let statements: readonly ParsedStatement[] | undefined;
    let shaped: ReturnType<typeof queryShapes.match> = { normalized: undefined };
    let planned: SimplePlan | null = null;
    try {
      // A string sent before verbatim (BEGIN, COMMIT, …) is parsed already; one of a shape seen
      // before, with its plan cached, needs no parse.
      statements = parsedStatements.cached(sql);
      if (statements === undefined && this.txn?.hasDdl !== true) {
        shaped = queryShapes.match(sql, this.functions);
        if ('statement' in shaped) planned = this.cachedParameterizedPlan(shaped.statement, shaped.parameterized);
      }
      statements ??= planned !== null ? [planned.statement.parsed as ParsedStatement] : parsedStatements.parse(sql);
    } catch (error) {
      this.failTransaction();
      throw error;
    }
    if (statements.length === 0) {
      sink.emptyQuery();
      return;
    }
    const normalized = shaped.normalized;
    const whole = statements.length === 1 ? { sql, normalized } : undefined;
    try {
      for (const parsed of statements) {
        await this.runStatement(parsed, sink, planned, whole);
      }
    } catch (error) {
      this.failTransaction();
      if (this.txn !== null && !this.txn.explicit) await this.rollbackTransaction();
      throw error;
    }
    // An implicit transaction spans the string; one made explicit by BEGIN stays open.
    if (this.txn !== null && !this.txn.explicit) await this.commitTransaction();
  }

  private failTransaction(): void {
    if (this.txn !== null) this.txn.failed = true;
  }

  /** Runs one statement of a simple query to completion: `planned` when it is planned already,
   * `whole` when it is the query string's only statement. */
  private async runStatement(parsed: ParsedStatement, sink: ResultSink, planned: SimplePlan | null, whole: { readonly sql: string; readonly normalized: string | undefined } | undefined): Promise<void> {
    this.checkNotAborted(parsed.ast as Node);
    if (isPlannable(parsed.ast as Node)) {
      const { statement, params } = planned ?? this.plannedSimpleStatement(parsed, whole);
      const plan = statement.plan as PreparedPlan;
      if (plan.columns !== null) sink.rowDescription(plan.columns);
      const portal: Portal = { statement, params, formats: [], rows: null, tag: null, sent: 0 };
      await this.runPortal(portal, 0, sink);
      return;
    }
    await this.timed(parsed.text, 'utility', () => runUtility(this, parsed, sink, true));
  }

  /** The statement of a string matched to a known shape, if its parameterized plan is cached. */
  private cachedParameterizedPlan(parsed: ParsedStatement, literals: ParameterizedStatement): SimplePlan | null {
    if (!isPlannable(parsed.ast as Node)) return null;
    const catalog = this.catalogView();
    const plan = this.db.plans.find(literals.key, literals.types, catalog, this.searchPath(), this.settings.get('TimeZone'));
    if (plan === undefined || plan.catalogVersion !== catalog.version) return null;
    return { statement: { sql: literals.key, parsed, declared: literals.types, tree: literals.tree, plan }, params: literals.values };
  }

  /**
   * A simple-protocol statement, planned: with its number literals as parameters when that
   * plans the same as the statement as written (one plan then serves every value; a string that
   * holds only this statement also teaches `queryShapes` its shape), else as written.
   */
  private plannedSimpleStatement(parsed: ParsedStatement, whole: { readonly sql: string; readonly normalized: string | undefined } | undefined): SimplePlan {
    const literals = parameterizeLiterals(parsed, this.functions, whole);
    if (literals !== null) {
      const catalog = this.catalogView();
      const timeZone = this.settings.get('TimeZone');
      if (!this.db.plans.refused(literals.key, literals.types, catalog, this.searchPath(), timeZone)) {
        const statement: PreparedStatement = { sql: literals.key, parsed, declared: literals.types, tree: literals.tree, plan: null };
        try {
          this.planFor(statement);
        } catch {
          // Planned as written below, which reports the statement's own error if it has one.
          this.db.plans.refuse(literals.key, literals.types, catalog, this.searchPath(), timeZone);
        }
        if (statement.plan !== null) {
          if (whole?.normalized !== undefined) queryShapes.learn(whole.normalized, literals);
          return { statement, params: literals.values };
        }
      }
    }
    const statement: PreparedStatement = { sql: parsed.text, parsed, declared: [], plan: null };
    this.planFor(statement);
    return { statement, params: [] };
  }

  /** In a failed transaction only ROLLBACK / COMMIT / ROLLBACK TO run (25P02 otherwise). */
  checkNotAborted(ast: Node): void {
    if (this.txn === null || !this.txn.failed || !this.txn.explicit) return;
    if (kindOf(ast) === 'TransactionStmt') {
      const kind = (ast.TransactionStmt as Body).kind as string;
      if (['TRANS_STMT_ROLLBACK', 'TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK_TO', 'TRANS_STMT_PREPARE', 'TRANS_STMT_ROLLBACK_PREPARED'].includes(kind)) return;
    }
    throw new EngineError(SqlState.inFailedSqlTransaction, 'current transaction is aborted, commands ignored until end of transaction block');
  }

  /** The statement's plan, made (or remade after DDL) against the current catalog. */
  planFor(statement: PreparedStatement): PreparedPlan {
    const catalog = this.catalogView();
    if (statement.plan !== null && statement.plan.catalogVersion === catalog.version && !(this.txn?.hasDdl ?? false)) return statement.plan;
    const parsed = statement.parsed as ParsedStatement;
    const plan = this.db.plans.get(statement.sql, statement.declared, catalog, this.searchPath(), this.settings.get('TimeZone'), () => {
      if (statement.tree === undefined) return preparePlan(parsed.ast as Node, this.bindOptions(parsed, statement.declared, catalog), this.db.planEnvironment);
      const made = preparePlan(statement.tree(), this.bindOptions(parsed, statement.declared, catalog), this.db.planEnvironment);
      const partitioned = (oid: number): boolean => {
        const object = catalog.get(oid);
        return object?.kind === 'table' && object.partitionKey !== null;
      };
      if (!literalParametersBindLikeConstants(made, statement.declared as readonly SqlType[], partitioned)) throw new NotEquivalent();
      return made;
    });
    if (statement.plan !== null && statement.plan.columns !== null && plan.columns !== null && !sameColumns(statement.plan.columns, plan.columns)) {
      throw new EngineError(SqlState.featureNotSupported, 'cached plan must not change result type');
    }
    statement.plan = plan;
    return plan;
  }

  // ---- running plans -------------------------------------------------------------------------

  private async timed<T>(sql: string, kind: string, run: () => Promise<T>): Promise<T> {
    const started = this.statementStarts(sql);
    let status: 'ok' | 'error' = 'error';
    try {
      const result = await run();
      status = 'ok';
      return result;
    } catch (error) {
      throw this.db.translateError(error, this.catalogView());
    } finally {
      this.statementEnds(started, kind, status);
    }
  }

  /** Marks a statement as running (pg_stat_activity, cancel, statement_timeout, metrics);
   * returns what `statementEnds` needs. */
  private statementStarts(sql: string): { readonly at: bigint; readonly timer: NodeJS.Timeout | null } {
    const at = process.hrtime.bigint();
    this.currentQuery = sql;
    this.queryStartedAt = Date.now();
    this.state = 'active';
    this.cancelRequested = false;
    const timeout = Number(this.settings.get('statement_timeout'));
    this.deadline = timeout > 0 ? this.queryStartedAt + timeout : 0;
    const timer = timeout > 0 ? setTimeout(() => this.txn?.cancel(timeoutError()), timeout) : null;
    this.running = true;
    this.db.metrics.queryStarted();
    return { at, timer };
  }

  private statementEnds(started: { readonly at: bigint; readonly timer: NodeJS.Timeout | null }, kind: string, status: 'ok' | 'error'): void {
    if (started.timer !== null) clearTimeout(started.timer);
    this.running = false;
    this.state = this.txn === null ? 'idle' : this.txn.failed ? 'idle in transaction (aborted)' : 'idle in transaction';
    this.db.metrics.queryFinished(metricKind(kind), status, Number(process.hrtime.bigint() - started.at) / 1e9);
  }

  /** Throws 57014 when the statement was cancelled or ran past statement_timeout. */
  checkInterrupt = (): void => {
    if (this.cancelRequested) throw new EngineError(SqlState.queryCanceled, 'canceling statement due to user request');
    if (this.deadline !== 0 && Date.now() > this.deadline) throw timeoutError();
  };

  executionContext(txn: SessionTransaction, params: readonly Value[]): ExecContext {
    return new StatementSite(this.db.host, txn, params, this.evalContext(txn), this.checkInterrupt, this.catalogRows);
  }

  private readonly catalogRows = (name: string): Iterable<Row> => this.db.systemRows(name, this);

  /** Runs (or resumes) a portal, sending up to `maxRows` rows (0 = all). */
  private async runPortal(portal: Portal, maxRows: number, sink: ResultSink): Promise<'complete' | 'suspended'> {
    const statement = portal.statement;
    const started = this.statementStarts(statement.tree === undefined ? statement.sql : (statement.parsed as ParsedStatement).text);
    let status: 'ok' | 'error' = 'error';
    try {
      if (portal.rows === null) this.advisoryLocks.statementStarts();
      for (;;) {
        try {
          const outcome = await this.sendRows(portal, maxRows, sink);
          status = 'ok';
          return outcome;
        } catch (error) {
          if (!(error instanceof AdvisoryLockWait)) throw error;
          await this.waitForAdvisoryLock(portal, error);
        }
      }
    } catch (error) {
      throw this.db.translateError(error, this.catalogView());
    } finally {
      this.statementEnds(started, statement.plan?.kind ?? 'select', status);
    }
  }

  /** Opens the portal if it is new, then sends up to `maxRows` rows (0 = all). */
  private async sendRows(portal: Portal, maxRows: number, sink: ResultSink): Promise<'complete' | 'suspended'> {
    if (portal.rows === null) {
      const writing = this.startPortal(portal);
      if (writing !== undefined) await writing;
    }
    const rows = portal.rows as Iterator<Row>;
    let sentHere = 0;
    for (;;) {
      if (maxRows > 0 && sentHere >= maxRows) {
        const peek = rows.next();
        if (peek.done === true) break;
        portal.rows = prepend(peek.value, rows);
        return 'suspended';
      }
      const next = rows.next();
      if (next.done === true) break;
      const written = sink.row(next.value);
      if (written !== undefined) await written;
      sentHere++;
      portal.sent++;
      if (portal.sent % YIELD_EVERY_ROWS === 0) {
        this.checkInterrupt();
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    sink.commandComplete(portal.tag ?? `SELECT ${portal.sent}`);
    return 'complete';
  }

  /**
   * A query found an advisory lock taken: it waits, then runs again from the start (the locks it
   * took so far stay held and are taken over by the second run). Only a query that has sent no
   * row can start again; a statement that writes never does.
   */
  private async waitForAdvisoryLock(portal: Portal, wait: AdvisoryLockWait): Promise<void> {
    if (portal.statement.plan?.kind !== 'select') {
      throw new EngineError(SqlState.featureNotSupported, 'a statement that writes cannot wait for an advisory lock', { hint: 'Take the lock in a statement of its own first: SELECT pg_advisory_lock(…).' });
    }
    if (portal.sent > 0) {
      throw new EngineError(SqlState.featureNotSupported, 'a query cannot wait for an advisory lock after its first row', { hint: 'Take the locks in a statement of their own first.' });
    }
    portal.rows = null;
    await this.advisoryLocks.waitFor(wait, this.checkInterrupt, Number(this.settings.get('lock_timeout')));
  }

  /** Opens the portal's rows; a write returns the promise of its completion (reads open at once). */
  private startPortal(portal: Portal): Promise<void> | undefined {
    const plan = this.planFor(portal.statement);
    const txn = this.ensureTransaction();
    txn.newStatement();
    if (plan.writeShard !== null) txn.claimWrite(plan.writeShard);
    const ctx = this.executionContext(txn, portal.params);
    const program: CompiledProgram = plan.program;
    if (program.kind === 'write') {
      return program.run(ctx).then((result) => {
        portal.rows = result.rows[Symbol.iterator]();
        portal.tag = plan.kind === 'insert' ? `INSERT 0 ${result.count}` : plan.kind === 'update' ? `UPDATE ${result.count}` : `DELETE ${result.count}`;
      });
    }
    portal.rows = program.open(ctx);
    portal.tag = null;
    return undefined;
  }

  // ---- extended query ------------------------------------------------------------------------

  parse(name: string, sql: string, parameterTypes: readonly number[]): void {
    if (name !== '' && this.statements.has(name)) throw new EngineError(SqlState.duplicatePreparedStatement, `prepared statement "${name}" already exists`);
    const statements = parsedStatements.parse(sql);
    if (statements.length > 1) throw new EngineError(SqlState.syntaxError, 'cannot insert multiple commands into a prepared statement');
    const parsed = statements[0] ?? null;
    if (parsed !== null) this.checkNotAborted(parsed.ast as Node);
    const declared = parameterTypes.map((oid) => (oid === 0 ? undefined : this.db.typeOfOid(oid)));
    const statement: PreparedStatement = { sql, parsed, declared, plan: null };
    const planned = parsed !== null && isPlannable(parsed.ast as Node) ? statement : this.explainedQuery(statement);
    if (planned !== null) {
      try {
        this.planFor(planned);
      } catch (error) {
        throw this.db.translateError(error, this.catalogView());
      }
    }
    this.statements.set(name, statement);
  }

  /**
   * The query a prepared EXPLAIN explains, planned with the statement's declared parameter
   * types, so that Describe reports and Bind decodes the parameters the query has (as
   * PostgreSQL does); null for other statements.
   */
  private explainedQuery(statement: PreparedStatement): PreparedStatement | null {
    const parsed = statement.parsed;
    if (parsed === null || kindOf(parsed.ast as Node) !== 'ExplainStmt') return null;
    const query = (parsed.ast as Node).ExplainStmt.query as Node;
    if (!isPlannable(query)) return null;
    let explained = this.explainedQueries.get(statement);
    if (explained === undefined) {
      explained = { sql: parsed.text, parsed: { ...parsed, ast: query as ParsedStatement['ast'] }, declared: statement.declared, plan: null };
      this.explainedQueries.set(statement, explained);
    }
    return explained;
  }

  private statement(name: string): PreparedStatement {
    const s = this.statements.get(name);
    if (s === undefined) throw new EngineError(SqlState.undefinedPreparedStatement, `prepared statement "${name}" does not exist`);
    return s;
  }

  describeStatement(name: string): StatementDescription {
    const s = this.statement(name);
    if (s.parsed === null) return { parameterTypes: [], columns: null };
    if (isPlannable(s.parsed.ast as Node)) {
      const plan = this.planFor(s);
      return { parameterTypes: plan.parameterTypes, columns: plan.columns };
    }
    const explained = this.explainedQuery(s);
    const parameterTypes = explained === null ? s.declared.map((t) => t ?? TEXT) : this.planFor(explained).parameterTypes;
    return { parameterTypes, columns: utilityColumns(this, s.parsed) };
  }

  bind(portalName: string, statementName: string, parameterFormats: readonly (0 | 1)[], parameters: readonly (Uint8Array | null)[], resultFormats: readonly (0 | 1)[]): void {
    const statement = this.statement(statementName);
    if (statement.parsed !== null) this.checkNotAborted(statement.parsed.ast as Node);
    if (portalName !== '' && this.portals.has(portalName)) throw new EngineError(SqlState.duplicateCursor, `portal "${portalName}" already exists`);
    const plan = statement.parsed !== null && isPlannable(statement.parsed.ast as Node) ? this.planFor(statement) : null;
    const explained = plan === null ? this.explainedQuery(statement) : null;
    const types = plan?.parameterTypes ?? (explained === null ? statement.declared.map((t) => t ?? TEXT) : this.planFor(explained).parameterTypes);
    if (parameters.length !== types.length) {
      throw new EngineError(SqlState.protocolViolation, `bind message supplies ${parameters.length} parameters, but prepared statement "${statementName}" requires ${types.length}`);
    }
    if (parameterFormats.length > 1 && parameterFormats.length !== parameters.length) {
      throw new EngineError(SqlState.protocolViolation, `bind message has ${parameterFormats.length} parameter formats but ${parameters.length} parameters`);
    }
    const params = parameters.map((raw, i) => {
      if (raw === null) return null;
      const format = parameterFormats.length === 1 ? parameterFormats[0] : parameterFormats[i] ?? 0;
      return this.db.decodeParameter(this, types[i], raw, format, i + 1);
    });
    const width = plan?.columns?.length ?? 0;
    const formats = resultFormats.length === 1 ? Array.from({ length: width }, () => resultFormats[0]) : resultFormats.length === 0 ? Array.from({ length: width }, () => 0 as const) : resultFormats;
    this.portals.set(portalName, { statement, params, formats, rows: null, tag: null, sent: 0 });
  }

  describePortal(name: string): { readonly columns: readonly ResultColumn[] | null; readonly formats: readonly (0 | 1)[] } {
    const portal = this.portals.get(name);
    if (portal === undefined) throw new EngineError(SqlState.undefinedCursor, `portal "${name}" does not exist`);
    const s = portal.statement;
    if (s.parsed === null) return { columns: null, formats: [] };
    const columns = isPlannable(s.parsed.ast as Node) ? this.planFor(s).columns : utilityColumns(this, s.parsed);
    return { columns, formats: portal.formats };
  }

  async execute(name: string, maxRows: number, sink: ResultSink): Promise<'complete' | 'suspended'> {
    const portal = this.portals.get(name);
    if (portal === undefined) throw new EngineError(SqlState.undefinedCursor, `portal "${name}" does not exist`);
    const s = portal.statement;
    if (s.parsed === null) {
      sink.emptyQuery();
      return 'complete';
    }
    this.checkNotAborted(s.parsed.ast as Node);
    try {
      if (isPlannable(s.parsed.ast as Node)) return await this.runPortal(portal, maxRows, sink);
      await this.timed(s.sql, 'utility', () => runUtility(this, s.parsed as ParsedStatement, sink, false, portal.params, this.explainedQuery(s)?.plan?.parameterTypes ?? s.declared));
      return 'complete';
    } catch (error) {
      this.failTransaction();
      throw error;
    }
  }

  closeStatement(name: string): void {
    this.statements.delete(name);
  }

  closePortal(name: string): void {
    this.portals.delete(name);
  }

  async sync(): Promise<void> {
    this.portals.delete('');
    if (this.txn !== null && !this.txn.explicit) {
      if (this.txn.failed) await this.rollbackTransaction();
      else await this.commitTransaction();
    }
  }

  failed(): void {
    this.failTransaction();
  }

  // ---- prepared statements by SQL (PREPARE / EXECUTE / DEALLOCATE) ---------------------------

  sqlPrepare(name: string, parsed: ParsedStatement, declared: readonly (SqlType | undefined)[]): void {
    if (this.statements.has(name)) throw new EngineError(SqlState.duplicatePreparedStatement, `prepared statement "${name}" already exists`);
    const statement: PreparedStatement = { sql: parsed.text, parsed, declared, plan: null };
    if (isPlannable(parsed.ast as Node)) this.planFor(statement);
    this.statements.set(name, statement);
  }

  async sqlExecute(name: string, params: readonly Value[], sink: ResultSink, simple: boolean): Promise<void> {
    const statement = this.statement(name);
    const plan = this.planFor(statement);
    if (simple && plan.columns !== null) sink.rowDescription(plan.columns);
    await this.runPortal({ statement, params, formats: [], rows: null, tag: null, sent: 0 }, 0, sink);
  }

  deallocate(name: string | null): void {
    if (name === null) {
      for (const key of [...this.statements.keys()]) if (key !== '') this.statements.delete(key);
      return;
    }
    if (!this.statements.delete(name)) throw new EngineError(SqlState.undefinedPreparedStatement, `prepared statement "${name}" does not exist`);
  }

  preparedNames(): string[] {
    return [...this.statements.keys()].filter((k) => k !== '');
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  cancel(): void {
    if (!this.running) return;
    this.cancelRequested = true;
    this.txn?.cancel(new EngineError(SqlState.queryCanceled, 'canceling statement due to user request'));
  }

  async close(): Promise<void> {
    this.db.sessionClosed(this);
    await this.rollbackTransaction();
    this.advisoryLocks.unlockAll(false);
  }
}

function timeoutError(): EngineError {
  return new EngineError(SqlState.queryCanceled, 'canceling statement due to statement timeout');
}

function metricKind(kind: string): 'select' | 'insert' | 'update' | 'delete' | 'ddl' | 'utility' | 'copy' {
  return kind === 'select' || kind === 'insert' || kind === 'update' || kind === 'delete' || kind === 'ddl' || kind === 'copy' ? kind : 'utility';
}

function sameColumns(a: readonly ResultColumn[], b: readonly ResultColumn[]): boolean {
  return a.length === b.length && a.every((c, i) => c.name === b[i].name && JSON.stringify(c.type) === JSON.stringify(b[i].type));
}

function prepend(first: Row, rest: Iterator<Row>): Iterator<Row> {
  let taken = false;
  return {
    next(): IteratorResult<Row> {
      if (!taken) {
        taken = true;
        return { done: false, value: first };
      }
      return rest.next();
    },
  };
}

