/**
 * src/sql/types against a real PostgreSQL 15 (skipped, saying why, when it is not installed).
 *
 * - pg_type and RowDescription: OIDs, typlen, array types and atttypmod of our catalog.
 * - Round trips: values of every type (edges + fast-check samples, seed FC_SEED) go to
 *   PostgreSQL as one binary array parameter built by our encoder; PostgreSQL's text output must
 *   equal ours, our text input must read it back to the value, and PostgreSQL's typsend bytes
 *   must equal our encoding and decode to the value. timestamptz runs under several TimeZones.
 *   jsonb is normalized by PostgreSQL, so its expected value is PostgreSQL's text.
 * - Text input: hand-picked and fuzzed strings per type; acceptance, value, SQLSTATE and
 *   message must match PostgreSQL's input functions.
 * - Binary input: malformed and unusual binary parameters; SQLSTATE, message and value must match.
 */
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatType, parseType, type ColumnType, type ScalarType, type Value } from '../../../src/engine/types.ts';
import { binaryRecv, binarySend, textIn, textOut, typeFromOid, typeLength, typeModifier, typeOid, type NonNullValue } from '../../../src/sql/types/index.ts';
import { findPostgres, startPostgres, type PostgresServer } from '../../support/postgres.ts';
import { ARRAY_INPUTS, BINARY_INPUTS, TEXT_INPUTS } from './corpus.ts';
import { SCALAR_KINDS, sampleValues, sameValue, show } from './values.ts';

const found = findPostgres();
const missing = 'missing' in found ? found.missing : undefined;
if (missing !== undefined) console.warn(`Skipping the PostgreSQL differential type tests: ${missing}.`);

