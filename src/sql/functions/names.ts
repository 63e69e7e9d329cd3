/**
 * SQL identifiers in text, as the reg* input functions and quote_ident read and write them:
 * stringToQualifiedNameList (dotted names, "quoted" parts with "" for a quote, unquoted parts
 * folded to lower case) and quote_identifier (quotes unless the name is lower-case letters,
 * digits and underscores not starting with a digit, and not a reserved keyword).
 */
import { EngineError } from './errors.ts';

/** PostgreSQL 15's keywords that quote_ident must quote: all but the unreserved ones. */
const RESERVED = new Set(
  `all analyse analyze and any array as asc asymmetric authorization between bigint binary bit boolean both case cast
  char character check coalesce collate collation column concurrently constraint create cross current_catalog
  current_date current_role current_schema current_time current_timestamp current_user dec decimal default
  deferrable desc distinct do else end except exists extract false fetch float for foreign freeze from full grant
  greatest group grouping having ilike in initially inner inout int integer intersect interval into is isnull join
  lateral leading least left like limit localtime localtimestamp national natural nchar none normalize not notnull
  null nullif numeric offset on only or order out outer overlaps overlay placing position precision primary real
  references returning right row select session_user setof similar smallint some substring symmetric
  table tablesample then time timestamp to trailing treat trim true union unique user using values varchar
  variadic verbose when where window with xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces
  xmlparse xmlpi xmlroot xmlserialize xmltable`.split(/\s+/),
);

/** quote_identifier. */
export function quoteIdentifier(name: string): string {
  const safe = /^[a-z_][a-z0-9_]*$/.test(name) && !RESERVED.has(name);
  return safe ? name : `"${name.replace(/"/g, '""')}"`;
}

/** Folds an unquoted identifier as PostgreSQL does for UTF-8: ASCII letters only. */
export function downcaseIdentifier(name: string): string {
  return name.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

function invalidName(): EngineError {
  return new EngineError('42602', 'invalid name syntax');
}

/** stringToQualifiedNameList: 'Public."My T"' → ['public', 'My T']. */
export function splitQualifiedName(text: string): string[] {
  const parts: string[] = [];
  let at = 0;
  const space = () => {
    while (at < text.length && /\s/.test(text[at])) at++;
  };
  space();
  for (;;) {
    let part: string;
    if (text[at] === '"') {
      let end = at + 1;
      part = '';
      for (;;) {
        const quote = text.indexOf('"', end);
        if (quote < 0) throw invalidName();
        part += text.slice(end, quote);
        if (text[quote + 1] !== '"') {
          at = quote + 1;
          break;
        }
        part += '"';
        end = quote + 2;
      }
      if (part === '') throw invalidName();
    } else {
      const start = at;
      while (at < text.length && text[at] !== '.' && !/\s/.test(text[at])) at++;
      if (at === start) throw invalidName();
      part = downcaseIdentifier(text.slice(start, at));
    }
    parts.push(part);
    space();
    if (at === text.length) return parts;
    if (text[at] !== '.') throw invalidName();
    at++;
    space();
  }
}
