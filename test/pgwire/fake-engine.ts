/**
 * A QueryEngine double for the pgwire server tests and the wire fuzz soak: a toy statement
 * language just rich enough to drive every path of the protocol, with the calls it received
 * recorded for assertions.
 *
 *   SELECT 42 | SELECT 'text' | SELECT $1, $2 …   one row (parameters echo back with their type)
 *   SELECT REGCLASS                               one regclass column (a SQL-only type)
 *   ROWS n [width]                                n rows of (n int4, label text), labels padded to width
 *   BEGIN | COMMIT | ROLLBACK                     transaction blocks
 *   SET name = value | SHOW name                  settings; application_name and TimeZone are reported
 *   FAIL                                          22012 with every ErrorResponse field
 *   FATAL                                         an error that ends the connection
 *   BUG                                           a plain Error (an engine bug)
 *   NOTICE text                                   a NoticeResponse
 *   SLEEP ms                                      waits; a CancelRequest ends it with 57014
 *   COPY t FROM STDIN | COPY t TO STDOUT          text COPY of lines into/out of table t
 *   PARSEFAIL …                                   a syntax error at Parse (extended protocol)
 *
 * A simple query may hold several statements separated by ';'.
 */
import { EngineError, SqlState } from '../../src/engine/errors.ts';
import type { ColumnType, Row } from '../../src/engine/types.ts';
import type {
  AuthenticationMethod,
  ConnectionInfo,
  OutputContext,
  QueryEngine,
  ResultColumn,
  ResultSink,
  Session,
  StatementDescription,
  TransactionState,
} from '../../src/session/contract.ts';
import { binaryRecv, textIn, typeFromOid } from '../../src/sql/types/index.ts';

const REPORTED = new Set(['application_name', 'TimeZone']);
const INT4: ColumnType = { kind: 'int4' };
const TEXT: ColumnType = { kind: 'text' };

interface Result {
  readonly columns: readonly ResultColumn[] | null;
  readonly rows: Iterator<Row>;
  readonly tag: (count: number) => string;
}

interface Statement {
  readonly sql: string;
  readonly parameterTypes: readonly ColumnType[];
}

interface Portal {
  readonly statement: Statement;
  readonly parameters: readonly (string | number | bigint | boolean | null | Uint8Array)[];
  readonly formats: readonly (0 | 1)[];
  result: Result | null;
  sent: number;
}

export interface FakeEngineOptions {
  /** Default: trust everyone. */
  readonly authenticate?: (info: ConnectionInfo) => AuthenticationMethod;
}

export class FakeEngine implements QueryEngine {
  readonly connections: ConnectionInfo[] = [];
  readonly sessions: FakeSession[] = [];
  readonly tables = new Map<string, string[]>();

  constructor(private readonly options: FakeEngineOptions = {}) {}

  authenticationFor(info: ConnectionInfo): AuthenticationMethod {
    return this.options.authenticate?.(info) ?? { method: 'trust' };
  }

  openSession(info: ConnectionInfo): FakeSession {
    if (info.database === 'nodb') throw new EngineError('3D000', `database "${info.database}" does not exist`);
    this.connections.push(info);
    const session = new FakeSession(this, info);
    this.sessions.push(session);
    return session;
  }
}

export class FakeSession implements Session {
  closed = false;
  cancels = 0;
  /** Rows the ROWS statement has handed to the sink, to watch backpressure. */
  rowsProduced = 0;
  readonly output: OutputContext = {
    timeZone: 'UTC',
    catalogText: (type, value) => (type.kind === 'regclass' && value === 1259 ? 'pg_class' : String(value)),
  };
  private state: TransactionState = 'idle';
  private readonly settings = new Map<string, string>([
    ['idle_in_transaction_session_timeout', '0'],
    ['TimeZone', 'UTC'],
  ]);
  private readonly statements = new Map<string, Statement>();
  private readonly portals = new Map<string, Portal>();
  private wakeSleeper: (() => void) | null = null;
  private cancelled = false;

