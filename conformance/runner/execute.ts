/**
 * Runs the records of one .slt file against one engine and judges each. Sessions are opened
 * on first use by connection name, so a file that never says `connection` uses one session.
 * A session that stops answering (lost connection, client timeout) ends the file: the records
 * left are failures, since nothing after them can be trusted.
 */
import { resultLines, type Row } from './format.ts';
import { appliesTo, type Engine, type ErrorExpectation, type QueryRecord, type SltRecord } from './slt.ts';

/** What the server answered to one SQL text (the last result when it held several statements). */
export type Answer =
  | { readonly ok: true; readonly columns: number; readonly rows: readonly Row[] }
  | { readonly ok: false; readonly sqlstate: string; readonly message: string };

export interface SqlSession {
  /** The server's answer; throws only when the session itself broke. */
  run(sql: string): Promise<Answer>;
  close(): Promise<void>;
}

export type Status = 'passed' | 'failed' | 'skipped';

export interface Outcome {
  readonly record: SltRecord;
  readonly status: Status;
  /** For failures: what the file expected and what the server did. */
  readonly expected?: string;
  readonly actual?: string;
}

export interface FileRun {
  readonly outcomes: readonly Outcome[];
  /** Result lines each query produced, for `--record` (queries that ran without error). */
  readonly answers: ReadonlyMap<QueryRecord, readonly string[]>;
}

export interface ExecuteOptions {
  readonly engine: Engine;
  openSession(name: string): Promise<SqlSession>;
}

export async function executeRecords(records: readonly SltRecord[], options: ExecuteOptions): Promise<FileRun> {
  const sessions = new Map<string, SqlSession>();
  const outcomes: Outcome[] = [];
  const answers = new Map<QueryRecord, string[]>();
  const labels = new Map<string, string>();
  let stopped: { status: Status; reason: string } | null = null;

  const session = async (name: string) => {
    let found = sessions.get(name);
    if (found === undefined) {
      found = await options.openSession(name);
      sessions.set(name, found);
    }
    return found;
  };

  try {
    for (const record of records) {
      if (record.kind === 'halt') {
        if (appliesTo(record, options.engine)) stopped = { status: 'skipped', reason: 'halted' };
        continue;
      }
      if (stopped !== null) {
        outcomes.push({ record, status: stopped.status, actual: stopped.reason });
        continue;
      }
      if (!appliesTo(record, options.engine)) {
        outcomes.push({ record, status: 'skipped' });
        continue;
      }
      let answer: Answer;
      try {
        answer = await (await session(record.connection)).run(record.sql);
      } catch (error) {
        const reason = `session "${record.connection}" broke: ${(error as Error).message}`;
        stopped = { status: 'failed', reason };
        outcomes.push({ record, status: 'failed', expected: describeExpectation(record), actual: reason });
        continue;
      }
      if (record.kind === 'statement') {
        outcomes.push(judgeStatement(record.error, answer, record));
        continue;
      }
      if (!answer.ok) {
        outcomes.push({ record, status: 'failed', expected: describeExpectation(record), actual: describeError(answer) });
        continue;
      }
      const lines = resultLines(answer.rows, record.sort, record.hashThreshold);
      answers.set(record, lines);
      outcomes.push(judgeQuery(record, answer.columns, lines, labels));
    }
  } finally {
    for (const s of sessions.values()) await s.close().catch(() => undefined);
  }
  return { outcomes, answers };
}

function judgeStatement(expectation: ErrorExpectation | null, answer: Answer, record: SltRecord): Outcome {
  if (expectation === null) {
    return answer.ok ? { record, status: 'passed' } : { record, status: 'failed', expected: 'ok', actual: describeError(answer) };
  }
  if (answer.ok) return { record, status: 'failed', expected: describeError(expectation), actual: 'ok' };
  const matches = 'sqlstate' in expectation ? answer.sqlstate === expectation.sqlstate : expectation.message.test(answer.message);
  return matches ? { record, status: 'passed' } : { record, status: 'failed', expected: describeError(expectation), actual: describeError(answer) };
}

function judgeQuery(record: QueryRecord, columns: number, lines: readonly string[], labels: Map<string, string>): Outcome {
  const actual = lines.join('\n');
  if (columns !== record.types.length) {
    return { record, status: 'failed', expected: `${record.types.length} column(s) (${record.types})`, actual: `${columns} column(s)\n${actual}` };
  }
  if (record.expected === null) return { record, status: 'failed', expected: '(no ---- results yet: run with --record)', actual };
  const expected = record.expected.join('\n');
  if (expected !== actual) return { record, status: 'failed', expected, actual };
  if (record.label !== null) {
    const earlier = labels.get(record.label);
    if (earlier === undefined) labels.set(record.label, actual);
    else if (earlier !== actual) return { record, status: 'failed', expected: `the result of label "${record.label}":\n${earlier}`, actual };
  }
  return { record, status: 'passed' };
}

function describeExpectation(record: SltRecord): string {
  if (record.kind === 'statement') return record.error === null ? 'ok' : describeError(record.error);
  if (record.kind === 'query') return record.expected?.join('\n') ?? '(no ---- results yet)';
  return '';
}

function describeError(error: ErrorExpectation | { sqlstate: string; message: string }): string {
  if ('message' in error && 'sqlstate' in error) return `error ${error.sqlstate}: ${error.message}`;
  return 'sqlstate' in error ? `error ${error.sqlstate}` : `error matching /${error.message.source}/`;
}
