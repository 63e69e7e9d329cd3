/**
 * How query results are written in .slt files. Values are the text PostgreSQL's wire protocol
 * sends (so floats, numerics and booleans read as psql shows them); NULL is `NULL`, the empty
 * string `(empty)`, and line breaks and tabs inside a value are escaped so one row stays one line.
 * nosort/rowsort results have one row per line, values separated by one space; valuesort has
 * one value per line. Results of more values than the hash threshold collapse into
 * sqllogictest's line "N values hashing to <md5>", the md5 of every value followed by "\n".
 */
import { createHash } from 'node:crypto';
import type { SortMode } from './slt.ts';

export type Row = readonly (string | null)[];

export function formatValue(value: string | null): string {
  if (value === null) return 'NULL';
  if (value === '') return '(empty)';
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
}

/** The lines a result is written as in an .slt file. */
export function resultLines(rows: readonly Row[], sort: SortMode, hashThreshold: number): string[] {
  const formatted = rows.map((row) => row.map(formatValue));
  if (sort === 'rowsort') formatted.sort(compareRows);
  const values = formatted.flat();
  if (sort === 'valuesort') values.sort(compareStrings);
  if (hashThreshold > 0 && values.length > hashThreshold) return [hashLine(values)];
  return sort === 'valuesort' ? values : formatted.map((row) => row.join(' '));
}

export function hashLine(values: readonly string[]): string {
  const md5 = createHash('md5');
  for (const value of values) md5.update(`${value}\n`);
  return `${values.length} values hashing to ${md5.digest('hex')}`;
}

// Code-point order, not locale order: the recorded files must not depend on the machine.
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareRows(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = compareStrings(a[i], b[i]);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}
