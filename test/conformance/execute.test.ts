/**
 * Judging records against scripted sessions (no server): statement and query verdicts,
 * skipif/onlyif and halt, sessions per connection name, labels, a broken session ending the
 * file, --record rewriting the results in place, and the baseline that only goes up.
 */
import { describe, expect, it } from 'vitest';
import { executeRecords, type Answer, type SqlSession } from '../../conformance/runner/execute.ts';
import { rewriteExpected } from '../../conformance/runner/record.ts';
import { checkBaseline, formatTable, type Tally } from '../../conformance/runner/report.ts';
import { parseSlt, type Engine } from '../../conformance/runner/slt.ts';

type Script = Record<string, Answer | Error>;

function ok(rows: (string | null)[][], columns = rows[0]?.length ?? 0): Answer {
  return { ok: true, columns, rows };
}

function fail(sqlstate: string, message = 'boom'): Answer {
  return { ok: false, sqlstate, message };
}

/** Runs `text` with answers looked up by "<connection>:<sql>"; returns outcomes and the SQL each session saw. */
async function run(text: string, script: Script, engine: Engine = 'scratchbird') {
  const seen: string[] = [];
  const closed: string[] = [];
  const records = parseSlt(text, 't.slt');
  const result = await executeRecords(records, {
    engine,
    async openSession(name): Promise<SqlSession> {
      return {
        async run(sql) {
          seen.push(`${name}:${sql}`);
          const answer = script[`${name}:${sql}`] ?? ok([]);
          if (answer instanceof Error) throw answer;
          return answer;
        },
        async close() {
          closed.push(name);
        },
      };
    },
  });
  return { records, ...result, seen, closed, statuses: result.outcomes.map((o) => `${o.record.line}:${o.status}`) };
}

describe('executeRecords', () => {
  it('judges statements by success, SQLSTATE or message regex', async () => {
    const text = 'statement ok\nA\n\nstatement ok\nB\n\nstatement error 23505\nC\n\nstatement error 23505\nD\n\nstatement error dup.*key\nE\n\nstatement error 42601\nF\n';
    const { statuses, outcomes } = await run(text, {
      'default:B': fail('42P01', 'no table'),
      'default:C': fail('23505'),
      'default:D': fail('23502'),
      'default:E': fail('23505', 'duplicate key value'),
    });
    expect(statuses).toEqual(['1:passed', '4:failed', '7:passed', '10:failed', '13:passed', '16:failed']);
    expect(outcomes[1]).toMatchObject({ expected: 'ok', actual: 'error 42P01: no table' });
    expect(outcomes[3]).toMatchObject({ expected: 'error 23505', actual: 'error 23502: boom' });
    expect(outcomes[5]).toMatchObject({ expected: 'error 42601', actual: 'ok' });
  });

  it('judges queries by the formatted result and the number of columns', async () => {
    const text = 'query IT rowsort\nQ1\n----\n1 a\n2 NULL\n\nquery I\nQ2\n----\n1\n\nquery II\nQ3\n----\n1\n\nquery I\nQ4\n----\n1\n\nquery I\nQ5\n';
    const { statuses, outcomes } = await run(text, {
      'default:Q1': ok([['2', null], ['1', 'a']]),
      'default:Q2': ok([['2']]),
      'default:Q3': ok([['1']]),
      'default:Q4': fail('22012', 'division by zero'),
      'default:Q5': ok([['1']]),
    });
    expect(statuses).toEqual(['1:passed', '7:failed', '12:failed', '17:failed', '22:failed']);
    expect(outcomes[1]).toMatchObject({ expected: '1', actual: '2' });
    expect(outcomes[2].expected).toContain('2 column(s)');
    expect(outcomes[3]).toMatchObject({ actual: 'error 22012: division by zero' });
    expect(outcomes[4].expected).toContain('--record');
  });

  it('skips by skipif/onlyif and stops at halt for the engine it names', async () => {
    const text = 'skipif scratchbird\nstatement ok\nA\n\nonlyif scratchbird\nstatement ok\nB\n\nonlyif postgresql\nhalt\n\nstatement ok\nC\n\nhalt\n\nstatement ok\nD\n';
    const sb = await run(text, {});
    expect(sb.statuses).toEqual(['2:skipped', '6:passed', '12:passed', '17:skipped']);
    expect(sb.seen).toEqual(['default:B', 'default:C']);
    const pg = await run(text, {}, 'postgresql');
    expect(pg.statuses).toEqual(['2:passed', '6:skipped', '12:skipped', '17:skipped']);
  });

  it('runs records on the session their connection names and closes every session', async () => {
    const text = 'statement ok\nA\n\nconnection b\n\nstatement ok\nB\n\nconnection default\n\nstatement ok\nC\n';
    const { seen, closed } = await run(text, {});
    expect(seen).toEqual(['default:A', 'b:B', 'default:C']);
    expect(closed.sort()).toEqual(['b', 'default']);
  });

  it('fails a query whose label saw a different result before', async () => {
    const text = 'query I nosort same\nQ1\n----\n1\n\nquery I nosort same\nQ2\n----\n1\n\nquery I nosort same\nQ3\n----\n2\n';
    const { statuses } = await run(text, { 'default:Q1': ok([['1']]), 'default:Q2': ok([['1']]), 'default:Q3': ok([['2']]) });
    expect(statuses).toEqual(['1:passed', '6:passed', '11:failed']);
  });

  it('fails the rest of the file when a session breaks', async () => {
    const text = 'statement ok\nA\n\nstatement ok\nB\n\nskipif scratchbird\nstatement ok\nC\n';
    const { statuses, outcomes, seen } = await run(text, { 'default:A': new Error('Connection terminated') });
    expect(statuses).toEqual(['1:failed', '4:failed', '8:failed']);
    expect(outcomes[2].actual).toContain('Connection terminated');
    expect(seen).toEqual(['default:A']);
  });
});

