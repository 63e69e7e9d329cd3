/**
 * pg_catalog and information_schema for this node: the relations `src/sql/system` defines,
 * fed with the node's catalog, settings, sessions and storage sizes; and the reg* types'
 * text forms for this session's search path.
 */
import { mapArray, type ArrayValue } from '../engine/array-value.ts';
import { EngineError, SqlState } from '../engine/errors.ts';
import type { Row, Value } from '../engine/types.ts';
import type { OutputColumn } from '../sql/plan/ir.ts';
import type { CatalogSnapshot } from '../sql/catalog/snapshot.ts';
import type { SqlType } from '../sql/types/sql-type.ts';
import { formatArray } from '../sql/types/array-text.ts';
import {
  regclassIn,
  regclassOut,
  regnamespaceIn,
  regnamespaceOut,
  regprocIn,
  regprocOut,
  regroleIn,
  regroleOut,
  regtypeIn,
  regtypeOut,
  systemRelation,
  type CatalogFunctionContext,
  type NameContext,
  type SystemContext,
  type SystemSchema,
} from '../sql/system/index.ts';
import { SERVER_VERSION } from '../session/settings.ts';
import type { SqlSession } from '../session/session.ts';
import type { SessionTransaction } from '../session/transaction.ts';
import type { Database } from './database.ts';
import { timestampOfMillis } from '../sql/types/calendar.ts';
import { RelationSizes } from './relation-sizes.ts';

const SCHEMAS: readonly SystemSchema[] = ['pg_catalog', 'information_schema'];

function schemasFor(schema: string | undefined): readonly SystemSchema[] {
  if (schema === undefined) return ['pg_catalog'];
  return SCHEMAS.filter((s) => s === schema);
}

export class SystemCatalog {
  private readonly sizes: RelationSizes;

  constructor(private readonly db: Database) {
    this.sizes = new RelationSizes(db.shards, db.shards[0]);
  }

  /** A system relation as the binder sees it: pg_catalog is searched first for unqualified
   * names (as PostgreSQL does), information_schema only when named. */
  relation(schema: string | undefined, name: string): { schema: string; columns: readonly OutputColumn[] } | undefined {
    for (const s of schemasFor(schema)) {
      const found = systemRelation(s, name);
      if (found !== undefined) return { schema: s, columns: found.columns };
    }
    return undefined;
  }

  context(session: SqlSession): SystemContext {
    const db = this.db;
    const sizes = this.sizes;
    const catalog = session.catalogView();
    return {
      catalog,
      currentUser: session.info.user,
      database: session.info.database,
      searchPath: session.settings.get('search_path').split(',').map((s) => s.trim().replace(/^"(.*)"$/, '$1')),
      serverVersion: SERVER_VERSION,
      settings: session.settings.all().map((s) => ({
        name: s.name,
        setting: session.settings.show(s.name),
        unit: null,
        category: s.category,
        shortDesc: s.description,
        context: s.readOnly ? 'internal' : 'user',
        vartype: 'string',
        source: 'default',
      })),
      sessions: () =>
        [...db.activeSessions()].map((other) => ({
          pid: other.pid,
          user: other.info.user,
          application: other.settings.get('application_name'),
          clientAddr: other.info.remoteAddress,
          backendStart: timestampOfMillis(other.startedAt),
          xactStart: other.transaction === null ? null : other.transaction.startedAt,
          queryStart: other.queryStartedAt === 0 ? null : timestampOfMillis(other.queryStartedAt),
          state: other.state,
          query: other.currentQuery,
        })),
      advisoryLocks: () => [...db.activeSessions()].flatMap((other) => [...other.advisoryLocks.locks()].map((lock) => ({ pid: other.pid, ...lock }))),
      tableStats: () => undefined,
      relationSize: (oid) => sizes.relationSize(catalog, oid),
      databaseSize: () => sizes.databaseSize(),
    };
  }

  /** What catalog functions read while `session` runs a statement in `txn`. */
  functionContext(session: SqlSession, txn: SessionTransaction | null): CatalogFunctionContext {
    const base = this.context(session);
    return {
      ...base,
      catalog: txn?.catalogView() ?? base.catalog,
      sessionUser: session.info.user,
      backendPid: session.pid,
      serverStartTime: timestampOfMillis(this.db.startedAt),
      serverAddress: null,
      serverPort: null,
      clientAddress: session.info.remoteAddress === '' ? null : session.info.remoteAddress,
      clientPort: null,
      inRecovery: false,
      timeZone: session.settings.get('TimeZone'),
      setConfig(name, value, isLocal) {
        const { name: canonical } = isLocal ? session.setLocal(name, value) : session.settings.set(name, value);
        return session.settings.show(canonical);
      },
      transactionId: () => BigInt(session.ensureTransaction().on(0).id),
    };
  }

  rows(name: string, session: SqlSession): Iterable<Row> {
    const [schema, relation] = name.split('.') as [SystemSchema, string];
    const found = systemRelation(schema, relation);
    if (found === undefined) throw new EngineError(SqlState.undefinedTable, `relation "${name}" does not exist`);
    return found.rows(this.context(session));
  }

  private names(catalog: CatalogSnapshot, searchPath: readonly string[], user = 'postgres', database = 'postgres'): NameContext {
    return { catalog, currentUser: user, database, searchPath };
  }

  /** The text PostgreSQL prints for an OID-valued type: the object's name for reg* types. */
  catalogText(catalog: CatalogSnapshot, type: SqlType, value: unknown, searchPath: readonly string[]): string {
    const oid = value as number;
    const ctx = this.names(catalog, searchPath);
    switch (type.kind) {
      case 'array': {
        const element = type.element;
        return formatArray(mapArray(value as ArrayValue, (item) => (item === null ? null : this.catalogText(catalog, element, item, searchPath))));
      }
      case 'regclass':
        return regclassOut(oid, ctx);
      case 'regtype':
        return regtypeOut(oid);
      case 'regproc':
        return regprocOut(oid);
      case 'regnamespace':
        return regnamespaceOut(oid, ctx);
      case 'regrole':
        return regroleOut(oid, ctx);
      case 'int2vector':
      case 'oidvector':
        return (value as number[]).join(' ');
      default:
        return String(value as Value);
    }
  }

  /** A parameter's value of an OID-valued type from its text. */
  catalogValue(type: SqlType, text: string, catalog: CatalogSnapshot, searchPath: readonly string[]): Value {
    const ctx = this.names(catalog, searchPath);
    switch (type.kind) {
      case 'regclass':
        return regclassIn(text, ctx);
      case 'regtype':
        return regtypeIn(text, ctx);
      case 'regproc':
        return regprocIn(text);
      case 'regnamespace':
        return regnamespaceIn(text, ctx);
      case 'regrole':
        return regroleIn(text, ctx);
      case 'oid': {
        if (!/^\s*\d+\s*$/.test(text) || Number(text) > 0xffff_ffff) throw new EngineError(SqlState.invalidTextRepresentation, `invalid input syntax for type oid: "${text}"`);
        return Number(text);
      }
      default:
        return text;
    }
  }
}
