/**
 * Parse trees of recently seen query strings: a client that sends the same text again (BEGIN,
 * COMMIT, a statement it re-prepares, a query it polls) skips PostgreSQL's parser. Parse trees
 * are immutable and shared (sql/parse/ast.ts), and depend on nothing but the text, so one cache
 * serves every session. Strings that fail to parse are not kept: they throw each time.
 */
import { RecencyCache } from '../coordinator/recency-cache.ts';
import { parseSql, type ParsedStatement } from '../sql/parse/index.ts';

/** Longer strings are parsed every time: they are rarely repeated verbatim and big to keep. */
const MAX_CACHED_LENGTH = 4096;

class ParseCache {
  private readonly entries: RecencyCache<readonly ParsedStatement[]>;

  constructor(limit: number) {
    this.entries = new RecencyCache(limit);
  }

  /** The statements of `sql` if they are cached (no parse otherwise). */
  cached(sql: string): readonly ParsedStatement[] | undefined {
    return sql.length > MAX_CACHED_LENGTH ? undefined : this.entries.get(sql);
  }

  parse(sql: string): readonly ParsedStatement[] {
    if (sql.length > MAX_CACHED_LENGTH) return parseSql(sql);
    const hit = this.entries.get(sql);
    if (hit !== undefined) return hit;
    const statements = parseSql(sql);
    this.entries.set(sql, statements);
    return statements;
  }
}

/** The process's cache: what it holds depends only on the text. */
export const parsedStatements = new ParseCache(1024);
