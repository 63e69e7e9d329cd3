/**
 * Differential tests against pg-protocol, node-postgres's own codec: what its serializer
 * writes (frontend messages) our reader must decode, and what our writer produces (backend
 * messages) its Parser must decode to the same values.
 */
import fc from 'fast-check';
import { serialize } from 'pg-protocol';
import { describe, expect, it } from 'vitest';
import {
  BackendWriter,
  FrontendReader,
  decodePassword,
  decodeSASLInitialResponse,
  decodeSASLResponse,
  type FieldDescription,
  type FrontendMessage,
  type NoticeFields,
} from '../../src/pgwire/index.ts';
import {
  bindExpectation,
  bindValue,
  cancelRequest,
  parseBackend,
  readAll,
  regularMessage,
  split,
  startupMessage,
  text,
} from './streams.ts';

/** Decodes one regular-phase message, which must be all `bytes` hold. */
function decodeOne(bytes: Buffer): FrontendMessage {
  const reader = new FrontendReader();
  reader.mode = 'regular';
  reader.push(bytes);
  const messages = [...reader];
  expect(messages).toHaveLength(1);
  expect(reader.pending).toBe(0);
  return messages[0];
}

describe('pg-protocol serializes, our FrontendReader decodes', () => {
  it('startup, SSLRequest and CancelRequest', () => {
    const startup = serialize.startup({ user: 'alice', database: 'shop', application_name: 'psql ✓' });
    expect(readAll([startup])).toEqual([
      {
        type: 'StartupMessage',
        minorVersion: 0,
        user: 'alice',
        parameters: new Map([
          ['user', 'alice'],
          ['database', 'shop'],
          ['application_name', 'psql ✓'],
          ['client_encoding', 'UTF8'],
        ]),
      },
    ]);
    expect(readAll([serialize.requestSsl()])).toEqual([{ type: 'SSLRequest' }]);
    expect(readAll([serialize.cancel(4242, -123456789)])).toEqual([
      { type: 'CancelRequest', processId: 4242, secretKey: -123456789 },
    ]);
  });

  it('simple and extended query messages', () => {
    expect(decodeOne(serialize.query('select 1; select \'é\''))).toEqual({ type: 'Query', sql: "select 1; select 'é'" });
    expect(decodeOne(serialize.query(''))).toEqual({ type: 'Query', sql: '' });
    expect(decodeOne(serialize.parse({ name: 's1', text: 'select $1::int8, $2', types: [20, 0, 4294967295] }))).toEqual({
      type: 'Parse',
      statement: 's1',
      sql: 'select $1::int8, $2',
      paramTypes: [20, 0, 4294967295],
    });
    expect(decodeOne(serialize.parse({ text: 'select 1' }))).toEqual({
      type: 'Parse',
      statement: '',
      sql: 'select 1',
      paramTypes: [],
    });
    expect(decodeOne(serialize.describe({ type: 'S', name: 's1' }))).toEqual({ type: 'Describe', target: 'S', name: 's1' });
    expect(decodeOne(serialize.describe({ type: 'P' }))).toEqual({ type: 'Describe', target: 'P', name: '' });
    expect(decodeOne(serialize.execute())).toEqual({ type: 'Execute', portal: '', maxRows: 0 });
    expect(decodeOne(serialize.execute({ portal: 'c1', rows: 100 }))).toEqual({ type: 'Execute', portal: 'c1', maxRows: 100 });
    expect(decodeOne(serialize.close({ type: 'P', name: 'c1' }))).toEqual({ type: 'Close', target: 'P', name: 'c1' });
    expect(decodeOne(serialize.close({ type: 'S' }))).toEqual({ type: 'Close', target: 'S', name: '' });
    expect(decodeOne(serialize.sync())).toEqual({ type: 'Sync' });
    expect(decodeOne(serialize.flush())).toEqual({ type: 'Flush' });
    expect(decodeOne(serialize.end())).toEqual({ type: 'Terminate' });
  });

  it('Bind with text, binary and NULL parameters', () => {
    const values = ['42', null, Buffer.from([0, 0, 0, 7]), '', Buffer.alloc(0), 'ünïcode'];
    expect(decodeOne(serialize.bind({ portal: 'p', statement: 's', values, binary: true }))).toEqual(
      bindExpectation(values, true, 'p', 's'),
    );
    expect(decodeOne(serialize.bind())).toEqual(bindExpectation([], false));
  });

  it('Bind with the most parameters the protocol can count (65535)', () => {
    const values = Array.from({ length: 65_535 }, (_, i) => (i % 3 === 0 ? null : i % 3 === 1 ? String(i) : Buffer.from([i & 0xff])));
    expect(decodeOne(serialize.bind({ values }))).toEqual(bindExpectation(values, false));
  });

  it('COPY from the client', () => {
    const data = Buffer.from('1\tone\n2\ttwo\n');
    expect(decodeOne(serialize.copyData(data))).toEqual({ type: 'CopyData', data });
    expect(decodeOne(serialize.copyDone())).toEqual({ type: 'CopyDone' });
    expect(decodeOne(serialize.copyFail('client gave up'))).toEqual({ type: 'CopyFail', message: 'client gave up' });
  });

  it('password and SASL messages, decoded for the authentication state', () => {
    const password = decodeOne(serialize.password('s3cret ✓'));
    expect(password.type).toBe('PasswordMessage');
    if (password.type !== 'PasswordMessage') return;
    expect(decodePassword(password.body)).toBe('s3cret ✓');

    const initial = decodeOne(serialize.sendSASLInitialResponseMessage('SCRAM-SHA-256', 'n,,n=*,r=rOprNGfwEbeRWgbNEkqO'));
    if (initial.type !== 'PasswordMessage') throw new Error(`unexpected ${initial.type}`);
    expect(decodeSASLInitialResponse(initial.body)).toEqual({
      mechanism: 'SCRAM-SHA-256',
      data: Buffer.from('n,,n=*,r=rOprNGfwEbeRWgbNEkqO'),
    });

    const final = 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=';
    const response = decodeOne(serialize.sendSCRAMClientFinalMessage(final));
    if (response.type !== 'PasswordMessage') throw new Error(`unexpected ${response.type}`);
    expect(decodeSASLResponse(response.body)).toEqual(Buffer.from(final));
  });

  it('random messages of every kind, pipelined in one chunk', () => {
    fc.assert(
      fc.property(startupMessage, cancelRequest, fc.array(regularMessage, { maxLength: 20 }), (startup, cancel, rest) => {
        expect(readAll([cancel.bytes])).toEqual([cancel.message]);
        const stream = Buffer.concat([startup.bytes, ...rest.map((m) => m.bytes)]);
        expect(readAll([stream])).toEqual([startup.message, ...rest.map((m) => m.message)]);
      }),
      { numRuns: 300 },
    );
  });

  it('Bind: random parameter lists', () => {
    fc.assert(
      fc.property(fc.array(bindValue, { maxLength: 40 }), fc.boolean(), (values, binary) => {
        expect(decodeOne(serialize.bind({ values, binary }))).toEqual(bindExpectation(values, binary));
      }),
      { numRuns: 200 },
    );
  });
});

