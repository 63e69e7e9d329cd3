/**
 * The foreign key graph a write carries (src/sql/bind/referential.ts): which tables it reaches
 * through referential actions, what each node checks and applies, and the lookups it plans
 * (turned into index scans where an index leads with the key).
 */
import { describe, expect, it } from 'vitest';
import { bindingFunctions } from '../../../src/coordinator/functions.ts';
import { optimize } from '../../../src/planner/optimize.ts';
import { catalogKeys } from '../../../src/planner/placement.ts';
import { referentialGraph, type ReferentialBinding, type RowWrites } from '../../../src/sql/bind/referential.ts';
import type { ColumnObject, ForeignKeyObject, IndexObject, TableObject } from '../../../src/sql/catalog/model.ts';
import { BOOTSTRAP_SUPERUSER, PUBLIC_NAMESPACE } from '../../../src/sql/catalog/model.ts';
import { CatalogSnapshot } from '../../../src/sql/catalog/snapshot.ts';
import type { Expr, ReferentialNode } from '../../../src/sql/plan/ir.ts';

const column = (name: string, type = 'int4'): ColumnObject => ({ name, type, notNull: false, default: name === 'p' ? '7' : null, identity: null });

function primaryKey(oid: number, name: string, columns: number[]): IndexObject {
  return { oid, name, columns: columns.map((c) => ({ column: c, descending: false, nullsFirst: false })), unique: true, constraint: name, primary: true, storageKey: true, constraintOid: oid + 1 };
}

function key(oid: number, name: string, columns: number[], refTable: number, refColumns: number[], onDelete: ForeignKeyObject['onDelete'], onUpdate: ForeignKeyObject['onUpdate']): ForeignKeyObject {
  return { oid, name, columns, refTable, refColumns, refIndex: refTable + 1, onDelete, onUpdate, deleteSetColumns: null, match: 's' };
}

function table(oid: number, name: string, columns: ColumnObject[], extra: Partial<TableObject> = {}): TableObject {
  return {
    kind: 'table', oid, name, namespace: PUBLIC_NAMESPACE, owner: BOOTSTRAP_SUPERUSER, columns, indexes: [primaryKey(oid + 1, `${name}_pkey`, [0])],
    checks: [], foreignKeys: [], partitionKey: null, replication: null, options: [], ...extra,
  };
}

// p ← c (ON DELETE CASCADE, ON UPDATE CASCADE) ← g (ON DELETE RESTRICT); c → c (SET NULL); n → p (ON DELETE SET DEFAULT).
const P = table(1000, 'p', [column('id'), column('note', 'text')]);
const C = table(2000, 'c', [column('id'), column('p'), column('parent'), column('code', 'int8')], {
  indexes: [primaryKey(2001, 'c_pkey', [0]), { ...primaryKey(2005, 'c_p_idx', [1]), unique: false, primary: false, storageKey: false, constraint: null, constraintOid: null }],
  checks: [{ oid: 2009, name: 'c_check', expr: 'id > 0' }],
  foreignKeys: [key(2010, 'c_p_fkey', [1], 1000, [0], 'c', 'c'), key(2011, 'c_parent_fkey', [2], 2000, [0], 'n', 'a')],
});
const G = table(3000, 'g', [column('id'), column('c')], { foreignKeys: [key(3010, 'g_c_fkey', [1], 2000, [0], 'r', 'a')] });
const N = table(4000, 'n', [column('id'), column('p', 'int8')], { foreignKeys: [key(4010, 'n_p_fkey', [1], 1000, [0], 'd', 'a')] });
const catalog = CatalogSnapshot.of([P, C, G, N], 1);

const binding: ReferentialBinding = {
  catalog,
  functions: bindingFunctions(() => { throw new Error('no constant folding here'); }),
  defaultValue: (_table, column): Expr => ({ op: 'const', type: { kind: 'int8' }, value: BigInt(column) }),
  checks: (target) => target.checks.map((check) => ({ name: check.name, expr: { op: 'const', type: { kind: 'bool' }, value: true } })),
};

const writes = (more: Partial<RowWrites>): RowWrites => ({ inserts: false, deletes: false, updated: new Set(), ...more });

