/**
 * SQL text → statements. PostgreSQL's grammar (libpg-query) parses the whole string first; only
 * when it refuses does the string go through ScratchBird's grammar (grammar/), which splits it
 * into statements, parses SWEEP itself, rewrites a bare `PARTITION BY (cols)` into
 * `PARTITION BY HASH (cols)`, and hands every PostgreSQL statement back to libpg-query alone.
 * A string with no ScratchBird syntax in it gets PostgreSQL's own error.
 *
 * Every position in the result — `location` of a statement and of every node — is a code-point
 * offset into the whole string, the unit PostgreSQL reports positions in.
 */
import {
  barePartitionKey,
  GrammarSyntaxError,
  isSweep,
  parseSweep,
  splitStatements,
  type StatementTokens,
  type SweepSyntax,
} from '../../../grammar/scratchbird.ts';
import { EngineError } from '../../engine/errors.ts';
import { nodeAs, type PgNode, type RawStmt } from './ast.ts';
import { libpgQueryError, parseStatements } from './libpg-query.ts';
import { relocate, SourceText } from './source-text.ts';
import { grammarError, insideEscapeString, parserFailure, syntaxErrorNear } from './syntax-errors.ts';

export interface ParsedStatement {
  /** The statement's own text: from its first token to its `;` (or the end), trailing
   * whitespace removed; comments inside or after it are kept. */
  readonly text: string;
  /** Code-point offset of the statement in the whole string. */
  readonly location: number;
  readonly ast: PgNode;
}

/** The statements of `sql`, none for an empty or comment-only string. Throws EngineError
 * 42601 (or the grammar's other codes) with PostgreSQL's message and position. */
export function parseSql(sql: string): ParsedStatement[] {
  if (sql === '') return [];
  const whole = new SourceText(sql);
  let statements: readonly RawStmt[];
  try {
    statements = parseStatements(sql);
  } catch (error) {
    return parseWithScratchBirdGrammar(whole, error);
  }
  return statements.map((raw) => wholeStringStatement(whole, raw));
}

function wholeStringStatement(whole: SourceText, raw: RawStmt): ParsedStatement {
  const startByte = raw.stmt_location ?? 0;
  const start = whole.unitOfByte(startByte);
  const end = raw.stmt_len ? whole.unitOfByte(startByte + raw.stmt_len) : whole.text.length;
  if (!whole.ascii) relocate(raw.stmt, (byte) => whole.codePointOfByte(byte));
  return { text: trimEnd(whole.text.slice(start, end)), location: whole.codePointOfByte(startByte), ast: raw.stmt };
}

function parseWithScratchBirdGrammar(whole: SourceText, postgresError: unknown): ParsedStatement[] {
  const statements = splitStatements(whole.text);
  const ours = statements.some((statement) => isSweep(statement) || barePartitionKey(statement) !== undefined);
  if (!ours) throw wholeStringError(whole, postgresError);
  return statements.flatMap((statement) => parseStatement(whole, statement));
}

function wholeStringError(whole: SourceText, error: unknown): EngineError {
  const rejected = libpgQueryError(error);
  if (rejected === undefined) return parserFailure(error);
  const cursor = rejected.cursorPosition;
  return grammarError(rejected.message, cursor + 1, () => insideEscapeString(whole.text, whole.unitOfCodePoint(cursor)));
}

function parseStatement(whole: SourceText, statement: StatementTokens): ParsedStatement[] {
  if (isSweep(statement)) return [sweepStatement(whole, statement)];
  const key = barePartitionKey(statement);
  const edit = key === undefined ? undefined : { at: key, remove: 0, insert: ' HASH ' };
  return parsePostgresText(whole, statement, edit).map(({ ast, start, end }) => ({
    text: trimEnd(whole.text.slice(start, end)),
    location: whole.codePointOfUnit(start),
    ast,
  }));
}

/** SWEEP's target is read by PostgreSQL's grammar as `TABLE name` (same length as `SWEEP`),
 * so quoting, case folding, reserved words and their errors are PostgreSQL's. */
