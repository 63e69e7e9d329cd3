/**
 * What running expressions may ask of a session: its settings, the transaction's and the
 * statement's start, and the catalog's names for the reg* types.
 */
import type { CatalogNames, EvalContext } from '../sql/functions/index.ts';
import type { CatalogSnapshot } from '../sql/catalog/snapshot.ts';
import type { CatalogFunctionContext } from '../sql/system/index.ts';
import type { SqlSession } from '../session/session.ts';
import type { SessionTransaction } from '../session/transaction.ts';
import type { Database } from './database.ts';
import type { SequenceEvalContext } from './sequences.ts';

const EPOCH_2000_MS = 946_684_800_000;

function micros(ms: number): bigint {
  return BigInt(ms - EPOCH_2000_MS) * 1000n;
}

export function catalogNames(db: Database, catalog: CatalogSnapshot, searchPath: readonly string[]): CatalogNames {
  return {
    relationOid(name) {
      const [schema, rel] = name.length > 1 ? [name[name.length - 2], name[name.length - 1]] : [undefined, name[0]];
      return catalog.findRelation(schema, rel, searchPath)?.oid ?? db.system.relationOid(schema, rel);
    },
    relationName(oid) {
      const object = catalog.get(oid);
      if (object === undefined || object.kind === 'namespace' || object.kind === 'role') return db.system.relationNameOf(oid);
      const visible = catalog.findRelation(undefined, object.name, searchPath)?.oid === oid;
      const ns = catalog.get(object.namespace);
      return visible || ns === undefined ? quoteIdent(object.name) : `${quoteIdent(ns.name)}.${quoteIdent(object.name)}`;
    },
    typeOid: () => undefined,
    typeName: () => undefined,
    functionOid: () => undefined,
    functionName: () => undefined,
    namespaceOid: (name) => catalog.namespace(name)?.oid,
    namespaceName: (oid) => {
      const o = catalog.get(oid);
      return o?.kind === 'namespace' ? quoteIdent(o.name) : undefined;
    },
    roleOid: (name) => catalog.role(name)?.oid,
    roleName: (oid) => {
      const o = catalog.get(oid);
      return o?.kind === 'role' ? quoteIdent(o.name) : undefined;
    },
  };
}

function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

export function sessionEvalContext(db: Database, session: SqlSession, txn: SessionTransaction | null): SequenceEvalContext {
  const catalog = txn?.catalogView() ?? db.catalog.committed();
  const searchPath = session.searchPath().filter((s) => catalog.namespace(s) !== undefined);
  const statementAt = micros(session.queryStartedAt || Date.now());
  let catalogFunctions: CatalogFunctionContext | undefined;
  return {
    timeZone: session.settings.get('TimeZone'),
    transactionTimestamp: txn?.startedAt ?? statementAt,
    statementTimestamp: statementAt,
    clockTimestamp: () => micros(Date.now()),
    currentUser: session.info.user,
    sessionUser: session.info.user,
    currentDatabase: session.info.database,
    searchPath,
    catalog: catalogNames(db, catalog, searchPath),
    setting: (name) => {
      try {
        return session.settings.show(name);
      } catch {
        return undefined;
      }
    },
    random: Math.random,
    sequences: session.sequences,
    catalogFunctionContext: () => (catalogFunctions ??= db.system.functionContext(session, txn)),
  };
}
