/**
 * ScratchBird's own SQL, the part PostgreSQL's grammar does not know:
 *
 *   SWEEP [ qualified_name ]                         garbage-collect one table or all of them
 *   CREATE TABLE … PARTITION BY ( key [, …] )        a distribution key without a strategy
 *
 * and the statement splitter that lets a multi-statement string mix these with PostgreSQL SQL.
 * `WITH (replication_mode = …)` needs no grammar: PostgreSQL parses it as table options.
 * Everything else is PostgreSQL's grammar (libpg-query), so this file only recognises, it does
 * not reimplement: a SWEEP target and a bare partition key are handed back as text spans for
 * PostgreSQL's parser to read with its own identifier and expression rules.
 *
 * Offsets are UTF-16 indexes into the string given to `splitStatements`.
 */
import { EmbeddedActionsParser, EOF, tokenMatcher, type IRecognitionException, type IToken } from 'chevrotain';
import { allTokens, Dot, Identifier, Keyword, LParen, QuotedIdentifier, RParen, Semicolon, tokenize } from './lexer.ts';

/** One statement of a multi-statement string. */
export interface StatementTokens {
  readonly tokens: readonly IToken[];
  /** Offset of its first token. */
  readonly start: number;
  /** Offset of the `;` that ends it, or the input's length for the last one. */
  readonly end: number;
}

/**
 * Splits at top-level semicolons as psql does: not inside parentheses, strings, quoted
 * identifiers, comments or dollar quotes, nor inside the BEGIN … END body of a
 * `CREATE [OR REPLACE] FUNCTION|PROCEDURE` (PostgreSQL 14's SQL-standard bodies). Statements
 * without tokens (`;;`, a lone comment) are dropped.
 */
export function splitStatements(sql: string): StatementTokens[] {
  const statements: StatementTokens[] = [];
  let current: IToken[] = [];
  let parenDepth = 0;
  let beginDepth = 0;
  let routine = false;
  for (const token of tokenize(sql)) {
    if (tokenMatcher(token, Semicolon) && parenDepth === 0 && beginDepth === 0) {
      if (current.length > 0) statements.push({ tokens: current, start: current[0].startOffset, end: token.startOffset });
      current = [];
      routine = false;
      continue;
    }
    current.push(token);
    if (tokenMatcher(token, LParen)) parenDepth++;
    else if (tokenMatcher(token, RParen)) parenDepth = Math.max(0, parenDepth - 1);
    else if (current.length <= 4 && !routine) routine = startsRoutine(current);
    else if (routine && parenDepth === 0) beginDepth = nextBeginDepth(token, beginDepth);
  }
  if (current.length > 0) statements.push({ tokens: current, start: current[0].startOffset, end: sql.length });
  return statements;
}

/** CREATE FUNCTION, CREATE PROCEDURE, CREATE OR REPLACE FUNCTION|PROCEDURE. */
function startsRoutine(tokens: readonly IToken[]): boolean {
  if (!tokenMatcher(tokens[0], Keyword.create)) return false;
  const routineWord = (token: IToken | undefined) =>
    token !== undefined && (tokenMatcher(token, Keyword.function) || tokenMatcher(token, Keyword.procedure));
  if (routineWord(tokens[1])) return true;
  return tokens.length >= 4 && tokenMatcher(tokens[1], Keyword.or) && tokenMatcher(tokens[2], Keyword.replace) && routineWord(tokens[3]);
}

/** psql's heuristic: BEGIN opens a block, CASE nests inside one, END closes either. */
function nextBeginDepth(token: IToken, depth: number): number {
  if (tokenMatcher(token, Keyword.begin)) return depth + 1;
  if (tokenMatcher(token, Keyword.case)) return depth > 0 ? depth + 1 : depth;
  if (tokenMatcher(token, Keyword.end)) return Math.max(0, depth - 1);
  return depth;
}

