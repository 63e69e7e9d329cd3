/**
 * The sqllogictest file format as this project writes it: records separated by blank lines,
 * `#` comment lines, and directives that set state for the records after them (`subtest`,
 * `connection`, `hash-threshold`). `skipif` / `onlyif` lines prefix the one record they govern.
 * The format is described for corpus authors in conformance/README.md.
 */

export type Engine = 'scratchbird' | 'postgresql';
export const ENGINES: readonly Engine[] = ['scratchbird', 'postgresql'];

export type SortMode = 'nosort' | 'rowsort' | 'valuesort';
const SORT_MODES: readonly string[] = ['nosort', 'rowsort', 'valuesort'];

export interface Condition {
  readonly kind: 'skipif' | 'onlyif';
  readonly engine: Engine;
}

/** An error a statement must raise: a five-character SQLSTATE, or a regex its message matches. */
export type ErrorExpectation = { readonly sqlstate: string } | { readonly message: RegExp };

interface RecordBase {
  /** 1-based line of the record's first line (its `statement` / `query` / `halt` line). */
  readonly line: number;
  readonly conditions: readonly Condition[];
  readonly subtest: string;
}

export interface StatementRecord extends RecordBase {
  readonly kind: 'statement';
  readonly sql: string;
  readonly connection: string;
  /** `null`: the statement must succeed. */
  readonly error: ErrorExpectation | null;
}

export interface QueryRecord extends RecordBase {
  readonly kind: 'query';
  readonly sql: string;
  readonly connection: string;
  /** One letter per result column (T, I, R); only their number is checked. */
  readonly types: string;
  readonly sort: SortMode;
  readonly label: string | null;
  readonly hashThreshold: number;
  /** Lines after `----`; `null` when the record has no `----` yet (`--record` adds it). */
  readonly expected: readonly string[] | null;
  /**
   * 0-based half-open line range of the `----` line and the result lines; empty (start = end,
   * the line after the SQL) when there are none. `--record` replaces this range.
   */
  readonly resultRange: { readonly start: number; readonly end: number };
}

export interface HaltRecord extends RecordBase {
  readonly kind: 'halt';
}

export type SltRecord = StatementRecord | QueryRecord | HaltRecord;

export class SltSyntaxError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
    this.name = 'SltSyntaxError';
  }
}

const SQLSTATE = /^[0-9A-Z]{5}$/;
const TYPE_LETTERS = /^[TIR]+$/;
const CONNECTION_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const DEFAULT_CONNECTION = 'default';

export function parseSlt(text: string, file: string): SltRecord[] {
  const lines = text.split('\n');
  const records: SltRecord[] = [];
  let subtest = '';
  let connection = DEFAULT_CONNECTION;
  let hashThreshold = 0;
  let conditions: Condition[] = [];
  let i = 0;

  const fail = (index: number, message: string): never => {
    throw new SltSyntaxError(file, index + 1, message);
  };
  const isBlank = (index: number) => index >= lines.length || lines[index].trim() === '';
  /** SQL lines from `start` up to a blank line or `----`; returns the text and the next index. */
  const readSql = (start: number): { sql: string; next: number } => {
    let next = start;
    while (!isBlank(next) && lines[next].trimEnd() !== '----') next++;
    if (next === start) fail(start - 1, 'the record has no SQL');
    return { sql: lines.slice(start, next).join('\n'), next };
  };

  while (i < lines.length) {
    const raw = lines[i];
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      i++;
      continue;
    }
    const [keyword, ...args] = trimmed.split(/\s+/);
    const rest = trimmed.slice(keyword.length).trim();
    const directiveWithConditions = () => {
      if (conditions.length > 0) fail(i, `skipif/onlyif cannot apply to "${keyword}"`);
    };
    switch (keyword) {
      case 'skipif':
      case 'onlyif': {
        if (args.length !== 1 || !ENGINES.includes(args[0] as Engine)) fail(i, `${keyword} takes one of: ${ENGINES.join(', ')}`);
        conditions.push({ kind: keyword, engine: args[0] as Engine });
        i++;
        continue;
      }
      case 'subtest':
        directiveWithConditions();
        if (rest === '') fail(i, 'subtest needs a name');
        subtest = rest;
        i++;
        continue;
      case 'connection':
        directiveWithConditions();
        if (args.length !== 1 || !CONNECTION_NAME.test(args[0])) fail(i, 'connection takes one name (letters, digits, _)');
        connection = args[0];
        i++;
        continue;
      case 'hash-threshold': {
        directiveWithConditions();
        const value = Number(args[0]);
        if (args.length !== 1 || !Number.isInteger(value) || value < 0) fail(i, 'hash-threshold takes a non-negative integer');
        hashThreshold = value;
        i++;
        continue;
      }
      case 'halt':
        if (args.length > 0) fail(i, 'halt takes no arguments');
        records.push({ kind: 'halt', line: i + 1, conditions, subtest });
        conditions = [];
        i++;
        continue;
      case 'statement': {
        const error = parseStatementExpectation(rest, (message) => fail(i, message));
        const { sql, next } = readSql(i + 1);
        if (!isBlank(next)) fail(next, 'a statement record has no ---- results');
        records.push({ kind: 'statement', line: i + 1, conditions, subtest, sql, connection, error });
        conditions = [];
        i = next;
        continue;
      }
      case 'query': {
        const [types, sortArg, label, ...extra] = args;
        if (types === undefined || !TYPE_LETTERS.test(types)) fail(i, 'query needs column type letters (T, I, R)');
        const sort = sortArg ?? 'nosort';
        if (!SORT_MODES.includes(sort)) fail(i, `unknown sort mode "${sort}" (nosort, rowsort, valuesort)`);
        if (extra.length > 0) fail(i, 'query takes: <types> [sort mode] [label]');
        const { sql, next } = readSql(i + 1);
        let expected: string[] | null = null;
        let end = next;
        if (!isBlank(next)) {
          end = next + 1;
          while (!isBlank(end)) end++;
          expected = lines.slice(next + 1, end).map((line) => line.trimEnd());
        }
        records.push({
          kind: 'query',
          line: i + 1,
          conditions,
          subtest,
          sql,
          connection,
          types,
          sort: sort as SortMode,
          label: label ?? null,
          hashThreshold,
          expected,
          resultRange: { start: next, end },
        });
        conditions = [];
        i = end;
        continue;
      }
      default:
        fail(i, `unknown record type "${keyword}"`);
    }
  }
  if (conditions.length > 0) fail(lines.length - 1, 'skipif/onlyif at the end of the file governs no record');
  return records;
}

function parseStatementExpectation(rest: string, fail: (message: string) => never): ErrorExpectation | null {
  if (rest === 'ok') return null;
  if (!rest.startsWith('error')) return fail('statement takes "ok" or "error <SQLSTATE or message regex>"');
  const pattern = rest.slice('error'.length).trim();
  if (pattern === '') return fail('statement error needs a SQLSTATE or a message regex');
  if (SQLSTATE.test(pattern)) return { sqlstate: pattern };
  try {
    return { message: new RegExp(pattern) };
  } catch (error) {
    return fail(`bad message regex: ${(error as Error).message}`);
  }
}

/** Whether a record runs on `engine` given its skipif/onlyif lines. */
export function appliesTo(record: SltRecord, engine: Engine): boolean {
  return record.conditions.every((c) => (c.kind === 'skipif' ? c.engine !== engine : c.engine === engine));
}
