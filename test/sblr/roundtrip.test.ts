/**
 * Encoding then verifying a well-typed plan gives the same plan back, for random plans of
 * every shape (test/sblr/plan-generator.ts); the bytes are canonical: re-encoding the
 * verified plan reproduces them, hash included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeProgram } from '../../src/sblr/encode.ts';
import { verifyProgram } from '../../src/sblr/verify.ts';
import { arbitraryProgram, samplePrograms } from './plan-generator.ts';
import { everyFunction } from './support.ts';

describe('SBLR round trip', () => {
  it('verify(encode(plan)) is the plan, and encoding it again gives the same bytes', () => {
    fc.assert(
      fc.property(arbitraryProgram(), ({ root, parameterTypes, site, catalog }) => {
        const bytes = encodeProgram(root, { parameterTypes });
        const verified = verifyProgram(bytes, site, catalog, everyFunction);
        expect(verified.root).toEqual(root);
        expect(verified.parameterTypes).toEqual(parameterTypes);
        expect(Buffer.from(encodeProgram(verified.root, { parameterTypes: verified.parameterTypes })).equals(Buffer.from(bytes))).toBe(true);
        expect(verified.hash).toBe(Buffer.from(bytes).subarray(5, 21).toString('hex'));
      }),
      // Shrinking a whole plan's worth of draws costs more than it tells; the first failure is reported.
      { numRuns: 400, endOnFailure: true },
    );
  });

  it('the generator makes every kind of expression, relation, write and DDL', () => {
    const seen = new Set<string>();
    const walk = (node: unknown): void => {
      if (node === null || typeof node !== 'object' || node instanceof Uint8Array) return;
      if (Array.isArray(node)) return node.forEach(walk);
      const { op, rel, kind, action, lateral } = node as Record<string, unknown>;
      if (typeof op === 'string') seen.add(op === 'subquery' ? `subquery:${String(kind)}` : op);
      if (typeof rel === 'string') seen.add(rel === 'ddl' ? `ddl:${String(action)}` : rel === 'join' && lateral === true ? 'lateral join' : rel);
      Object.values(node).forEach(walk);
    };
    for (const program of samplePrograms(2024, 400)) walk(program.root);
    expect([...seen].sort()).toEqual([
      'aggregate', 'allArray', 'and', 'anyArray', 'array', 'call', 'case', 'cast', 'catalog', 'coalesce', 'column', 'const', 'cteRef',
      'ddl:createIndex', 'ddl:createTable', 'ddl:dropIndex', 'ddl:dropTable', 'ddl:rewrite', 'ddl:truncate', 'ddl:validate', 'delete', 'distinct',
      'filter', 'function', 'gather', 'greatest', 'inList', 'indexScan', 'insert', 'isDistinct', 'isNull', 'join', 'lateral join',
      'least', 'limit', 'not', 'nullif', 'or', 'outer', 'param', 'project', 'recursive', 'result', 'routedInsert', 'row', 'scan', 'setop', 'sort',
      'subquery:all', 'subquery:any', 'subquery:array', 'subquery:exists', 'subquery:rowCompare', 'subquery:scalar', 'subscript', 'update', 'values', 'window', 'workTable',
    ]);
  });
});
