/**
 * The SQL front end's first step: text → parse trees.
 *
 *   await initParser();                       // once per process: loads PostgreSQL's parser (WASM)
 *   const statements = parseSql(sql);         // synchronous; [] for '' or only comments
 *   for (const { text, location, ast } of statements) switch (nodeKind(ast)) { … }
 *
 * PostgreSQL's grammar parses PostgreSQL SQL (libpg-query); ScratchBird's grammar (grammar/)
 * adds SWEEP and `PARTITION BY (cols)`; `replicationOptions` reads and checks the replication
 * options of CREATE TABLE. Parse trees are described in ./ast.ts.
 */
export { initParser } from './libpg-query.ts';
export { parseSql, type ParsedStatement } from './parse-sql.ts';
export { replicationOptions, type ReplicationMode, type ReplicationSettings, type TableOptions } from './replication-options.ts';
export { statementCacheKey } from './normalize.ts';
export * from './ast.ts';
