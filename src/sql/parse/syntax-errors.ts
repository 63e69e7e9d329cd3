/**
 * Errors for statements the grammar rejects, as PostgreSQL 15 reports them: its message, its
 * SQLSTATE and hint (libpg-query keeps only the message, so the few grammar errors that are not
 * 42601 or carry a hint are recognised here by message), and the 1-based character position in
 * the whole query string.
 */
import { tokenMatcher } from 'chevrotain';
import { EscapeString, tokenize } from '../../../grammar/lexer.ts';
import { EngineError, SqlState } from '../../engine/errors.ts';

interface KnownError {
  readonly message: RegExp;
  readonly code: string;
  readonly hint?: string;
  /** PostgreSQL 15 reports no position for it (libpg-query's newer grammar does). */
  readonly positionless?: true;
}

const knownErrors: readonly KnownError[] = [
  { message: /^frame (start|end|starting) /, code: SqlState.windowingError },
  { message: /^LIMIT #,# syntax is not supported$/, code: SqlState.syntaxError, hint: 'Use separate LIMIT and OFFSET clauses.' },
  { message: / constraints cannot be marked /, code: SqlState.featureNotSupported, positionless: true },
  { message: /^CREATE ASSERTION is not yet implemented$/, code: SqlState.featureNotSupported, positionless: true },
  { message: /^MATCH PARTIAL not yet implemented$|^a column list with SET (NULL|DEFAULT) is only supported for ON DELETE actions$/, code: SqlState.featureNotSupported },
  { message: /^role name ".*" is reserved$| cannot be used as a role name here$/, code: SqlState.reservedName },
  {
    message: /^(WITH TIES cannot be specified without ORDER BY clause|SKIP LOCKED and WITH TIES options cannot be used together)$/,
    code: SqlState.syntaxError,
    positionless: true,
  },
];

/**
 * The error for a message from PostgreSQL's grammar. `position` is 1-based in the whole query;
 * `escapeStringAt` says whether the position falls inside an E'…' string (one message,
 * "invalid Unicode escape", has a different code and hint there than in U&'…').
 */
export function grammarError(message: string, position: number | undefined, escapeStringAt: () => boolean): EngineError {
  if (message === 'invalid Unicode escape') {
    return escapeStringAt()
      ? new EngineError(SqlState.invalidEscapeSequence, message, { position, hint: 'Unicode escapes must be \\uXXXX or \\UXXXXXXXX.' })
      : new EngineError(SqlState.syntaxError, message, { position, hint: 'Unicode escapes must be \\XXXX or \\+XXXXXX.' });
  }
  const known = knownErrors.find((candidate) => candidate.message.test(message));
  if (known === undefined) return new EngineError(SqlState.syntaxError, message, { position });
  return new EngineError(known.code, message, { position: known.positionless ? undefined : position, hint: known.hint });
}

/** Whether the UTF-16 offset `at` of `text` lies inside an E'…' string. */
export function insideEscapeString(text: string, at: number): boolean {
  return tokenize(text).some((token) => tokenMatcher(token, EscapeString) && token.startOffset <= at && at < token.startOffset + token.image.length);
}

/** `syntax error at or near "x"`, or `… at end of input` when there is no token. */
export function syntaxErrorNear(near: string | undefined, position: number): EngineError {
  const message = near === undefined ? 'syntax error at end of input' : `syntax error at or near "${near}"`;
  return new EngineError(SqlState.syntaxError, message, { position });
}

/** A failure of the parser itself rather than a verdict on the SQL. */
export function parserFailure(error: unknown): EngineError {
  const message = error instanceof Error ? error.message : String(error);
  return new EngineError(SqlState.internalError, `SQL parser failed: ${message}`, { cause: error });
}
