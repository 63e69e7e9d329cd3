/**
 * PostgreSQL's convenience views over the catalogs (pg_tables, pg_views, pg_indexes,
 * pg_sequences, pg_matviews), and the ones over server state: pg_settings, pg_stat_activity,
 * pg_stat_user_tables, pg_locks (advisory locks only: ScratchBird's row waits are not
 * PostgreSQL locks).
 *
 * pg_views lists the system views too, as PostgreSQL does, but with a NULL definition: their
 * rows are computed, there is no SQL behind them.
 */
import { DATABASE_OID } from '../../catalog/model.ts';
import type { SystemContext } from '../context.ts';
import { indexDefinition, viewDefinition } from '../definitions.ts';
import type { PrintContext } from '../expression/stored.ts';
import { T } from '../expression/typed.ts';
import { allRelations, namespaceName, roleById, tables } from '../lookup.ts';
import { noRows, count, type RowObject, type RowSources } from './rows.ts';

/** The session's TimeZone, for printing timestamptz constants in view definitions. */
export function printContext(ctx: SystemContext): PrintContext {
  let timeZone = 'UTC';
  for (const setting of ctx.settings) if (setting.name.toLowerCase() === 'timezone') timeZone = setting.display ?? setting.setting;
  return { ...ctx, timeZone };
}

function ownerName(ctx: SystemContext, oid: number): string | null {
  return roleById(ctx.catalog, oid)?.name ?? null;
}

function schemaOf(ctx: SystemContext, namespace: number): string | null {
  return namespaceName(ctx.catalog, namespace) ?? null;
}

function* pgTables(ctx: SystemContext): Iterable<RowObject> {
  const referenced = new Set<number>();
  for (const table of tables(ctx.catalog)) for (const key of table.foreignKeys) referenced.add(key.refTable);
  for (const relation of allRelations(ctx.catalog)) {
    if (relation.kind === 'system' && relation.system.kind === 'r') {
      yield { schemaname: 'pg_catalog', tablename: relation.name, tableowner: ownerName(ctx, 10), tablespace: null, hasindexes: false, hasrules: false, hastriggers: false, rowsecurity: false };
    }
    if (relation.kind !== 'table') continue;
    const table = relation.table;
    yield {
      schemaname: schemaOf(ctx, table.namespace), tablename: table.name, tableowner: ownerName(ctx, table.owner), tablespace: null,
      hasindexes: table.indexes.length > 0, hasrules: false, hastriggers: table.foreignKeys.length > 0 || referenced.has(table.oid), rowsecurity: false,
    };
  }
}

function* pgViews(ctx: SystemContext): Iterable<RowObject> {
  const print = printContext(ctx);
  for (const relation of allRelations(ctx.catalog)) {
    if (relation.kind === 'system' && relation.system.kind === 'v') {
      yield { schemaname: relation.system.schema, viewname: relation.name, viewowner: ownerName(ctx, 10), definition: null };
    }
    if (relation.kind !== 'view') continue;
    yield { schemaname: schemaOf(ctx, relation.namespace), viewname: relation.name, viewowner: ownerName(ctx, relation.view.owner), definition: viewDefinition(print, relation.view, false) };
  }
}

function* pgIndexes(ctx: SystemContext): Iterable<RowObject> {
  for (const table of tables(ctx.catalog)) {
    for (const index of table.indexes) {
      yield { schemaname: schemaOf(ctx, table.namespace), tablename: table.name, indexname: index.name, tablespace: null, indexdef: indexDefinition(ctx, table, index) };
    }
  }
}

function* pgSequences(ctx: SystemContext): Iterable<RowObject> {
  for (const relation of allRelations(ctx.catalog)) {
    if (relation.kind !== 'sequence') continue;
    const s = relation.sequence;
    yield {
      schemaname: schemaOf(ctx, s.namespace), sequencename: s.name, sequenceowner: ownerName(ctx, s.owner),
      data_type: s.type === 'int2' ? T.int2 : s.type === 'int4' ? T.int4 : T.int8,
      start_value: BigInt(s.start), min_value: BigInt(s.min), max_value: BigInt(s.max), increment_by: BigInt(s.increment),
      cycle: s.cycle, cache_size: BigInt(s.cache), last_value: ctx.sequenceLastValue?.(s.oid) ?? null,
    };
  }
}

