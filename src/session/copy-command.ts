/**
 * COPY … FROM STDIN and COPY … TO STDOUT. Incoming rows are inserted through the ordinary
 * INSERT plan (`INSERT INTO t (cols) VALUES ($1, …), …`, in batches), so defaults, CHECK
 * constraints and the hidden row id behave as for INSERT; outgoing rows come from the plan of
 * `SELECT cols FROM t` or the given query.
 */
import { EngineError, SqlState } from '../engine/errors.ts';
import { parseType, type Value } from '../engine/types.ts';
import type { Body, Node } from '../sql/bind/ast.ts';
import { list, names } from '../sql/bind/ast.ts';
import type { ParsedStatement } from '../sql/parse/index.ts';
import { textIn, textOut } from '../sql/types/index.ts';
import { isColumnType, type SqlType } from '../sql/types/sql-type.ts';
import type { ResultSink } from './contract.ts';
import { CopyParser, copyFormat, formatCopyRow, type CopyFormat } from './copy.ts';
import { preparePlan, type PreparedPlan } from './prepare.ts';
import type { SqlSession } from './session.ts';

const BATCH_ROWS = 256;

export async function runCopy(session: SqlSession, parsed: ParsedStatement, body: Body, sink: ResultSink): Promise<void> {
  if (body.filename !== undefined || body.is_program === true) {
    throw new EngineError(SqlState.featureNotSupported, 'COPY to or from a server file is not supported', { hint: "Use psql's \\copy, or COPY … FROM STDIN / TO STDOUT." });
  }
  const options = new Map<string, string | true>();
  for (const o of list(body.options)) {
    const d = o.DefElem as Body;
    const arg = d.arg as Node | undefined;
    options.set(d.defname as string, arg === undefined ? true : String(arg.String?.sval ?? arg.Integer?.ival ?? arg.Boolean?.boolval ?? (arg.List !== undefined ? '' : '')));
  }
  const format = copyFormat(options);
  if (body.is_from === true) await copyIn(session, body, format, sink);
  else await copyOut(session, parsed, body, format, sink);
}

function relationText(rel: Body): string {
  return rel.schemaname === undefined ? quote(rel.relname as string) : `${quote(rel.schemaname as string)}.${quote(rel.relname as string)}`;
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function copyIn(session: SqlSession, body: Body, format: CopyFormat, sink: ResultSink): Promise<void> {
  const rel = body.relation as Body;
  const catalog = session.catalogView();
  const table = catalog.table(rel.schemaname as string | undefined, rel.relname as string, session.searchPath());
  const columnNames = names(body.attlist);
  const targets = columnNames.length > 0 ? columnNames : table.columns.map((c) => c.name);
  const types = targets.map((n) => {
    const column = table.columns.find((c) => c.name === n);
    if (column === undefined) throw new EngineError(SqlState.undefinedColumn, `column "${n}" of relation "${table.name}" does not exist`);
    return { name: n, type: parseType(column.type) };
  });
  const plans = new Map<number, PreparedPlan>();
  const planFor = (rows: number): PreparedPlan => {
    let plan = plans.get(rows);
    if (plan === undefined) {
      const values = Array.from({ length: rows }, (_, r) => `(${types.map((_, c) => `$${r * types.length + c + 1}`).join(', ')})`).join(', ');
      const sql = `INSERT INTO ${relationText(rel)} (${targets.map(quote).join(', ')}) VALUES ${values}`;
      const insert = session.db.parseOne(sql);
      plan = preparePlan(insert, session.bindOptions(null, Array.from({ length: rows }, () => types.map((t) => t.type)).flat()), session.db.planEnvironment);
      plans.set(rows, plan);
    }
    return plan;
  };
  const txn = session.ensureTransaction();
  txn.newStatement();
  const timeZone = session.settings.get('TimeZone');
  let count = 0;
  let lineNumber = 0;
  let batch: Value[] = [];
  let batchRows = 0;
  const flush = async (): Promise<void> => {
    if (batchRows === 0) return;
    const plan = planFor(batchRows);
    if (plan.writeShard !== null) txn.claimWrite(plan.writeShard);
    const result = await plan.program.run(session.executionContext(txn, batch));
    count += result.count;
    batch = [];
    batchRows = 0;
  };
  const parser = new CopyParser(format);
  const take = async (fields: (string | null)[]): Promise<void> => {
    lineNumber++;
    if (fields.length !== types.length) {
      throw new EngineError(SqlState.badCopyFileFormat, fields.length < types.length ? `missing data for column "${types[fields.length].name}"` : 'extra data after last expected column', {
        detail: `COPY ${table.name}, line ${lineNumber}`,
      });
    }
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      try {
        batch.push(f === null ? null : textIn(types[i].type, f, timeZone));
      } catch (error) {
        if (error instanceof EngineError) throw new EngineError(error.code, error.message, { detail: `COPY ${table.name}, line ${lineNumber}, column ${types[i].name}: "${f}"` });
        throw error;
      }
    }
    if (++batchRows === BATCH_ROWS) await flush();
  };
  for await (const chunk of sink.copyIn({ format: format.csv ? 'csv' : 'text', columns: types.length })) {
    for (const fields of parser.push(chunk)) await take(fields);
  }
  for (const fields of parser.finish()) await take(fields);
  await flush();
  sink.commandComplete(`COPY ${count}`);
}

async function copyOut(session: SqlSession, parsed: ParsedStatement, body: Body, format: CopyFormat, sink: ResultSink): Promise<void> {
  let sql: string;
  if (body.query !== undefined) {
    const m = /^\s*copy\s*\(/i.exec(parsed.text);
    const close = parsed.text.search(/\)\s*to\s+stdout/i);
    if (m === null || close < 0) throw new EngineError(SqlState.featureNotSupported, 'this form of COPY (query) is not supported');
    sql = parsed.text.slice(m[0].length, close);
  } else {
    const cols = names(body.attlist);
    sql = `SELECT ${cols.length === 0 ? '*' : cols.map(quote).join(', ')} FROM ${relationText(body.relation as Body)}`;
  }
  const statement = { sql, parsed: { text: sql, location: 0, ast: session.db.parseOne(sql) }, declared: [], plan: null };
  const plan = session.planFor(statement as never);
  const columns = plan.columns ?? [];
  const txn = session.ensureTransaction();
  txn.newStatement();
  const timeZone = session.settings.get('TimeZone');
  sink.copyOut({ format: format.csv ? 'csv' : 'text', columns: columns.length });
  let count = 0;
  const encoder = new TextEncoder();
  if (format.header) await sink.copyData(encoder.encode(formatCopyRow(columns.map((c) => c.name), format)));
  const it = plan.program.open(session.executionContext(txn, []));
  for (let next = it.next(); next.done !== true; next = it.next()) {
    const fields = next.value.map((v, i) => (v === null ? null : textOf(session, columns[i].type, v, timeZone)));
    const written = sink.copyData(encoder.encode(formatCopyRow(fields, format)));
    if (written !== undefined) await written;
    count++;
  }
  sink.copyDone();
  sink.commandComplete(`COPY ${count}`);
}

function textOf(session: SqlSession, type: SqlType, value: Exclude<Value, null>, timeZone: string): string {
  return isColumnType(type) ? textOut(type, value, timeZone) : session.output.catalogText(type, value);
}
