/**
 * What running expressions may ask of a session: its settings, the transaction's and the
 * statement's start, and the catalog's names for the reg* types.
 */
import type { CatalogNames } from '../sql/functions/index.ts';
import { catalogNames, type CatalogFunctionContext } from '../sql/system/index.ts';
import type { SqlSession } from '../session/session.ts';
import type { SessionTransaction } from '../session/transaction.ts';
import type { Database } from './database.ts';
import { timestampOfMillis } from '../sql/types/calendar.ts';
import type { SequenceEvalContext } from './sequences.ts';
import type { AdvisoryLockEvalContext } from './advisory-locks.ts';

/**
 * The statement's start and the session's transaction are read when asked, so one context
 * serves statement after statement while the catalog, the search path and the time zone stay
 * the same (the session keeps it that long).
 */
export function sessionEvalContext(db: Database, session: SqlSession, txn: SessionTransaction | null): SequenceEvalContext & AdvisoryLockEvalContext {
  const catalog = txn?.catalogView() ?? db.catalog.committed();
  const searchPath = session.searchPath().filter((s) => catalog.namespace(s) !== undefined);
  const statementAt = (): bigint => timestampOfMillis(session.queryStartedAt || Date.now());
  let catalogFunctions: { readonly txn: SessionTransaction | null; readonly context: CatalogFunctionContext } | undefined;
  let names: CatalogNames | undefined;
  return {
    timeZone: session.settings.get('TimeZone'),
    get transactionTimestamp() {
      return session.transaction?.startedAt ?? statementAt();
    },
    get statementTimestamp() {
      return statementAt();
    },
    clockTimestamp: () => timestampOfMillis(Date.now()),
    currentUser: session.info.user,
    sessionUser: session.info.user,
    currentDatabase: session.info.database,
    searchPath,
    // Made on first use: it is a dozen closures, and few statements look names up.
    get catalog() {
      return (names ??= catalogNames({ catalog, currentUser: session.info.user, database: session.info.database, searchPath }));
    },
    setting: (name) => {
      try {
        return session.settings.show(name);
      } catch {
        return undefined;
      }
    },
    random: Math.random,
    sequences: session.sequences,
    advisoryLocks: session.advisoryLocks,
    catalogFunctionContext: () => {
      const current = session.transaction;
      if (catalogFunctions?.txn !== current) catalogFunctions = { txn: current, context: db.system.functionContext(session, current) };
      return catalogFunctions.context;
    },
  };
}