  constructor(
    private readonly engine: FakeEngine,
    readonly info: ConnectionInfo,
  ) {
    this.settings.set('application_name', info.applicationName);
  }

  initialParameters(): ReadonlyMap<string, string> {
    return new Map([
      ['server_version', '15.0 (ScratchBird test double)'],
      ['server_encoding', 'UTF8'],
      ['client_encoding', 'UTF8'],
      ['DateStyle', 'ISO, MDY'],
      ['TimeZone', 'UTC'],
      ['integer_datetimes', 'on'],
      ['standard_conforming_strings', 'on'],
      ['application_name', this.info.applicationName],
    ]);
  }

  transactionState(): TransactionState {
    return this.state;
  }

  setting(name: string): string {
    const value = this.settings.get(name);
    if (value === undefined) throw new EngineError('42704', `unrecognized configuration parameter "${name}"`);
    return value;
  }

  async simpleQuery(sql: string, sink: ResultSink): Promise<void> {
    const statements = sql.split(';').map((s) => s.trim()).filter((s) => s !== '');
    if (statements.length === 0) {
      sink.emptyQuery();
      return;
    }
    for (const text of statements) {
      try {
        const result = await this.run(text, [], sink);
        if (result.columns !== null) sink.rowDescription(result.columns);
        let count = 0;
        for (let next = result.rows.next(); !next.done; next = result.rows.next()) {
          const wait = sink.row(next.value);
          if (wait) await wait;
          count++;
        }
        sink.commandComplete(result.tag(count));
      } catch (error) {
        if (this.state === 'in transaction') this.state = 'failed';
        throw error;
      }
    }
  }

