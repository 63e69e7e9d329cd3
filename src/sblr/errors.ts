/**
 * How the SBLR verifier says no. Three outcomes a caller must tell apart:
 *
 * - 42000 "invalid SBLR program: …": the bytes are not a well-formed, well-typed program for
 *   this site. The shard never runs it; for the coordinator it means a planner bug (or an
 *   attack) and is reported, not retried.
 * - 0A000 "schema changed: …": a table the program names is missing or at another schema
 *   version than the plan was made against. PostgreSQL reports a prepared statement whose
 *   tables changed shape with 0A000 ("cached plan must not change result type"); here the
 *   coordinator catches it (`isSchemaChanged`), drops the cached plan and plans again.
 * - 54000 / 54001: a resource limit (size, element count / nesting depth) was exceeded, as
 *   PostgreSQL's program_limit_exceeded and statement_too_complex.
 */
import { EngineError, SqlState } from '../engine/errors.ts';

export const INVALID_PROGRAM = 'invalid SBLR program: ';
export const SCHEMA_CHANGED = 'schema changed: ';

/** `at`: the byte offset of the instruction or field at fault. */
export function invalidProgram(reason: string, at?: number): EngineError {
  return new EngineError(SqlState.syntaxErrorOrAccessRuleViolation, `${INVALID_PROGRAM}${reason}${at === undefined ? '' : ` (at byte ${at})`}`);
}

export function schemaChanged(reason: string): EngineError {
  return new EngineError(SqlState.featureNotSupported, `${SCHEMA_CHANGED}${reason}`, {
    hint: 'The statement was planned against an older definition; plan it again.',
  });
}

export function isSchemaChanged(error: unknown): boolean {
  return error instanceof EngineError && error.code === SqlState.featureNotSupported && error.message.startsWith(SCHEMA_CHANGED);
}

export function tooLarge(reason: string): EngineError {
  return new EngineError(SqlState.programLimitExceeded, `SBLR program too large: ${reason}`);
}

export function tooComplex(reason: string): EngineError {
  return new EngineError(SqlState.statementTooComplex, `SBLR program too complex: ${reason}`);
}

/** The encoder was handed a plan the format cannot carry: a bug in the layer above. */
export function unencodable(reason: string): EngineError {
  return new EngineError(SqlState.internalError, `cannot encode SBLR program: ${reason}`);
}
