/**
 * The database behind a node's front door: its shards, SQL catalog, plan cache, function
 * library and sessions. It is the `QueryEngine` the pg wire server talks to: it decides how a
 * connection authenticates and opens sessions; sessions use it to plan and run statements.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError, SqlState } from '../engine/errors.ts';
import { Shard } from '../engine/shard.ts';
import type { Row, Value } from '../engine/types.ts';
import type { Metrics } from '../ops/observability/metrics.ts';
import type { Logger } from '../ops/observability/logger.ts';
import type { Body, Node } from '../sql/bind/ast.ts';
import type { SqlType } from '../sql/types/sql-type.ts';
import { isColumnType } from '../sql/types/sql-type.ts';
import { binaryRecv, textIn } from '../sql/types/index.ts';
import { sqlTypeFromOid } from '../sql/functions/type-info.ts';
import type { EvalContext } from '../sql/functions/index.ts';
import { SqlCatalog } from '../sql/catalog/store.ts';
import type { CatalogSnapshot } from '../sql/catalog/snapshot.ts';
import { parseSql } from '../sql/parse/index.ts';
import { initParser } from '../sql/parse/index.ts';
import type { AuthenticationMethod, ConnectionInfo, QueryEngine, Session } from '../session/contract.ts';
import { SqlSession } from '../session/session.ts';
import type { SessionTransaction } from '../session/transaction.ts';
import type { PlanEnvironment, PreparedPlan } from '../session/prepare.ts';
import { bindingFunctions, verifierFunctions } from './functions.ts';
import { PlanCache } from './plan-cache.ts';
import { ShardHost } from './shard-host.ts';
import { SequenceStore } from './sequences.ts';
import { AdvisoryLockTable } from './advisory-locks.ts';
import { SystemCatalog } from './system-catalog.ts';
import { translateError } from './errors.ts';
import { sessionEvalContext } from './eval-context.ts';

/** Who needs a password: loopback connections trusted and others SCRAM, or everyone SCRAM. */
export type AuthPolicy = 'trust-loopback' | 'scram-sha-256';

export interface DatabaseOptions {
  readonly dataDir: string;
  readonly shardCount: number;
  readonly auth: AuthPolicy;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly nodeId: string;
  /** The bootstrap superuser created with a new database. */
  readonly superuser?: string;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  await initParser();
  mkdirSync(options.dataDir, { recursive: true });
  const shards: Shard[] = [];
  try {
    for (let i = 0; i < options.shardCount; i++) {
      shards.push(await Shard.open(join(options.dataDir, `shard-${String(i).padStart(2, '0')}`), { durability: 'full' }));
    }
    const catalog = await SqlCatalog.open(shards[0], { superuser: options.superuser ?? 'postgres' });
    return new Database(options, shards, catalog);
  } catch (error) {
    for (const s of shards) await s.close();
    throw error;
  }
}

export class Database implements QueryEngine {
  readonly host: ShardHost;
  readonly plans = new PlanCache<PreparedPlan>(4096);
  readonly planEnvironment: PlanEnvironment;
  readonly system: SystemCatalog;
  readonly sequences: SequenceStore;
  readonly advisoryLocks = new AdvisoryLockTable();
  private readonly sessions = new Set<SqlSession>();
  readonly startedAt = Date.now();

  constructor(
    readonly options: DatabaseOptions,
    readonly shards: readonly Shard[],
    readonly catalog: SqlCatalog,
  ) {
    this.host = new ShardHost(shards, verifierFunctions);
    this.sequences = new SequenceStore(shards[0]);
    this.system = new SystemCatalog(this);
    this.planEnvironment = {
      shardCount: shards.length,
      systemRelation: (schema, name) => this.system.relation(schema, name),
      parseQuery: (sql) => this.parseOne(sql).SelectStmt as Body,
    };
  }

  get metrics(): Metrics {
    return this.options.metrics;
  }

  get logger(): Logger {
    return this.options.logger;
  }

  shardsOpen(): number {
    return this.shards.length;
  }

  activeSessions(): Iterable<SqlSession> {
    return this.sessions;
  }

  /** The one statement of `sql` (for SQL the server writes itself). */
  parseOne(sql: string): Node {
    const [statement] = parseSql(sql);
    return statement.ast as Node;
  }

  // ---- QueryEngine ---------------------------------------------------------------------------

  authenticationFor(info: ConnectionInfo): AuthenticationMethod {
    const role = this.catalog.committed().role(info.user);
    if (this.options.auth === 'trust-loopback' && info.loopback) return { method: 'trust' };
    const verifier = role !== undefined && role.login && role.password !== null ? role.password : undefined;
    return { method: 'scram-sha-256', verifier };
  }

  openSession(info: ConnectionInfo): Session {
    const role = this.catalog.committed().role(info.user);
    if (role === undefined) throw new EngineError(SqlState.invalidAuthorizationSpecification, `role "${info.user}" does not exist`, { fatal: true });
    if (!role.login) throw new EngineError(SqlState.invalidAuthorizationSpecification, `role "${info.user}" is not permitted to log in`, { fatal: true });
    const session = new SqlSession(this, info);
    this.sessions.add(session);
    return session;
  }

  sessionClosed(session: SqlSession): void {
    this.sessions.delete(session);
  }

  // ---- services for sessions -----------------------------------------------------------------

  functionsFor(session: SqlSession) {
    return bindingFunctions(() => session.evalContext(session.transaction));
  }

  evalContext(session: SqlSession, txn: SessionTransaction | null): EvalContext {
    return sessionEvalContext(this, session, txn);
  }

  systemRows(name: string, session: SqlSession): Iterable<Row> {
    return this.system.rows(name, session);
  }

  catalogText(catalog: CatalogSnapshot, type: SqlType, value: unknown, searchPath: readonly string[]): string {
    return this.system.catalogText(catalog, type, value, searchPath);
  }

  translateError(error: unknown, catalog: CatalogSnapshot): unknown {
    return translateError(error, catalog);
  }

  typeOfOid(oid: number): SqlType {
    const type = sqlTypeFromOid(oid);
    if (type === undefined) throw new EngineError(SqlState.undefinedObject, `type with OID ${oid} does not exist`);
    return type;
  }

  /** A Bind parameter's value from its text or binary form. */
  decodeParameter(session: SqlSession, type: SqlType, raw: Uint8Array, format: 0 | 1, n: number): Value {
    const timeZone = session.settings.get('TimeZone');
    try {
      if (format === 1) {
        if (!isColumnType(type)) throw new EngineError(SqlState.featureNotSupported, `binary format for parameters of type ${type.kind} is not supported`);
        return binaryRecv(type, raw);
      }
      const text = Buffer.from(raw).toString('utf8');
      if (!isColumnType(type)) return this.system.catalogValue(type, text, session.catalogView(), session.searchPath());
      return textIn(type, text, timeZone);
    } catch (error) {
      if (error instanceof EngineError) {
        throw new EngineError(error.code, error.message, { detail: error.detail ?? `unnamed portal parameter $${n}` });
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    for (const session of [...this.sessions]) await session.close();
    for (const shard of this.shards) await shard.close();
  }
}