  parse(name: string, sql: string, parameterTypes: readonly number[]): void {
    if (/^parsefail/i.test(sql)) throw new EngineError('42601', 'syntax error at or near "PARSEFAIL"', { position: 1 });
    if (name !== '' && this.statements.has(name)) throw new EngineError('42P05', `prepared statement "${name}" already exists`);
    const count = Math.max(0, ...[...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
    const types: ColumnType[] = [];
    for (let i = 0; i < count; i++) {
      const oid = parameterTypes[i] ?? 0;
      const type = oid === 0 ? TEXT : typeFromOid(oid);
      if (type === undefined) throw new EngineError('42704', `type with OID ${oid} does not exist`);
      types.push(type);
    }
    this.statements.set(name, { sql, parameterTypes: types });
  }

  describeStatement(name: string): StatementDescription {
    const statement = this.statement(name);
    return { parameterTypes: statement.parameterTypes, columns: staticColumns(statement) };
  }

  bind(portal: string, statementName: string, parameterFormats: readonly (0 | 1)[], parameters: readonly (Uint8Array | null)[], resultFormats: readonly (0 | 1)[]): void {
    const statement = this.statement(statementName);
    if (parameters.length !== statement.parameterTypes.length) {
      throw new EngineError(SqlState.protocolViolation, `bind message supplies ${parameters.length} parameters, but prepared statement "${statementName}" requires ${statement.parameterTypes.length}`);
    }
    const values = parameters.map((bytes, i) => {
      if (bytes === null) return null;
      const type = statement.parameterTypes[i];
      const format = parameterFormats.length === 1 ? parameterFormats[0] : (parameterFormats[i] ?? 0);
      return format === 1 ? binaryRecv(type, bytes, i + 1) : textIn(type, Buffer.from(bytes).toString('utf8'));
    });
    const columns = staticColumns(statement);
    const count = columns?.length ?? 0;
    const formats = Array.from({ length: count }, (_, i) => (resultFormats.length === 1 ? resultFormats[0] : (resultFormats[i] ?? 0)));
    this.portals.set(portal, { statement, parameters: values as Portal['parameters'], formats, result: null, sent: 0 });
  }

  describePortal(name: string): { readonly columns: readonly ResultColumn[] | null; readonly formats: readonly (0 | 1)[] } {
    const portal = this.portal(name);
    return { columns: staticColumns(portal.statement), formats: portal.formats };
  }

  async execute(name: string, maxRows: number, sink: ResultSink): Promise<'complete' | 'suspended'> {
    const portal = this.portal(name);
    try {
      portal.result ??= await this.run(portal.statement.sql, portal.parameters, sink);
    } catch (error) {
      if (this.state === 'in transaction') this.state = 'failed';
      throw error;
    }
    const result = portal.result;
    let sentNow = 0;
    for (;;) {
      if (maxRows > 0 && sentNow === maxRows) return 'suspended';
      const next = result.rows.next();
      if (next.done) break;
      const wait = sink.row(next.value);
      if (wait) await wait;
      sentNow++;
      portal.sent++;
    }
    sink.commandComplete(result.tag(portal.sent));
    return 'complete';
  }

  closeStatement(name: string): void {
    this.statements.delete(name);
  }

  closePortal(name: string): void {
    this.portals.delete(name);
  }

  async sync(): Promise<void> {
    this.portals.delete('');
  }

  failed(): void {
    if (this.state === 'in transaction') this.state = 'failed';
  }

  cancel(): void {
    this.cancels++;
    this.cancelled = true;
    this.wakeSleeper?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.cancel();
  }

  private statement(name: string): Statement {
    const statement = this.statements.get(name);
    if (statement === undefined) throw new EngineError('26000', `prepared statement "${name}" does not exist`);
    return statement;
  }

  private portal(name: string): Portal {
    const portal = this.portals.get(name);
    if (portal === undefined) throw new EngineError('34000', `portal "${name}" does not exist`);
    return portal;
  }

  /** Runs one statement: its side effects now, its rows as an iterator. */
  private async run(text: string, parameters: Portal['parameters'], sink: ResultSink): Promise<Result> {
    this.cancelled = false;
    const words = text.split(/\s+/);
    const verb = words[0].toUpperCase();
    if (this.state === 'failed' && verb !== 'ROLLBACK' && verb !== 'COMMIT') {
      throw new EngineError('25P02', 'current transaction is aborted, commands ignored until end of transaction block');
    }
    const none = (tag: string): Result => ({ columns: null, rows: [][Symbol.iterator](), tag: () => tag });
    switch (verb) {
      case 'SELECT': {
        const columns = staticColumns({ sql: text, parameterTypes: parameters.map(() => TEXT) }) ?? [];
        const values = columns.map((column, i) => selectValue(words[1 + i]?.replace(/,$/, '') ?? '', column, parameters));
        return { columns, rows: [values as Row][Symbol.iterator](), tag: (n) => `SELECT ${n}` };
      }
      case 'ROWS': {
        const count = Number(words[1]);
        const width = Number(words[2] ?? 0);
        const session = this;
        return {
          columns: [{ name: 'n', type: INT4 }, { name: 'label', type: TEXT }],
          rows: (function* () {
            for (let i = 1; i <= count; i++) {
              session.rowsProduced++;
              yield [i, `row ${i}`.padEnd(width, '.')];
            }
          })(),
          tag: (n) => `SELECT ${n}`,
        };
      }
      case 'BEGIN':
        this.state = 'in transaction';
        return none('BEGIN');
      case 'COMMIT':
      case 'ROLLBACK': {
        const failed = this.state === 'failed';
        this.state = 'idle';
        return none(failed ? 'ROLLBACK' : verb);
      }
      case 'SET': {
        const match = /^set\s+(\w+)\s*(?:=|to)\s*'?([^']*)'?$/i.exec(text);
        if (match === null) throw new EngineError('42601', 'syntax error in SET');
        const name = [...this.settings.keys()].find((key) => key.toLowerCase() === match[1].toLowerCase()) ?? match[1];
        this.settings.set(name, match[2]);
        if (REPORTED.has(name)) sink.parameterStatus(name, match[2]);
        return none('SET');
      }
      case 'SHOW':
        return { columns: [{ name: words[1], type: TEXT }], rows: [[this.setting(words[1])]][Symbol.iterator](), tag: () => 'SHOW' };
      case 'FAIL':
        throw new EngineError('22012', 'division by zero', {
          detail: 'the detail',
          hint: 'the hint',
          position: 3,
          schema: 'public',
          table: 't',
          column: 'c',
          constraint: 'k',
        });
      case 'FATAL':
        throw new EngineError('57P01', 'terminating connection on request', { fatal: true });
      case 'BUG':
        throw new Error('a bug in the session');
      case 'NOTICE':
        sink.notice({ severity: 'NOTICE', code: '00000', message: words.slice(1).join(' '), hint: 'notice hint' });
        return none('DO');
      case 'SLEEP':
        await this.sleep(Number(words[1]));
        return none('SLEEP');
      case 'COPY':
        return this.copy(text, sink);
      default:
        throw new EngineError('42601', `syntax error at or near "${words[0]}"`, { position: 1 });
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.wakeSleeper = null;
        if (self.cancelled) reject(new EngineError(SqlState.queryCanceled, 'canceling statement due to user request'));
        else resolve();
      }
      this.wakeSleeper = done;
    });
  }

  private async copy(text: string, sink: ResultSink): Promise<Result> {
    const from = /^copy\s+(\w+)\s+from\s+stdin/i.exec(text);
    if (from !== null) {
      let data = '';
      for await (const chunk of sink.copyIn({ format: 'text', columns: 1 })) data += Buffer.from(chunk).toString('utf8');
      const lines = data.split('\n').filter((line) => line !== '' && line !== '\\.');
      this.engine.tables.set(from[1], lines);
      return { columns: null, rows: [][Symbol.iterator](), tag: () => `COPY ${lines.length}` };
    }
    const to = /^copy\s+(\w+)\s+to\s+stdout/i.exec(text);
    if (to === null) throw new EngineError('42601', 'syntax error in COPY');
    const lines = this.engine.tables.get(to[1]) ?? [];
    sink.copyOut({ format: 'text', columns: 1 });
    for (const line of lines) {
      const wait = sink.copyData(Buffer.from(`${line}\n`));
      if (wait) await wait;
    }
    sink.copyDone();
    return { columns: null, rows: [][Symbol.iterator](), tag: () => `COPY ${lines.length}` };
  }
}

