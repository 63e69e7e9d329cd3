/**
 * BackendWriter beyond what pg-protocol can check: exact bytes where PostgreSQL fixes them,
 * buffer ownership across flushes, strings that could break framing, and the state checks
 * that catch a caller's bug.
 */
import { describe, expect, it } from 'vitest';
import { BackendWriter } from '../../src/pgwire/index.ts';
import { cstr, frame, int32, parseBackend } from './streams.ts';

describe('BackendWriter', () => {
  it('ErrorResponse fields in PostgreSQL order, severity as both S and V', () => {
    const bytes = new BackendWriter()
      .errorResponse({ severity: 'ERROR', code: '42P01', message: 'relation "t" does not exist', position: 15, routine: 'parserOpenTable', hint: 'h' })
      .flush();
    const field = (code: string, value: string) => Buffer.concat([Buffer.from(code), cstr(value)]);
    expect(bytes).toEqual(
      frame(
        'E',
        field('S', 'ERROR'),
        field('V', 'ERROR'),
        field('C', '42P01'),
        field('M', 'relation "t" does not exist'),
        field('H', 'h'),
        field('P', '15'),
        field('R', 'parserOpenTable'),
        Buffer.from([0]),
      ),
    );
  });

  it('abandonMessage drops a half-written DataRow so the next message follows the last whole one', () => {
    const writer = new BackendWriter().commandComplete('SELECT 1');
    writer.beginDataRow(2).field('half');
    const bytes = writer.abandonMessage().readyForQuery('I').flush();
    expect(bytes).toEqual(Buffer.concat([frame('C', cstr('SELECT 1')), frame('Z', Buffer.from('I'))]));
    expect(writer.abandonMessage().flush()).toEqual(Buffer.alloc(0));
  });

  it('NegotiateProtocolVersion and the unframed encryption answers', () => {
    expect(new BackendWriter().negotiateProtocolVersion(0, ['_pq_.compression']).flush()).toEqual(
      frame('v', int32(0), int32(1), cstr('_pq_.compression')),
    );
    expect(new BackendWriter().encryptionResponse(true).flush()).toEqual(Buffer.from('S'));
    expect(new BackendWriter().encryptionResponse(false).flush()).toEqual(Buffer.from('N'));
  });

  it('a NUL inside a string ends it there instead of breaking the framing', () => {
    const bytes = new BackendWriter().parameterStatus('appli\0cation_name', 'x\0y').readyForQuery('I').flush();
    expect(parseBackend([bytes])).toMatchObject([
      { name: 'parameterStatus', parameterName: 'appli', parameterValue: 'x' },
      { name: 'readyForQuery', status: 'I' },
    ]);
  });

  it('long text values with multibyte characters get their exact byte length', () => {
    const long = 'é🐘'.repeat(3000);
    const bytes = new BackendWriter().dataRow([long, 'a'.repeat(5000), null]).commandComplete('SELECT 1').flush();
    expect(parseBackend([bytes])).toMatchObject([
      { name: 'dataRow', fields: [long, 'a'.repeat(5000), null] },
      { name: 'commandComplete', text: 'SELECT 1' },
    ]);
  });

  it('a small burst is copied out: later bursts do not touch it', () => {
    const w = new BackendWriter();
    const first = w.commandComplete('SELECT 1').readyForQuery('I').flush();
    const snapshot = Buffer.from(first);
    expect(w.length).toBe(0);
    w.commandComplete('DELETE 99').readyForQuery('E');
    expect(w.length).toBeGreaterThan(0);
    const second = w.flush();
    expect(first).toEqual(snapshot);
    expect(parseBackend([second])).toMatchObject([{ text: 'DELETE 99' }, { status: 'E' }]);
  });

  it('a large burst takes the buffer with it and the writer starts afresh', () => {
    const w = new BackendWriter();
    const value = Buffer.alloc(1000, 0x78);
    for (let i = 0; i < 100; i++) w.dataRow([value]);
    const big = w.flush();
    const snapshot = Buffer.from(big);
    expect(big.length).toBe(100 * (1 + 4 + 2 + 4 + 1000));
    w.dataRow(['overwrite?']);
    const small = w.flush();
    expect(big.equals(snapshot)).toBe(true);
    expect(parseBackend([small])).toMatchObject([{ fields: ['overwrite?'] }]);
    expect(parseBackend([big])).toHaveLength(100);
  });

  it("a caller's mistakes throw instead of sending broken messages", () => {
    expect(() => new BackendWriter().field('x')).toThrow(/outside a DataRow/);
    expect(() => new BackendWriter().beginDataRow(2).field('x').endDataRow()).toThrow(/1 fields missing/);
    expect(() => new BackendWriter().beginDataRow(1).field('x').field('y')).toThrow(/past its field count/);
    expect(() => new BackendWriter().beginDataRow(1).readyForQuery('I')).toThrow(/begun before the last one ended/);
    expect(() => new BackendWriter().beginDataRow(1).flush()).toThrow(/middle of a message/);
    expect(() => new BackendWriter().beginDataRow(0).encryptionResponse(true)).toThrow(/inside a message/);
    expect(() => new BackendWriter().dataRow(new Array(40_000).fill(null))).toThrow(RangeError);
  });
});