/** A backend message as our writer writes it, next to what pg-protocol's Parser must return. */
interface BackendCase {
  readonly write: (w: BackendWriter) => void;
  readonly parsed: object;
}

const noticeFields: NoticeFields = {
  severity: 'ERROR',
  code: '23505',
  message: 'duplicate key value violates unique constraint "t_pkey"',
  detail: 'Key (id)=(1) already exists.',
  hint: 'Use ON CONFLICT.',
  position: 15,
  internalPosition: 3,
  internalQuery: 'select 1',
  where: 'PL/pgSQL function f() line 3',
  schema: 'public',
  table: 't',
  column: 'id',
  dataType: 'int8',
  constraint: 't_pkey',
  file: 'nbtinsert.c',
  line: 666,
  routine: '_bt_check_unique',
};

/** pg-protocol's names for the notice fields. */
function parsedNotice(f: NoticeFields): object {
  const asText = (n: number | undefined) => (n === undefined ? undefined : String(n));
  return {
    severity: f.severity,
    code: f.code,
    message: f.message,
    detail: f.detail,
    hint: f.hint,
    position: asText(f.position),
    internalPosition: asText(f.internalPosition),
    internalQuery: f.internalQuery,
    where: f.where,
    schema: f.schema,
    table: f.table,
    column: f.column,
    dataType: f.dataType,
    constraint: f.constraint,
    file: f.file,
    line: asText(f.line),
    routine: f.routine,
  };
}

const fields: FieldDescription[] = [
  { name: 'id', tableOid: 16384, columnAttr: 1, typeOid: 20, typeSize: 8, typeModifier: -1, format: 0 },
  { name: 'näme', tableOid: 4294967295, columnAttr: 2, typeOid: 1043, typeSize: -1, typeModifier: 68, format: 1 },
  { name: '?column?', typeOid: 25, typeSize: -1 },
];

