/**
 * The tokens of ScratchBird SQL: PostgreSQL's lexical structure (scan.l), so that strings,
 * quoted identifiers, comments and dollar quotes hide their semicolons and keywords from the
 * grammar in ./scratchbird.ts. Only the keywords that grammar needs are tokens of their own;
 * every other word is an Identifier.
 *
 * The lexer never fails: an unterminated string, quoted identifier, comment or dollar quote runs
 * to the end of the input (PostgreSQL's parser then reports it with its own message), and any
 * character PostgreSQL would reject is a one-character Other token.
 */
import { createToken, Lexer, type CustomPatternMatcherReturn, type IToken, type TokenType } from 'chevrotain';

/** PostgreSQL's `space` class in scan.l. */
const Whitespace = createToken({ name: 'Whitespace', pattern: /[ \t\n\r\f\v]+/, group: Lexer.SKIPPED, line_breaks: true });
const LineComment = createToken({ name: 'LineComment', pattern: /--[^\n\r]*/, group: Lexer.SKIPPED });
/** Block comments nest in PostgreSQL, which a regular expression cannot count. */
const BlockComment = createToken({
  name: 'BlockComment',
  pattern: { exec: matchBlockComment },
  start_chars_hint: ['/'],
  group: Lexer.SKIPPED,
  line_breaks: true,
});

/** E'…' strings: a backslash escapes the next character, so `\'` does not end them. */
export const EscapeString = createToken({ name: 'EscapeString', pattern: /[eE]'(?:[^'\\]|\\[\s\S]|'')*'?/, line_breaks: true });
/** '…', N'…', B'…', X'…' and U&'…': only a doubled quote stays inside. */
const StandardString = createToken({ name: 'StandardString', pattern: /(?:[nNbBxX]|[uU]&)?'(?:[^']|'')*'?/, line_breaks: true });
const DollarString = createToken({
  name: 'DollarString',
  pattern: { exec: matchDollarString },
  start_chars_hint: ['$'],
  line_breaks: true,
});
export const QuotedIdentifier = createToken({ name: 'QuotedIdentifier', pattern: /(?:[uU]&)?"(?:[^"]|"")*"?/, line_breaks: true });

/** An unquoted word: PostgreSQL's ident_start ident_cont*, any non-ASCII character included. */
export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/ });

/** A keyword is also an Identifier (category), as PostgreSQL's unreserved keywords may name tables. */
function keyword(word: string): TokenType {
  return createToken({ name: word, pattern: new RegExp(word, 'i'), longer_alt: Identifier, categories: [Identifier] });
}

export const Keyword = {
  sweep: keyword('SWEEP'),
  create: keyword('CREATE'),
  table: keyword('TABLE'),
  partition: keyword('PARTITION'),
  by: keyword('BY'),
  or: keyword('OR'),
  replace: keyword('REPLACE'),
  function: keyword('FUNCTION'),
  procedure: keyword('PROCEDURE'),
  begin: keyword('BEGIN'),
  case: keyword('CASE'),
  end: keyword('END'),
} as const;

const Param = createToken({ name: 'Param', pattern: /\$\d+/ });
const NumberLiteral = createToken({
  name: 'NumberLiteral',
  pattern: /0[xX][0-9A-Fa-f_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*(?:\.(?!\.)\d*)?|\.\d+)(?:[eE][+-]?\d+)?/,
});
export const LParen = createToken({ name: 'LParen', pattern: /\(/ });
export const RParen = createToken({ name: 'RParen', pattern: /\)/ });
const LBracket = createToken({ name: 'LBracket', pattern: /\[/ });
const RBracket = createToken({ name: 'RBracket', pattern: /]/ });
const Comma = createToken({ name: 'Comma', pattern: /,/ });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/ });
export const Dot = createToken({ name: 'Dot', pattern: /\./ });
const Colon = createToken({ name: 'Colon', pattern: /:/ });
/** scan.l's operator: a run of op_chars in which `--` and `/*` start a comment instead. */
const Operator = createToken({ name: 'Operator', pattern: /(?:[+*<>=~!@#%^&|`?]|-(?!-)|\/(?!\*))+/ });
/** What no other token takes (a lone `$`, a backslash, braces, control characters), left for
 * PostgreSQL's parser to reject. */
const Other = createToken({ name: 'Other', pattern: /[\x00-\x08\x0e-\x1f\x7f$\\{}]/ });

/** Lexer order matters: comments before operators, prefixed strings before words. */
export const allTokens: readonly TokenType[] = [
  Whitespace,
  LineComment,
  BlockComment,
  EscapeString,
  StandardString,
  DollarString,
  QuotedIdentifier,
  ...Object.values(Keyword),
  Identifier,
  Param,
  NumberLiteral,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Semicolon,
  Dot,
  Colon,
  Operator,
  Other,
];

/** Built on first use: most statements never need this lexer, and building it validates every
 * pattern, which takes milliseconds. */
let sqlLexer: Lexer | undefined;

/** The tokens of `sql` without whitespace and comments; offsets are UTF-16 indexes into `sql`. */
export function tokenize(sql: string): IToken[] {
  sqlLexer ??= new Lexer([...allTokens], { positionTracking: 'onlyOffset', ensureOptimizations: true });
  return sqlLexer.tokenize(sql).tokens;
}

function matchBlockComment(text: string, offset: number): CustomPatternMatcherReturn | null {
  if (!text.startsWith('/*', offset)) return null;
  let depth = 1;
  let at = offset + 2;
  while (at < text.length && depth > 0) {
    if (text.startsWith('/*', at)) {
      depth++;
      at += 2;
    } else if (text.startsWith('*/', at)) {
      depth--;
      at += 2;
    } else {
      at++;
    }
  }
  return [text.slice(offset, at)];
}

/** `$tag$…$tag$` with an optional tag that cannot start with a digit (that would be a Param). */
const dollarTag = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;

function matchDollarString(text: string, offset: number): CustomPatternMatcherReturn | null {
  dollarTag.lastIndex = offset;
  const opening = dollarTag.exec(text);
  if (opening === null) return null;
  const tag = opening[0];
  const close = text.indexOf(tag, offset + tag.length);
  return [text.slice(offset, close < 0 ? text.length : close + tag.length)];
}
