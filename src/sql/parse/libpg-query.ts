/**
 * The one place that talks to libpg-query: PostgreSQL's own parser compiled to WebAssembly.
 * Its module loads asynchronously once (`initParser`); after that every call is synchronous.
 */
import { loadModule, normalizeSync, parseSync } from 'libpg-query';
import type { RawStmt } from './ast.ts';

let loading: Promise<void> | undefined;
let loaded = false;

/**
 * Loads the WebAssembly parser; later calls return the same promise. It also parses and
 * normalizes one statement: the engine compiles WebAssembly functions on first call, which
 * made the first normalize take 0.2–0.6 s and the first parse 0.07–0.13 s on the busy 2-core
 * VM — a cost for startup, not for a client's first query.
 */
export function initParser(): Promise<void> {
  loading ??= loadModule().then(() => {
    parseSync('SELECT 1');
    normalizeSync('SELECT 1');
    loaded = true;
  });
  return loading;
}

function assertLoaded(): void {
  if (!loaded) throw new Error('the SQL parser is not loaded: await initParser() first');
}

/** The statements of `sql` (not empty); throws libpg-query's SqlError for bad syntax. */
export function parseStatements(sql: string): readonly RawStmt[] {
  assertLoaded();
  const result = parseSync(sql) as unknown as { readonly stmts?: readonly RawStmt[] };
  return result.stmts ?? [];
}

/**
 * `sql` (not empty) with its literals replaced by $n (numbered after the highest $n already
 * there); undefined for a syntax error. For the grammar's other errors (`frame start cannot be
 * …`, `unterminated quoted string …`) libpg-query returns the message itself instead.
 */
export function normalizeStatements(sql: string): string | undefined {
  assertLoaded();
  try {
    return normalizeSync(sql);
  } catch {
    return undefined;
  }
}

/** What libpg-query reports about a statement it rejects. */
export interface LibpgQueryError {
  readonly message: string;
  /** 0-based code-point offset into the parsed text; 0 also when PostgreSQL gave no position. */
  readonly cursorPosition: number;
}

export function libpgQueryError(error: unknown): LibpgQueryError | undefined {
  if (!(error instanceof Error)) return undefined;
  const details = (error as { sqlDetails?: { message?: unknown; cursorPosition?: unknown } }).sqlDetails;
  if (details === undefined || typeof details.message !== 'string' || typeof details.cursorPosition !== 'number') return undefined;
  return { message: details.message, cursorPosition: details.cursorPosition };
}
