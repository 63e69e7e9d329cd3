/**
 * The real PostgreSQL grammar (libpg-query) for the SQL text the catalog keeps: default and
 * CHECK expressions, view queries, and type names given to regtype.
 */
import { loadModule, parseSync } from 'libpg-query';
import { EngineError, SqlState } from '../../engine/errors.ts';
import type { Body, Node } from '../bind/ast.ts';

await loadModule();

function parseSelect(sql: string): Body {
  const statements = parseSync(sql).stmts ?? [];
  const statement = statements[0]?.stmt as Node | undefined;
  if (statements.length !== 1 || statement?.SelectStmt === undefined) throw new EngineError(SqlState.syntaxError, `not a single query: ${sql.slice(0, 60)}`);
  return statement.SelectStmt;
}

function syntaxError(error: unknown, context: string): EngineError {
  const message = error instanceof Error ? error.message : String(error);
  return new EngineError(SqlState.syntaxError, message, { detail: context });
}

/** An expression's parse tree. */
export function parseExpression(sql: string): Node {
  try {
    return parseSelect(`SELECT ${sql}`).targetList[0].ResTarget.val as Node;
  } catch (error) {
    if (error instanceof EngineError) throw error;
    throw syntaxError(error, `invalid expression "${sql}"`);
  }
}

/** A query's SelectStmt body. */
export function parseQuery(sql: string): Body {
  try {
    return parseSelect(sql);
  } catch (error) {
    if (error instanceof EngineError) throw error;
    throw syntaxError(error, `invalid query "${sql.slice(0, 60)}"`);
  }
}

/** A type name's TypeName body, as regtype input reads it ('varchar(10)', 'int4[]'). */
export function parseTypeName(text: string): Body {
  try {
    const target = parseSelect(`SELECT NULL::${text}`).targetList;
    const cast = target.length === 1 && target[0].ResTarget.name === undefined ? (target[0].ResTarget.val as Node).TypeCast : undefined;
    if (cast !== undefined) return cast.typeName;
  } catch {
    // Reported below, as PostgreSQL reports any type name it cannot read.
  }
  throw new EngineError(SqlState.syntaxError, `invalid type name "${text}"`);
}