const parsedField = (f: FieldDescription) => ({
  name: f.name,
  tableID: f.tableOid ?? 0,
  columnID: f.columnAttr ?? 0,
  dataTypeID: f.typeOid,
  dataTypeSize: f.typeSize,
  dataTypeModifier: f.typeModifier ?? -1,
  format: f.format === 1 ? 'binary' : 'text',
});

const backendCases: Record<string, BackendCase> = {
  authenticationOk: { write: (w) => w.authenticationOk(), parsed: { name: 'authenticationOk' } },
  authenticationCleartextPassword: {
    write: (w) => w.authenticationCleartextPassword(),
    parsed: { name: 'authenticationCleartextPassword' },
  },
  authenticationSASL: {
    write: (w) => w.authenticationSASL(['SCRAM-SHA-256-PLUS', 'SCRAM-SHA-256']),
    parsed: { name: 'authenticationSASL', mechanisms: ['SCRAM-SHA-256-PLUS', 'SCRAM-SHA-256'] },
  },
  authenticationSASLContinue: {
    write: (w) => w.authenticationSASLContinue(Buffer.from('r=abc,s=c2FsdA==,i=4096')),
    parsed: { name: 'authenticationSASLContinue', data: 'r=abc,s=c2FsdA==,i=4096' },
  },
  authenticationSASLFinal: {
    write: (w) => w.authenticationSASLFinal('v=rmF9pqV8S7suAoZWja4dJRkFsKQ='),
    parsed: { name: 'authenticationSASLFinal', data: 'v=rmF9pqV8S7suAoZWja4dJRkFsKQ=' },
  },
  parameterStatus: {
    write: (w) => w.parameterStatus('server_version', '16.0 (ScratchBird)'),
    parsed: { name: 'parameterStatus', parameterName: 'server_version', parameterValue: '16.0 (ScratchBird)' },
  },
  backendKeyData: {
    write: (w) => w.backendKeyData(31337, -2),
    parsed: { name: 'backendKeyData', processID: 31337, secretKey: -2 },
  },
  readyForQuery: { write: (w) => w.readyForQuery('T'), parsed: { name: 'readyForQuery', status: 'T' } },
  rowDescription: {
    write: (w) => w.rowDescription(fields),
    parsed: { name: 'rowDescription', fieldCount: 3, fields: fields.map(parsedField) },
  },
  emptyRowDescription: { write: (w) => w.rowDescription([]), parsed: { name: 'rowDescription', fields: [] } },
  dataRow: {
    write: (w) => w.dataRow(['1', null, Buffer.from('bytes ✓'), '', 'ünïcode 🐘']),
    parsed: { name: 'dataRow', fields: ['1', null, 'bytes ✓', '', 'ünïcode 🐘'] },
  },
  streamedDataRow: {
    write: (w) => w.beginDataRow(3).field(null).field('x').field(new Uint8Array([0x79])).endDataRow(),
    parsed: { name: 'dataRow', fields: [null, 'x', 'y'] },
  },
  commandComplete: { write: (w) => w.commandComplete('INSERT 0 5'), parsed: { name: 'commandComplete', text: 'INSERT 0 5' } },
  emptyQueryResponse: { write: (w) => w.emptyQueryResponse(), parsed: { name: 'emptyQuery' } },
  errorResponse: { write: (w) => w.errorResponse(noticeFields), parsed: { name: 'error', ...parsedNotice(noticeFields) } },
  noticeResponse: {
    write: (w) => w.noticeResponse({ severity: 'NOTICE', code: '00000', message: 'table "t" does not exist, skipping' }),
    parsed: { name: 'notice', ...parsedNotice({ severity: 'NOTICE', code: '00000', message: 'table "t" does not exist, skipping' }) },
  },
  parseComplete: { write: (w) => w.parseComplete(), parsed: { name: 'parseComplete' } },
  bindComplete: { write: (w) => w.bindComplete(), parsed: { name: 'bindComplete' } },
  closeComplete: { write: (w) => w.closeComplete(), parsed: { name: 'closeComplete' } },
  noData: { write: (w) => w.noData(), parsed: { name: 'noData' } },
  portalSuspended: { write: (w) => w.portalSuspended(), parsed: { name: 'portalSuspended' } },
  parameterDescription: {
    write: (w) => w.parameterDescription([23, 25, 4294967295]),
    parsed: { name: 'parameterDescription', parameterCount: 3, dataTypeIDs: [23, 25, 4294967295] },
  },
  copyInResponse: {
    write: (w) => w.copyInResponse(1, [1, 1, 1]),
    parsed: { name: 'copyInResponse', binary: true, columnTypes: [1, 1, 1] },
  },
  copyOutResponse: {
    write: (w) => w.copyOutResponse(0, [0, 0]),
    parsed: { name: 'copyOutResponse', binary: false, columnTypes: [0, 0] },
  },
  copyData: {
    write: (w) => w.copyData(Buffer.from('1\tone\n')),
    parsed: { name: 'copyData', chunk: Buffer.from('1\tone\n') },
  },
  copyDone: { write: (w) => w.copyDone(), parsed: { name: 'copyDone' } },
  notificationResponse: {
    write: (w) => w.notificationResponse(77, 'orders', '{"id": 1}'),
    parsed: { name: 'notification', processId: 77, channel: 'orders', payload: '{"id": 1}' },
  },
};