/** The columns a statement returns, known without running it. */
function staticColumns(statement: Statement): ResultColumn[] | null {
  const words = statement.sql.trim().split(/\s+/);
  switch (words[0].toUpperCase()) {
    case 'SELECT':
      return words.slice(1).map((word) => {
        const item = word.replace(/,$/, '');
        const parameter = /^\$(\d+)$/.exec(item);
        if (parameter !== null) return { name: '?column?', type: statement.parameterTypes[Number(parameter[1]) - 1] ?? TEXT };
        if (item.toUpperCase() === 'REGCLASS') return { name: 'regclass', type: { kind: 'regclass' } };
        return { name: '?column?', type: /^-?\d+$/.test(item) ? INT4 : TEXT };
      });
    case 'ROWS':
      return [{ name: 'n', type: INT4 }, { name: 'label', type: TEXT }];
    case 'SHOW':
      return [{ name: words[1], type: TEXT }];
    default:
      return null;
  }
}

function selectValue(item: string, column: ResultColumn, parameters: Portal['parameters']): unknown {
  const parameter = /^\$(\d+)$/.exec(item);
  if (parameter !== null) return parameters[Number(parameter[1]) - 1] ?? null;
  if (column.type.kind === 'regclass') return 1259;
  if (column.type.kind === 'int4') return Number(item);
  return item.replace(/^'|'$/g, '');
}
