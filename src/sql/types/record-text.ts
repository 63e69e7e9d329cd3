/**
 * A row value's text as PostgreSQL's record_out writes it: its fields' texts in parentheses,
 * separated by commas, NULL as nothing; a field that is empty or holds a double quote,
 * backslash, parenthesis, comma or white space is double-quoted, with quotes and backslashes
 * doubled inside.
 */
const NEEDS_QUOTES = /[",\\()\s]/;

export function formatRecord(fields: readonly (string | null)[]): string {
  return `(${fields.map(fieldText).join(',')})`;
}

function fieldText(text: string | null): string {
  if (text === null) return '';
  if (text !== '' && !NEEDS_QUOTES.test(text)) return text;
  return `"${text.replace(/["\\]/g, (c) => c + c)}"`;
}
