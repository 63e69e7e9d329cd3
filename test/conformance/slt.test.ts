/**
 * The .slt parser: records, directives carried onto the records after them, conditions on the
 * one record they precede, and syntax errors that name the line.
 */
import { describe, expect, it } from 'vitest';
import { appliesTo, parseSlt, SltSyntaxError, type QueryRecord, type StatementRecord } from '../../conformance/runner/slt.ts';

const FILE = `# a comment
statement ok
CREATE TABLE t (x int)

statement error 23505
INSERT INTO t
VALUES (1)

statement error duplicate key .* "t_pkey"
INSERT INTO t VALUES (1)

subtest reading things
hash-threshold 8
connection other

skipif postgresql
query IT rowsort lbl
SELECT x, 'a'
FROM t
----
1 a
2 (empty)

query R
SELECT 1.5

onlyif scratchbird
halt
`;

describe('parseSlt', () => {
  const records = parseSlt(FILE, 'f.slt');

  it('reads statements with their expectation and multi-line SQL', () => {
    const [ok, bySqlstate, byMessage] = records as StatementRecord[];
    expect(ok).toMatchObject({ kind: 'statement', line: 2, sql: 'CREATE TABLE t (x int)', error: null, connection: 'default', subtest: '' });
    expect(bySqlstate).toMatchObject({ line: 5, sql: 'INSERT INTO t\nVALUES (1)', error: { sqlstate: '23505' } });
    expect('message' in byMessage.error! && byMessage.error.message.test('duplicate key value violates "t_pkey"')).toBe(true);
  });

  it('reads queries with types, sort mode, label, expected lines and the directives in force', () => {
    const query = records[3] as QueryRecord;
    expect(query).toMatchObject({
      kind: 'query',
      line: 17,
      types: 'IT',
      sort: 'rowsort',
      label: 'lbl',
      sql: "SELECT x, 'a'\nFROM t",
      expected: ['1 a', '2 (empty)'],
      subtest: 'reading things',
      connection: 'other',
      hashThreshold: 8,
      resultRange: { start: 19, end: 22 },
    });
    expect(query.conditions).toEqual([{ kind: 'skipif', engine: 'postgresql' }]);
  });

  it('leaves expected null when a query has no ---- yet and defaults to nosort', () => {
    const query = records[4] as QueryRecord;
    expect(query).toMatchObject({ sort: 'nosort', label: null, expected: null, resultRange: { start: 25, end: 25 } });
    expect(query.conditions).toEqual([]);
  });

  it('applies skipif/onlyif to the next record only', () => {
    const [, , , skipped, plain, halt] = records;
    expect(appliesTo(skipped, 'postgresql')).toBe(false);
    expect(appliesTo(skipped, 'scratchbird')).toBe(true);
    expect(appliesTo(plain, 'postgresql')).toBe(true);
    expect(halt).toMatchObject({ kind: 'halt', line: 28 });
    expect(appliesTo(halt, 'postgresql')).toBe(false);
  });

  it.each([
    ['statement maybe\nSELECT 1\n', 1, 'statement takes'],
    ['query X\nSELECT 1\n', 1, 'column type letters'],
    ['query I bogus\nSELECT 1\n', 1, 'unknown sort mode'],
    ['statement ok\n\n', 1, 'no SQL'],
    ['statement ok\nSELECT 1\n----\n1\n', 3, 'no ---- results'],
    ['skipif mysql\nstatement ok\nSELECT 1\n', 1, 'skipif takes'],
    ['onlyif postgresql\nconnection b\n', 2, 'cannot apply'],
    ['frobnicate\n', 1, 'unknown record type'],
    ['statement error (\nSELECT 1\n', 1, 'bad message regex'],
    ['hash-threshold -1\n', 1, 'non-negative'],
  ])('rejects %j at line %i', (text, line, message) => {
    let thrown: unknown;
    try {
      parseSlt(text, 'bad.slt');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SltSyntaxError);
    expect(thrown).toMatchObject({ line });
    expect((thrown as Error).message).toContain(`bad.slt:${line}: `);
    expect((thrown as Error).message).toContain(message);
  });
});
