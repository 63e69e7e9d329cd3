/**
 * Identifiers as PostgreSQL prints and reads them: quote_ident's rules (quote
 * unless all lower-case letters, digits and underscores, not starting with a digit, and not a
 * keyword other than an unreserved one), qualified names, and the splitting of a
 * possibly qualified, possibly quoted name that the reg* input functions do.
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import { quoteIdentifier } from '../functions/names.ts';

/** quote_ident: the function library's rule, so catalog output and quote_ident agree. */
export const quoteIdent = quoteIdentifier;

/** `schema.name` with each part quoted as needed; `schema` null leaves the name bare. */
export function quoteQualified(schema: string | null, name: string): string {
  return schema === null ? quoteIdent(name) : `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/** NAMEDATALEN - 1: longer identifiers are cut to this many bytes, as PostgreSQL does. */
const MAX_IDENTIFIER_BYTES = 63;

/** Cuts an identifier to 63 bytes of UTF-8 without splitting a character. */
function truncateIdentifier(name: string): string {
  if (Buffer.byteLength(name) <= MAX_IDENTIFIER_BYTES) return name;
  let bytes = 0;
  let end = 0;
  for (const char of name) {
    bytes += Buffer.byteLength(char);
    if (bytes > MAX_IDENTIFIER_BYTES) break;
    end += char.length;
  }
  return name.slice(0, end);
}

/** PostgreSQL folds only ASCII letters of unquoted identifiers. */
function downcase(name: string): string {
  return name.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

const SPACE = /[ \t\n\r\f\v]/;

function invalidName(): EngineError {
  return new EngineError(SqlState.invalidName, 'invalid name syntax');
}

/**
 * Splits 'Public."My Table"' into ['public', 'My Table'] as PostgreSQL's
 * stringToQualifiedNameList does: unquoted parts are lower-cased, quoted parts kept with "" as a
 * quote; surrounding white space is allowed; anything else is 42602 invalid name syntax.
 */
export function splitQualifiedName(text: string): string[] {
  const parts: string[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && SPACE.test(text[i])) i++;
  };
  skipSpace();
  for (;;) {
    if (text[i] === '"') {
      let part = '';
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote < 0) throw invalidName();
        part += text.slice(i, quote);
        i = quote + 1;
        if (text[i] !== '"') break;
        part += '"';
        i++;
      }
      if (part === '') throw invalidName();
      parts.push(truncateIdentifier(part));
    } else {
      const start = i;
      while (i < text.length && text[i] !== '.' && text[i] !== '"' && !SPACE.test(text[i])) i++;
      if (i === start) throw invalidName();
      parts.push(truncateIdentifier(downcase(text.slice(start, i))));
    }
    skipSpace();
    if (i === text.length) return parts;
    if (text[i] !== '.') throw invalidName();
    i++;
    skipSpace();
  }
}