describe('our BackendWriter writes, pg-protocol parses', () => {
  for (const [label, c] of Object.entries(backendCases)) {
    it(label, () => {
      const w = new BackendWriter();
      c.write(w);
      const bytes = w.flush();
      const parsed = parseBackend([bytes]);
      expect(parsed).toHaveLength(1);
      expect(parsed[0]).toMatchObject({ ...c.parsed, length: bytes.length - 1 });
    });
  }

  it('a whole burst in one buffer: every message, in order', () => {
    const w = new BackendWriter();
    const cases = Object.values(backendCases);
    for (const c of cases) c.write(w);
    const parsed = parseBackend([w.flush()]);
    expect(parsed).toHaveLength(cases.length);
    parsed.forEach((message, i) => expect(message).toMatchObject(cases[i].parsed));
  });

  const value = fc.oneof(fc.constant(null), text, fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b)));
  const severity = fc.constantFrom('ERROR', 'FATAL', 'PANIC', 'WARNING', 'NOTICE', 'DEBUG', 'INFO', 'LOG') as fc.Arbitrary<NoticeFields['severity']>;
  const notice: fc.Arbitrary<NoticeFields> = fc.record(
    {
      severity,
      code: fc.stringMatching(/^[0-9A-Z]{5}$/),
      message: text,
      detail: text,
      hint: text,
      position: fc.nat(),
      where: text,
      table: text,
      constraint: text,
      line: fc.nat(),
    },
    { requiredKeys: ['severity', 'code', 'message'] },
  );
  const field: fc.Arbitrary<FieldDescription> = fc.record({
    name: text,
    tableOid: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    columnAttr: fc.integer({ min: -32768, max: 32767 }),
    typeOid: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    typeSize: fc.integer({ min: -32768, max: 32767 }),
    typeModifier: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    format: fc.constantFrom<0 | 1>(0, 1),
  });
  const randomCase: fc.Arbitrary<BackendCase> = fc.oneof(
    fc.array(value, { maxLength: 12 }).map((values) => ({
      write: (w: BackendWriter) => void w.dataRow(values),
      parsed: { name: 'dataRow', fields: values.map((v) => (v === null || typeof v === 'string' ? v : v.toString('utf8'))) },
    })),
    fc.array(field, { maxLength: 6 }).map((fs) => ({
      write: (w: BackendWriter) => void w.rowDescription(fs),
      parsed: { name: 'rowDescription', fields: fs.map(parsedField) },
    })),
    notice.map((n) => ({ write: (w: BackendWriter) => void w.errorResponse(n), parsed: { name: 'error', ...parsedNotice(n) } })),
    fc.tuple(text, text).map(([k, v]) => ({
      write: (w: BackendWriter) => void w.parameterStatus(k, v),
      parsed: { name: 'parameterStatus', parameterName: k, parameterValue: v },
    })),
    text.map((tag) => ({ write: (w: BackendWriter) => void w.commandComplete(tag), parsed: { name: 'commandComplete', text: tag } })),
    fc.constantFrom<'I' | 'T' | 'E'>('I', 'T', 'E').map((status) => ({
      write: (w: BackendWriter) => void w.readyForQuery(status),
      parsed: { name: 'readyForQuery', status },
    })),
  );

  it('random bursts, delivered to the parser in random chunks', () => {
    fc.assert(
      fc.property(fc.array(randomCase, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 10 }), (cases, cuts) => {
        const w = new BackendWriter();
        for (const c of cases) c.write(w);
        const bytes = w.flush();
        const parsed = parseBackend(split(bytes, cuts.map((c) => c % (bytes.length + 1))));
        expect(parsed).toHaveLength(cases.length);
        parsed.forEach((message, i) => expect(message).toMatchObject(cases[i].parsed));
      }),
      { numRuns: 300 },
    );
  });
});
