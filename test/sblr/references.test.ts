/**
 * The verifier on a write's foreign key work: a well-formed graph (a cycle included) comes back
 * as it was sent, and what a shard must never run is refused — probes yielding the wrong rows
 * or naming missing indexes, keys outside their rows, rules and new child rows that disagree,
 * graphs not starting at the written table, edges whose node holds another table.
 */
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/errors.ts';
import { encodeProgram } from '../../src/sblr/encode.ts';
import { verifyProgram } from '../../src/sblr/verify.ts';
import type { DeleteRel, Expr, ForeignKeyAction, ForeignKeyCheck, ReferentialNode, Rel, TableRef } from '../../src/sql/plan/ir.ts';
import { BOOL, INT4, INT8, TEXT } from '../../src/sql/types/sql-type.ts';
import { Asm, assemble } from './assembler.ts';
import { TestCatalog, everyFunction } from './support.ts';

const P: TableRef = { oid: 100, version: 1, columns: [{ name: 'c0', type: INT4 }, { name: 'c1', type: TEXT }], hiddenRowId: false };
const C: TableRef = { oid: 101, version: 1, columns: [{ name: 'c0', type: INT4 }, { name: 'c1', type: INT4 }, { name: '_sb_rowid', type: INT8 }], hiddenRowId: true };
const catalog = new TestCatalog().add(P, ['i_p']).add(C, ['i_c']);

const outer = (index: number): Expr => ({ op: 'outer', type: INT4, depth: 1, index });
const column = (index: number): Expr => ({ op: 'column', type: INT4, index });
const equals = (left: Expr, right: Expr): Expr => ({ op: 'call', type: BOOL, kind: 'operator', name: '=', argTypes: [INT4, INT4], args: [left, right] });
const lookup = (table: TableRef, at: number, outerAt: number): Rel => ({ rel: 'filter', input: { rel: 'scan', table }, predicate: equals(column(at), outer(outerAt)) });

/** c.c1 references p.c0 ON DELETE CASCADE ON UPDATE SET NULL; p.c0 references itself (a cycle). */
const childKey: ForeignKeyCheck = { name: 'c_fk', columns: [1], matchFull: false, parent: P, parentName: 'p', parentColumns: [0], probe: lookup(P, 0, 1) };
const cascade: ForeignKeyAction = {
  name: 'c_fk', child: 1, columns: [0], childColumns: [1], onDelete: 'cascade', onUpdate: 'setNull',
  probe: { rel: 'indexScan', table: C, index: 'i_c', equal: [[outer(0)]], reverse: false }, replacement: null, deleteSet: null,
  updateSet: [column(0), { op: 'const', type: INT4, value: null }, { op: 'column', type: INT8, index: 2 }],
};
const selfAction: ForeignKeyAction = {
  name: 'p_self', child: 0, columns: [0], childColumns: [0], onDelete: 'noAction', onUpdate: 'restrict',
  probe: lookup(P, 0, 0), replacement: lookup(P, 0, 0), deleteSet: null, updateSet: null,
};
const parentNode: ReferentialNode = { table: P, name: 'p', columnNames: ['id', 'code'], checks: [], keys: [], referencedBy: [cascade, selfAction] };
const childNode: ReferentialNode = {
  table: C, name: 'c', columnNames: ['id', 'p'], checks: [{ name: 'c_check', expr: { op: 'isNull', type: BOOL, arg: column(0), negated: true } }], keys: [childKey], referencedBy: [],
};
const remove = (foreignKeys: readonly ReferentialNode[]): DeleteRel => ({
  rel: 'delete', table: P, input: { rel: 'scan', table: P }, recheck: null, returning: null, columns: [], foreignKeys,
});

function verify(root: Rel) {
  return verifyProgram(encodeProgram(root, { parameterTypes: [] }), 'shard', catalog, everyFunction);
}

function rejection(run: () => unknown): EngineError {
  try {
    run();
  } catch (error) {
    if (error instanceof EngineError) return error;
    throw error;
  }
  throw new Error('the program was accepted');
}