function sweepStatement(whole: SourceText, statement: StatementTokens): ParsedStatement {
  const syntax = sweepSyntax(whole, statement);
  const location = whole.codePointOfUnit(statement.start);
  const text = trimEnd(whole.text.slice(statement.start, statement.end));
  if (syntax.table === undefined) return { text, location, ast: { SweepStmt: {} } };
  const [parsed] = parsePostgresText(whole, statement, { at: statement.start, remove: 'SWEEP'.length, insert: 'TABLE' });
  const relation = nodeAs(nodeAs(parsed.ast, 'SelectStmt')?.fromClause?.[0], 'RangeVar');
  if (relation === undefined) throw parserFailure(new Error(`SWEEP target parsed as ${JSON.stringify(parsed.ast)}`));
  return { text, location, ast: { SweepStmt: { relation } } };
}

function sweepSyntax(whole: SourceText, statement: StatementTokens): SweepSyntax {
  try {
    return parseSweep(statement);
  } catch (error) {
    if (!(error instanceof GrammarSyntaxError)) throw error;
    throw error.offset === undefined ? endOfStatementError(whole, statement) : syntaxErrorNear(error.near, whole.codePointOfUnit(error.offset) + 1);
  }
}

/** A change to the statement's text before libpg-query reads it (UTF-16 offsets into the whole). */
interface TextEdit {
  readonly at: number;
  readonly remove: number;
  readonly insert: string;
}

interface PostgresStatement {
  readonly ast: PgNode;
  /** UTF-16 span in the whole string. */
  readonly start: number;
  readonly end: number;
}

/**
 * Parses one statement's text with libpg-query and maps every position back to the whole
 * string. The text gets a leading space so that no node sits at position 0, which libpg-query
 * would leave out of its JSON and `relocate` could then not move.
 */
function parsePostgresText(whole: SourceText, statement: StatementTokens, edit: TextEdit | undefined): PostgresStatement[] {
  const { start, end } = statement;
  const original = whole.text.slice(start, end);
  const editAt = edit === undefined ? 0 : edit.at - start;
  const edited = edit === undefined ? original : original.slice(0, editAt) + edit.insert + original.slice(editAt + edit.remove);
  const parsed = new SourceText(' ' + edited);
  /** A UTF-16 offset in `parsed` → the UTF-16 offset in the whole string. */
  const toWhole = (unit: number): number => {
    const offset = unit - 1;
    if (edit === undefined || offset < editAt) return start + offset;
    if (offset >= editAt + edit.insert.length) return start + offset - edit.insert.length + edit.remove;
    return start + editAt + Math.min(offset - editAt, edit.remove);
  };
  let raws: readonly RawStmt[];
  try {
    raws = parseStatements(parsed.text);
  } catch (error) {
    throw pieceError(whole, statement, parsed, toWhole, error);
  }
  return raws.map((raw) => {
    relocate(raw.stmt, (byte) => whole.codePointOfUnit(toWhole(parsed.unitOfByte(byte))));
    const startByte = raw.stmt_location ?? 0;
    return {
      ast: raw.stmt,
      start: toWhole(parsed.unitOfByte(startByte)),
      end: raw.stmt_len ? toWhole(parsed.unitOfByte(startByte + raw.stmt_len)) : end,
    };
  });
}

function pieceError(whole: SourceText, statement: StatementTokens, parsed: SourceText, toWhole: (unit: number) => number, error: unknown): EngineError {
  const rejected = libpgQueryError(error);
  if (rejected === undefined) return parserFailure(error);
  // PostgreSQL reads the whole string: where this statement's text ends, it sees the `;`.
  if (rejected.message === 'syntax error at end of input') return endOfStatementError(whole, statement);
  const unit = toWhole(parsed.unitOfCodePoint(rejected.cursorPosition));
  return grammarError(rejected.message, whole.codePointOfUnit(unit) + 1, () => insideEscapeString(whole.text, unit));
}

function endOfStatementError(whole: SourceText, statement: StatementTokens): EngineError {
  const atSemicolon = statement.end < whole.text.length;
  return syntaxErrorNear(atSemicolon ? ';' : undefined, whole.codePointOfUnit(statement.end) + 1);
}

/** Without the trailing whitespace PostgreSQL's scanner skips (not JavaScript's wider set). */
function trimEnd(text: string): string {
  let end = text.length;
  while (end > 0 && ' \t\n\r\f\v'.includes(text[end - 1])) end--;
  return text.slice(0, end);
}