describe('rewriteExpected', () => {
  it('replaces results under ---- and adds ---- where missing, leaving the rest as it was', async () => {
    const text = '# keep me\nquery I\nQ1\n----\n9\n9\n\nstatement ok\nS\n\nquery IT\nQ2\n\nquery I\nQ3\n----\n5\n';
    const { records, answers } = await run(text, { 'default:Q1': ok([['1']]), 'default:Q2': ok([['2', '']]), 'default:Q3': fail('22012') });
    expect(rewriteExpected(text, records, answers)).toBe('# keep me\nquery I\nQ1\n----\n1\n\nstatement ok\nS\n\nquery IT\nQ2\n----\n2 (empty)\n\nquery I\nQ3\n----\n5\n');
  });
});

describe('baseline', () => {
  const tally = (passed: number): Tally => ({ files: 1, records: 10, passed, failed: 10 - passed, skipped: 0 });

  it('fails when the pass count drops below it', () => {
    expect(checkBaseline({ passed: 8, records: 10 }, tally(7), false)).toMatchObject({ ok: false });
    expect(checkBaseline({ passed: 8, records: 10 }, tally(7), true)).toMatchObject({ ok: false });
  });

  it('only ever raises it, and only when asked', () => {
    expect(checkBaseline({ passed: 8, records: 10 }, tally(9), false)).toEqual({ ok: true, message: expect.any(String) });
    expect(checkBaseline({ passed: 8, records: 10 }, tally(9), true)).toMatchObject({ ok: true, write: { passed: 9, records: 10 } });
    expect(checkBaseline(null, tally(3), true)).toMatchObject({ ok: true, write: { passed: 3 } });
    expect(checkBaseline({ passed: 8, records: 10 }, tally(8), true)).not.toHaveProperty('write');
  });
});

describe('formatTable', () => {
  it('prints one row per category and a total', () => {
    const table = formatTable(new Map([
      ['joins', { files: 1, records: 4, passed: 3, failed: 1, skipped: 0 }],
      ['ddl', { files: 2, records: 6, passed: 5, failed: 0, skipped: 1 }],
    ]));
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^category\s+files\s+records\s+passed\s+failed\s+skipped\s+pass %$/);
    expect(lines[2]).toMatch(/^ddl\s+2\s+6\s+5\s+0\s+1\s+100\.0$/);
    expect(lines[3]).toMatch(/^joins\s+1\s+4\s+3\s+1\s+0\s+75\.0$/);
    expect(lines[5]).toMatch(/^total\s+3\s+10\s+8\s+1\s+1\s+88\.9$/);
  });
});