describe('foreign key graphs in SBLR', () => {
  it('round-trip, cycles and validations included', () => {
    const root = remove([parentNode, childNode]);
    expect(verify(root).root).toEqual(root);
    const validate: Rel = { rel: 'ddl', action: 'validate', node: { ...childNode, checks: [] } };
    expect(verify(validate).root).toEqual(validate);
  });

  it('refuse probes that do not yield the probed table\'s rows, or name an index the shard lacks', () => {
    const wrongRows = remove([{ ...parentNode, referencedBy: [{ ...cascade, probe: lookup(P, 0, 0) }] }, childNode]);
    expect(rejection(() => verify(wrongRows)).message).toMatch(/FK_ACTION: the child probe yields rows of 2 columns where the table stores 3/);
    const missing = remove([{ ...parentNode, referencedBy: [{ ...cascade, probe: { rel: 'indexScan', table: C, index: 'i_gone', equal: [[outer(0)]], reverse: false } }] }, childNode]);
    const schemaChange = rejection(() => verify(missing));
    expect(schemaChange.code).toBe('0A000');
    expect(schemaChange.message).toBe('schema changed: index "i_gone" of table 101 does not exist');
    // A probe sees only the row it probes for: a second enclosing row does not exist.
    const deep = remove([{ ...parentNode, referencedBy: [{ ...cascade, probe: { rel: 'filter', input: { rel: 'scan', table: C }, predicate: equals(column(0), { op: 'outer', type: INT4, depth: 2, index: 0 }) } }] }, childNode]);
    expect(rejection(() => verify(deep)).code).toBe('42000');
  });

  it('refuse keys outside their rows and rules that disagree with their new child rows', () => {
    const outside = remove([parentNode, { ...childNode, keys: [{ ...childKey, columns: [3] }] }]);
    expect(rejection(() => verify(outside)).message).toMatch(/FK_CHECK: referencing column 3 of a row of 3 columns/);
    const uneven = remove([parentNode, { ...childNode, keys: [{ ...childKey, parentColumns: [0, 1] }] }]);
    expect(rejection(() => verify(uneven)).message).toMatch(/1 referencing columns for 2 referenced ones/);
    const noRow = remove([{ ...parentNode, referencedBy: [{ ...cascade, updateSet: null }] }, childNode]);
    expect(rejection(() => verify(noRow)).message).toMatch(/FK_ACTION: ON UPDATE setNull without a new child row/);
    const extra = remove([{ ...parentNode, referencedBy: [{ ...cascade, deleteSet: cascade.updateSet }] }, childNode]);
    expect(rejection(() => verify(extra)).message).toMatch(/FK_ACTION: ON DELETE cascade with a new child row/);
    const narrow = remove([{ ...parentNode, referencedBy: [{ ...cascade, updateSet: [column(0)] }] }, childNode]);
    expect(rejection(() => verify(narrow)).message).toMatch(/ON UPDATE leaves 1 stack entries where 3 are expected/);
  });

  it('refuse a graph that does not start at the written table, or whose edge names another table than its node holds', () => {
    expect(rejection(() => verify(remove([childNode]))).message).toMatch(/the foreign key graph starts at table 101, not at the written table 100/);
    // FK_ACTION carries its child's table; the encoder takes it from the node, so forge it.
    const program = new Asm()
      .op('SCAN').uint(P.oid)
      .op('DELETE').uint(P.oid).columns().u8(0).bool(false).block(() => {}).u8(1).block((graph) => {
        graph.op('FK_TABLE').uint(P.oid).str('p').uint(2).str('id').str('code').uint(0).uint(0).uint(1).block((body) => {
          body.op('FK_ACTION').str('k').uint(0).uint(C.oid).uint(1).uint(0).uint(1).uint(1).u8(0).u8(0)
            .block((probe) => probe.op('SCAN').uint(C.oid)).u8(0).u8(0).u8(0);
        });
      });
    const error = rejection(() => verifyProgram(assemble(program, { tables: [P, C] }), 'shard', catalog, everyFunction));
    expect(error.message).toMatch(/foreign key k names table 101 but its node holds table 100/);
  });

  it('refuse a validation that does anything but check keys', () => {
    const withActions: Rel = { rel: 'ddl', action: 'validate', node: { ...parentNode, keys: [{ ...childKey, columns: [0], probe: lookup(P, 0, 0) }], referencedBy: [selfAction] } };
    expect(rejection(() => verify(withActions)).message).toMatch(/a validation checks foreign keys only/);
  });
});