/** Each node as [table, its keys, its actions as constraint → child table: rules]. */
function shape(graph: readonly ReferentialNode[]): unknown[] {
  return graph.map((node) => [
    node.name, node.keys.map((k) => k.name), node.referencedBy.map((a) => `${a.name} → ${graph[a.child].name}: ${a.onDelete}/${a.onUpdate}`), node.checks.length,
  ]);
}

describe('the foreign key graph of a write', () => {
  it('DELETE reaches what cascades, and the tables whose rules only look', () => {
    expect(shape(referentialGraph(binding, P, writes({ deletes: true })))).toEqual([
      ['p', [], ['c_p_fkey → c: cascade/cascade', 'n_p_fkey → n: setDefault/noAction'], 0],
      // Rows of c are deleted (cascade): the keys referencing c act, g's only looks; c's
      // self-reference sets c.parent to NULL, an update whose key and CHECKs are checked again.
      ['c', ['c_parent_fkey'], ['c_parent_fkey → c: setNull/noAction', 'g_c_fkey → g: restrict/noAction'], 1],
      // n's rows get their default: its key is checked again (n has no CHECK constraints).
      ['n', ['n_p_fkey'], [], 0],
      ['g', [], [], 0],
    ]);
  });

  it('UPDATE reaches only through the keys it may change; other columns need no work', () => {
    expect(referentialGraph(binding, P, writes({ updated: new Set([1]) }))).toEqual([]);
    expect(shape(referentialGraph(binding, P, writes({ updated: new Set([0]) })))).toEqual([
      ['p', [], ['c_p_fkey → c: cascade/cascade', 'n_p_fkey → n: setDefault/noAction'], 0],
      // The cascade changes c.p only: c's key on p is checked; nothing references c.p.
      ['c', ['c_p_fkey'], [], 1],
      ['n', [], [], 0],
    ]);
    expect(referentialGraph(binding, G, writes({ updated: new Set([0]) }))).toEqual([]);
  });

  it('INSERT checks the table\'s own keys only', () => {
    expect(shape(referentialGraph(binding, C, writes({ inserts: true })))).toEqual([['c', ['c_p_fkey', 'c_parent_fkey'], [], 0]]);
  });

  it('plans lookups as index scans where an index leads with the key, a scan otherwise', () => {
    const [p, c] = referentialGraph(binding, P, writes({ deletes: true })).map((node) => ({
      ...node,
      keys: node.keys.map((k) => ({ ...k, probe: optimize(k.probe, catalogKeys(catalog)) })),
      referencedBy: node.referencedBy.map((a) => ({ ...a, probe: optimize(a.probe, catalogKeys(catalog)) })),
    }));
    // c(p) has an index: the children of a p row are looked up through it.
    expect(p.referencedBy[0].probe).toMatchObject({ rel: 'indexScan', index: 'i2005', equal: [[{ op: 'outer', depth: 1, index: 0 }]] });
    // n.p is int8, p.id int4: compared across the integer family, n is scanned (it has no index on p).
    expect(p.referencedBy[1].probe).toMatchObject({ rel: 'filter', input: { rel: 'scan' }, predicate: { op: 'call', name: '=', argTypes: [{ kind: 'int8' }, { kind: 'int4' }] } });
    // c's self-reference finds c rows by their parent column, which has no index.
    expect(c.referencedBy[0].probe).toMatchObject({ rel: 'filter', input: { rel: 'scan', table: { oid: 2000 } } });
    // SET NULL clears the referencing column of the child's stored row and keeps the rest.
    expect(c.referencedBy[0].deleteSet?.map((e) => e.op)).toEqual(['column', 'column', 'const', 'column']);
    // SET DEFAULT puts the column's default there.
    expect(p.referencedBy[1].deleteSet?.[1]).toEqual({ op: 'const', type: { kind: 'int8' }, value: 1n });
    // ON UPDATE CASCADE copies the new key (after the child's 4 columns) into the child's column.
    expect(p.referencedBy[0].updateSet?.[1]).toEqual({ op: 'column', type: { kind: 'int4' }, index: 4 });
    // NO ACTION and SET DEFAULT look for another row holding the old key; the others do not.
    expect(p.referencedBy.map((a) => a.replacement === null)).toEqual([true, false]);
  });
});