/** A syntax error in ScratchBird's grammar: the token it was found at, or the end of input. */
export class GrammarSyntaxError extends Error {
  /** Offset of the offending token; undefined at the end of the input. */
  readonly offset: number | undefined;
  /** The offending token's text; undefined at the end of the input. */
  readonly near: string | undefined;

  constructor(token: IToken) {
    const atEnd = token.tokenType === EOF;
    super(atEnd ? 'syntax error at end of input' : `syntax error at or near "${token.image}"`);
    this.name = 'GrammarSyntaxError';
    this.offset = atEnd ? undefined : token.startOffset;
    this.near = atEnd ? undefined : token.image;
  }
}

export function isSweep(statement: StatementTokens): boolean {
  return tokenMatcher(statement.tokens[0], Keyword.sweep);
}

/** Where a SWEEP statement's table name is written; none means every table. */
export interface SweepSyntax {
  readonly table?: { readonly start: number; readonly end: number };
}

/** Parses `SWEEP [name[.name…]]`; throws GrammarSyntaxError. */
export function parseSweep(statement: StatementTokens): SweepSyntax {
  const parser = scratchBirdParser();
  parser.input = [...statement.tokens];
  const syntax = parser.sweepStatement();
  const error: IRecognitionException | undefined = parser.errors[0];
  if (error !== undefined) throw new GrammarSyntaxError(error.token);
  return syntax;
}

/**
 * In a CREATE TABLE statement, the offset of the `(` of a top-level `PARTITION BY (`, the
 * partition key written without a strategy; undefined when there is none.
 */
export function barePartitionKey(statement: StatementTokens): number | undefined {
  const { tokens } = statement;
  if (!tokenMatcher(tokens[0], Keyword.create)) return undefined;
  // CREATE [GLOBAL|LOCAL] [TEMP|TEMPORARY|UNLOGGED] TABLE: TABLE comes before any parenthesis.
  const tableAt = tokens.findIndex((token) => tokenMatcher(token, Keyword.table) || tokenMatcher(token, LParen));
  if (tableAt < 0 || !tokenMatcher(tokens[tableAt], Keyword.table)) return undefined;
  let depth = 0;
  for (let at = tableAt + 1; at < tokens.length; at++) {
    const token = tokens[at];
    if (tokenMatcher(token, LParen)) {
      if (depth === 0 && at >= 2 && tokenMatcher(tokens[at - 1], Keyword.by) && tokenMatcher(tokens[at - 2], Keyword.partition)) {
        return token.startOffset;
      }
      depth++;
    } else if (tokenMatcher(token, RParen)) {
      depth = Math.max(0, depth - 1);
    }
  }
  return undefined;
}

class ScratchBirdParser extends EmbeddedActionsParser {
  constructor() {
    super([...allTokens], { recoveryEnabled: false });
    this.performSelfAnalysis();
  }

  readonly sweepStatement = this.RULE('sweepStatement', (): SweepSyntax => {
    this.CONSUME(Keyword.sweep);
    const table = this.OPTION(() => this.SUBRULE(this.qualifiedName));
    return table === undefined ? {} : { table };
  });

  private readonly qualifiedName = this.RULE('qualifiedName', () => {
    const first = this.SUBRULE(this.name);
    let last = first;
    this.MANY(() => {
      this.CONSUME(Dot);
      last = this.SUBRULE2(this.name);
    });
    return this.ACTION(() => ({ start: first.startOffset, end: last.startOffset + last.image.length }));
  });

  private readonly name = this.RULE('name', (): IToken =>
    this.OR([{ ALT: () => this.CONSUME(Identifier) }, { ALT: () => this.CONSUME(QuotedIdentifier) }]),
  );
}

let parserInstance: ScratchBirdParser | undefined;

/** One parser, built on first use (self-analysis takes milliseconds) and reused: chevrotain
 * parsers are stateful but cheap to reset through `input`. */
function scratchBirdParser(): ScratchBirdParser {
  parserInstance ??= new ScratchBirdParser();
  return parserInstance;
}