function* pgSettings(ctx: SystemContext): Iterable<RowObject> {
  for (const s of ctx.settings) {
    yield {
      name: s.name, setting: s.setting, unit: s.unit ?? null, category: s.category, short_desc: s.shortDesc, extra_desc: s.extraDesc ?? null,
      context: s.context, vartype: s.vartype, source: s.source, min_val: s.minVal ?? null, max_val: s.maxVal ?? null,
      enumvals: s.enumVals ?? null, boot_val: s.bootVal ?? null, reset_val: s.resetVal ?? null, sourcefile: null, sourceline: null,
      pending_restart: s.pendingRestart ?? false,
    };
  }
}

function* pgStatActivity(ctx: SystemContext): Iterable<RowObject> {
  for (const session of ctx.sessions()) {
    yield {
      datid: DATABASE_OID, datname: ctx.database, pid: session.pid, leader_pid: null, usesysid: ctx.catalog.role(session.user)?.oid ?? null,
      usename: session.user, application_name: session.application, client_addr: session.clientAddr, client_hostname: null,
      client_port: session.clientPort ?? (session.clientAddr === null ? -1 : null), backend_start: session.backendStart,
      xact_start: session.xactStart, query_start: session.queryStart, state_change: session.stateChange ?? null,
      wait_event_type: session.waitEventType ?? null, wait_event: session.waitEvent ?? null, state: session.state,
      backend_xid: null, backend_xmin: null, query_id: null, query: session.query, backend_type: 'client backend',
    };
  }
}

function* pgLocks(ctx: SystemContext): Iterable<RowObject> {
  for (const lock of ctx.advisoryLocks()) {
    yield {
      locktype: 'advisory', database: DATABASE_OID, relation: null, page: null, tuple: null, virtualxid: null, transactionid: null,
      classid: lock.classid, objid: lock.objid, objsubid: lock.objsubid, virtualtransaction: null, pid: lock.pid,
      mode: lock.mode, granted: lock.granted, fastpath: false, waitstart: null,
    };
  }
}

function* pgStatUserTables(ctx: SystemContext): Iterable<RowObject> {
  for (const table of tables(ctx.catalog)) {
    const stats = ctx.tableStats(table.oid);
    const indexed = table.indexes.length > 0;
    yield {
      relid: table.oid, schemaname: schemaOf(ctx, table.namespace), relname: table.name,
      seq_scan: count(stats?.seqScans), seq_tup_read: count(stats?.seqRowsRead),
      idx_scan: indexed ? count(stats?.indexScans) : null, idx_tup_fetch: indexed ? count(stats?.indexRowsFetched) : null,
      n_tup_ins: count(stats?.inserted), n_tup_upd: count(stats?.updated), n_tup_del: count(stats?.deleted), n_tup_hot_upd: 0n,
      n_live_tup: count(stats?.liveRows), n_dead_tup: count(stats?.deadRows), n_mod_since_analyze: count(stats?.modifiedSinceAnalyze),
      n_ins_since_vacuum: count(stats?.insertedSinceSweep), last_vacuum: stats?.lastSweep ?? null, last_autovacuum: stats?.lastAutoSweep ?? null,
      last_analyze: null, last_autoanalyze: null, vacuum_count: count(stats?.sweeps), autovacuum_count: count(stats?.autoSweeps),
      analyze_count: 0n, autoanalyze_count: 0n,
    };
  }
}

export const SYSTEM_VIEWS: RowSources = {
  'pg_catalog.pg_tables': pgTables,
  'pg_catalog.pg_views': pgViews,
  'pg_catalog.pg_indexes': pgIndexes,
  'pg_catalog.pg_sequences': pgSequences,
  'pg_catalog.pg_matviews': noRows,
  'pg_catalog.pg_settings': pgSettings,
  'pg_catalog.pg_stat_activity': pgStatActivity,
  'pg_catalog.pg_stat_user_tables': pgStatUserTables,
  'pg_catalog.pg_locks': pgLocks,
};