/** DST north and south, half- and quarter-hour offsets, a POSIX offset and plain hours. */
const ZONES = ['UTC', 'America/New_York', 'Europe/Paris', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/Sao_Paulo', '+05:30', 'UTC+3', '-3'];
const VALUES_PER_TYPE = 300;
const FUZZ_PER_TYPE = 150;

interface Catalog {
  readonly name: string;
  readonly length: number;
  readonly arrayOid: number;
  readonly send: string;
  readonly output: string;
}

type Outcome = { readonly text: string; readonly bytes: Buffer } | { readonly code: string; readonly message: string };

/** Runs each input through the type's input, output and send functions, catching errors one by one. */
const TRY_INPUT = `
CREATE FUNCTION try_input(inputs text[], typ text, output_fn text, send_fn text)
RETURNS TABLE (n int, state text, message text, output text, bytes bytea) LANGUAGE plpgsql AS $$
BEGIN
  FOR i IN 1 .. coalesce(array_length(inputs, 1), 0) LOOP
    n := i; state := NULL; message := NULL; output := NULL; bytes := NULL;
    BEGIN
      EXECUTE format('SELECT %s(x)::text, %s(x) FROM (SELECT $1::%s AS x) s', output_fn, send_fn, typ) INTO output, bytes USING inputs[i];
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT;
    END;
    RETURN NEXT;
  END LOOP;
END $$`;

const bytea = (text: string) => Buffer.from(text.slice(2), 'hex');
const toBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const arrayOf = (element: ScalarType): ColumnType => ({ kind: 'array', element });
const isJsonb = (type: ColumnType) => type.kind === 'jsonb' || (type.kind === 'array' && type.element.kind === 'jsonb');

function ours(run: () => { text: string; bytes: Uint8Array }): Outcome {
  try {
    const { text, bytes } = run();
    return { text, bytes: toBuffer(bytes) };
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    return { code: code ?? `not an EngineError: ${String(error)}`, message };
  }
}

describe.skipIf(missing !== undefined)('value I/O matches PostgreSQL 15', () => {
  let server: PostgresServer;
  let client: pg.Client;
  const catalog = new Map<number, Catalog>();

  beforeAll(async () => {
    server = await startPostgres();
    client = new pg.Client({ host: server.host, port: server.port, user: server.user, database: server.database, types: { getTypeParser: () => (text: string) => text } });
    await client.connect();
    await client.query(TRY_INPUT);
    const oids = SCALAR_KINDS.flatMap((kind) => [typeOid({ kind } as ScalarType), typeOid(arrayOf({ kind } as ScalarType))]);
    const { rows } = await client.query('SELECT oid, typname, typlen, typarray, typsend::text, typoutput::text FROM pg_type WHERE oid = ANY($1::oid[])', [oids]);
    for (const row of rows) catalog.set(Number(row.oid), { name: row.typname, length: Number(row.typlen), arrayOid: Number(row.typarray), send: row.typsend, output: row.typoutput });
  });

  afterAll(async () => {
    await client?.end();
    await server?.stop();
  });

  const info = (type: ColumnType) => catalog.get(typeOid(type))!;
  const sqlName = (type: ColumnType): string => (type.kind === 'array' ? `${sqlName(type.element)}[]` : info(type).name);

  it('has the OIDs, typlen and array types of pg_type', () => {
    for (const kind of SCALAR_KINDS) {
      const type = { kind } as ScalarType;
      const row = catalog.get(typeOid(type));
      expect(row, kind).toBeDefined();
      expect([row!.length, row!.arrayOid], kind).toEqual([typeLength(type), typeOid(arrayOf(type))]);
      expect(typeFromOid(typeOid(type))).toEqual(type);
      expect(typeFromOid(row!.arrayOid)).toEqual(arrayOf(type));
      expect(catalog.get(row!.arrayOid)?.length).toBe(typeLength(arrayOf(type)));
    }
  });

  it('describes columns as RowDescription does: OID, size, atttypmod', async () => {
    const columns = ['int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'numeric(10,2)', 'numeric(5)', 'numeric(1000,1000)', 'bool', 'text', 'varchar', 'varchar(20)', 'char', 'char(5)', 'date', 'time', 'timestamp', 'timestamptz', 'interval', 'uuid', 'bytea', 'jsonb', 'int4[]', 'varchar(3)[]', 'numeric(7,3)[]', 'char(2)[]', 'text[]'];
    await client.query(`CREATE TEMP TABLE shapes (${columns.map((column, i) => `c${i} ${column}`).join(', ')})`);
    const { fields } = await client.query('SELECT * FROM shapes');
    const described = fields.map((field) => [field.dataTypeID, field.dataTypeSize, field.dataTypeModifier]);
    expect(described).toEqual(columns.map((column) => [typeOid(parseType(column)), typeLength(parseType(column)), typeModifier(parseType(column))]));
  });

  /** Our view of a value PostgreSQL printed and sent: mismatches as readable lines. */
  function compare(type: ColumnType, value: Value, text: string, bytes: Buffer, timeZone: string): string[] {
    const problems: string[] = [];
    try {
      const expected = isJsonb(type) ? textIn(type, text, timeZone) : (value as NonNullValue);
      const printed = textOut(type, expected, timeZone);
      if (printed !== text) problems.push(`text out ${JSON.stringify(printed)} but PostgreSQL printed ${JSON.stringify(text)}`);
      const read = textIn(type, text, timeZone);
      if (!sameValue(read, expected)) problems.push(`text in gives ${show(read)}`);
      const sent = toBuffer(binarySend(type, expected));
      if (!sent.equals(bytes)) problems.push(`send ${sent.toString('hex')} but PostgreSQL sent ${bytes.toString('hex')}`);
      const received = binaryRecv(type, bytes);
      if (!sameValue(received, expected)) problems.push(`recv gives ${show(received)}`);
    } catch (error) {
      problems.push(`threw ${(error as Error).message}`);
    }
    return problems.map((problem) => `${formatType(type)} ${show(value)} (TimeZone ${timeZone}): ${problem}`);
  }

  async function roundTripScalars(type: ScalarType, values: readonly Value[], timeZone: string): Promise<string[]> {
    await client.query(`SET TimeZone = '${timeZone}'`);
    const { rows } = await client.query({
      text: `SELECT u, ${info(type).send}(u) AS b FROM unnest($1::${sqlName(type)}[]) WITH ORDINALITY AS x(u, n) ORDER BY n`,
      values: [toBuffer(binarySend(arrayOf(type), values as NonNullValue))],
    });
    expect(rows.length).toBe(values.length);
    return rows.flatMap((row, i) => compare(type, values[i], row.u, bytea(row.b), timeZone));
  }

  async function roundTripArrays(type: ColumnType, values: readonly Value[], timeZone: string): Promise<string[]> {
    await client.query(`SET TimeZone = '${timeZone}'`);
    const tuples = values.map((_, i) => `(${i}, $${i + 1}::${sqlName(type)})`).join(', ');
    const { rows } = await client.query({
      text: `SELECT v, array_send(v) AS b FROM (VALUES ${tuples}) AS x(n, v) ORDER BY n`,
      values: values.map((value) => toBuffer(binarySend(type, value as NonNullValue))),
    });
    return rows.flatMap((row, i) => compare(type, values[i], row.v, bytea(row.b), timeZone));
  }

  for (const kind of SCALAR_KINDS) {
    it(`round-trips ${kind} values through PostgreSQL's text and binary forms`, async () => {
      const type = { kind } as ScalarType;
      const zones = kind === 'timestamptz' ? ZONES : ['UTC'];
      const problems: string[] = [];
      for (const [i, zone] of zones.entries()) problems.push(...(await roundTripScalars(type, sampleValues(type, VALUES_PER_TYPE, i), zone)));
      problems.push(...(await roundTripArrays(arrayOf(type), sampleValues(arrayOf(type), 40), zones[zones.length - 1])));
      expect(problems.slice(0, 10)).toEqual([]);
    });
  }

  /** Compares our reading of each input with PostgreSQL's input function, in one round trip. */
  async function compareInputs(type: ColumnType, inputs: readonly string[], timeZone: string): Promise<string[]> {
    await client.query(`SET TimeZone = '${timeZone}'`);
    const { output, send } = info(type);
    const { rows } = await client.query('SELECT * FROM try_input($1::text[], $2, $3, $4) ORDER BY n', [inputs, sqlName(type), output, send]);
    return rows.flatMap((row, i) => {
      const input = inputs[i];
      const theirs: Outcome = row.state === null ? { text: row.output, bytes: bytea(row.bytes) } : { code: row.state, message: row.message };
      const mine = ours(() => {
        const value = textIn(type, input, timeZone);
        // jsonb keeps the text; PostgreSQL prints it normalized, so compare the normalized value.
        const shown = isJsonb(type) ? textIn(type, (theirs as { text: string }).text, timeZone) : value;
        return { text: textOut(type, shown, timeZone), bytes: binarySend(type, shown) };
      });
      if (sameOutcome(theirs, mine) || deliberate(theirs, mine)) return [];
      return [`${formatType(type)} ${JSON.stringify(input)} (TimeZone ${timeZone}): PostgreSQL ${show(theirs)}; ours ${show(mine)}`];
    });
  }

  for (const kind of SCALAR_KINDS) {
    it(`reads ${kind} text input as PostgreSQL does, errors included`, async () => {
      const type = { kind } as ScalarType;
      const inputs = [...TEXT_INPUTS[kind], ...fuzz(fuzzText(kind))];
      const zones = kind === 'timestamptz' || kind === 'date' || kind === 'time' ? ['UTC', 'America/New_York'] : ['UTC'];
      const problems: string[] = [];
      for (const zone of zones) problems.push(...(await compareInputs(type, inputs, zone)));
      expect(problems.slice(0, 10)).toEqual([]);
    });
  }

  it('reads array literals as PostgreSQL does, errors included', async () => {
    const problems: string[] = [];
    for (const kind of new Set(ARRAY_INPUTS.map(([element]) => element))) {
      const type = arrayOf({ kind } as ScalarType);
      const literals = ARRAY_INPUTS.filter(([element]) => element === kind).map(([, literal]) => literal);
      if (kind === 'int4' || kind === 'text') literals.push(...fuzz(fuzzArray));
      problems.push(...(await compareInputs(type, literals, 'UTC')));
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('receives binary values as PostgreSQL does, errors included', async () => {
    const problems: string[] = [];
    for (const [name, hex] of BINARY_INPUTS) {
      const type = parseType(name);
      const bytes = Buffer.from(hex, 'hex');
      let theirs: Outcome;
      try {
        const { rows } = await client.query({ text: `SELECT $1::${sqlName(type)} AS v`, values: [bytes] });
        theirs = { text: rows[0].v, bytes: Buffer.alloc(0) };
      } catch (error) {
        const { code, message } = error as { code: string; message: string };
        theirs = { code, message };
      }
      const mine = ours(() => ({ text: textOut(type, binaryRecv(type, bytes, 1)), bytes: new Uint8Array(0) }));
      if (!sameOutcome(theirs, mine) && !deliberate(theirs, mine)) problems.push(`${name} ${hex}: PostgreSQL ${show(theirs)}; ours ${show(mine)}`);
    }
    expect(problems).toEqual([]);
  });
});

/**
 * Where we differ on purpose: a bad jsonb version byte, for which PostgreSQL raises an internal
 * error (XX000) and we the binary format error it is.
 */
function deliberate(theirs: Outcome, mine: Outcome): boolean {
  if ('text' in theirs) return false;
  return theirs.code === 'XX000' && 'code' in mine && mine.code === '22P03' && mine.message === theirs.message;
}

function sameOutcome(theirs: Outcome, mine: Outcome): boolean {
  if ('code' in theirs) return 'code' in mine && mine.code === theirs.code && mine.message === theirs.message;
  return 'text' in mine && mine.text === theirs.text && mine.bytes.equals(theirs.bytes);
}

/** Fuzz inputs, the same on every run unless FC_SEED says otherwise. */
function fuzz(arbitrary: fc.Arbitrary<string>): string[] {
  return fc.sample(arbitrary, { numRuns: FUZZ_PER_TYPE, seed: Number(process.env.FC_SEED ?? 7) });
}

/** Words whose datetime meaning is left out here (see datetime-in.ts). */
const LEFT_OUT_WORDS = /(^|[^a-z])(now|today|tomorrow|yesterday|j|jd|julian|y|m|d|h|mm|s|dow|doy|isodow|isoyear|dst)($|[^a-z])/i;

/** A name, an offset, a name: a POSIX zone with daylight saving ('abc5def', 'x.5y'), left out in time-zone.ts. */
const POSIX_WITH_DST = /[a-z][^\d,+-]*[+-]?\d[\d:]*[^\d,+\s-]/i;

const pieces = (...tokens: string[]) => fc.array(fc.constantFrom(...tokens), { minLength: 1, maxLength: 8 }).map((parts) => parts.join(''));
const DATETIME_TOKENS = ['2020', '-', '01', '02', '/', '.', ' ', 'T', ':', '12', '60', '24', '00', '5', '.5', '+05', '-03:30', 'Z', 'BC', 'AD', 'jan', 'pm', 'am', 'EST', 'Europe/Paris', 'epoch', 'infinity', '-infinity', '999999', '20200102', '120000', 'allballs', ',', 'UTC', '+1', 'abc', 'sunday'];

function fuzzText(kind: ScalarType['kind']): fc.Arbitrary<string> {
  switch (kind) {
    case 'int2':
    case 'int4':
    case 'int8':
    case 'float4':
    case 'float8':
    case 'numeric':
      return pieces(' ', '+', '-', '0', '1', '9', '99999', '.', 'e', 'E', 'x', '0x', 'p', 'inf', 'Infinity', 'NaN', '\t', '32768', '2147483648', '9223372036854775808', '1e40', '1e308', '1e-400');
    case 'bool':
      return pieces(' ', 't', 'r', 'u', 'e', 'f', 'a', 'l', 's', 'y', 'n', 'o', '1', '0', 'T', 'O');
    case 'date':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      return pieces(...DATETIME_TOKENS).filter((text) => !LEFT_OUT_WORDS.test(text.replace(/[^a-z]+/gi, ' ')) && !POSIX_WITH_DST.test(text));
    case 'interval':
      return pieces('1', '-1', '1.5', '+2', ' ', 'day', 'days', 'hour', 'mons', 'ago', '@', ':', '02:00', '-00:30', 'P', 'T', 'Y', 'M', 'D', 'H', 'S', 'W', '-', 'years', 'us', 'ms', 'week', '2147483647', '9223372036854775807');
    case 'uuid':
      return pieces('a0eebc99', '9c0b', '-', '{', '}', 'BB6D', '6bb9bd380a11', '4ef8', '0', 'g');
    case 'bytea':
      return pieces('\\x', '\\', '41', 'a', '0', ' ', '\\\\', '\\101', '7', 'g', '\\400');
    case 'jsonb':
      return pieces('{', '}', '[', ']', ',', ':', '"a"', '"\\u00e9"', '"\\ud800"', '1', '-0', '1.5e3', 'true', 'nul', ' ', '"', '\\');
    default:
      return fc.string({ maxLength: 8 });
  }
}

const fuzzArray = pieces('{', '}', ',', '"', '\\', ' ', 'NULL', '1', '-2', '[1:2]=', '=', '[', ']');
