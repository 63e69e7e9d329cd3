/**
 * FOREIGN KEYS on a shard. A write records how it changed the rows of its table; at the end
 * of the statement (PostgreSQL fires its referential triggers there too, so a multi-row INSERT
 * into a self-referencing table works in any row order) the changes are worked off in order:
 *
 * - a row inserted, or updated so that a foreign key's columns changed, must find its key in
 *   the referenced table (MATCH SIMPLE: a key with a NULL is not checked; MATCH FULL: all NULL
 *   or none). The referenced row found is locked for the rest of the transaction, so no
 *   concurrent transaction can delete it or change its key and commit: the engine's row lock
 *   is a version stamped by an active transaction, so the lock is an update of the row to
 *   itself (exclusive: a concurrent update of the row's other columns waits too).
 * - a row deleted, or updated so that a referenced key changed, applies each referencing
 *   foreign key's rule to the rows referencing its old key: NO ACTION (unless another row now
 *   holds that key) and RESTRICT refuse while any exists, CASCADE deletes or re-keys them,
 *   SET NULL / SET DEFAULT update them. What the actions delete and update are changes too,
 *   worked off in turn, through the graph the binder built (cycles end: a row is deleted once,
 *   and an update that changes no key column changes nothing further).
 *
 * Under READ COMMITTED the work reads with a fresh snapshot, as PostgreSQL's RI queries do:
 * a parent delete that waited for a concurrent child insert to commit then sees that child.
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import type { Transaction } from '../../engine/index.ts';
import type { Row, Value } from '../../engine/types.ts';
import type { ForeignKeyAction, ForeignKeyCheck, ReferentialNode } from '../../sql/plan/ir.ts';
import type { SqlType } from '../../sql/types/sql-type.ts';
import type { Compiler, Evaluator, Source } from '../compile/compiler.ts';
import { drain } from './cursor.ts';
import { frameFor, type Execution, type Frame } from './execution.ts';
import { compositeKeyOf, type HashKey } from './hash-key.ts';
import { tableName } from './scan.ts';
import { compileChecks, sameColumns, shownValue, type RowChecker } from './write-support.ts';

/** How one execution's write changed the rows of its table (node 0). */
export interface RowEvents {
  inserted(row: Row): void;
  updated(before: Row, after: Row): void;
  deleted(row: Row): void;
}

/** A write's compiled foreign key work. */
export interface ReferentialWork {
  /** The recorder of one execution; its work runs when the statement ends. */
  start(exec: Execution): RowEvents;
}

interface CompiledCheck {
  readonly spec: ForeignKeyCheck;
  readonly parentTable: string;
  readonly probe: Source;
}

interface CompiledAction {
  readonly spec: ForeignKeyAction;
  readonly childTable: string;
  readonly probe: Source;
  readonly replacement: Source | null;
  readonly deleteSet: readonly Evaluator[] | null;
  readonly updateSet: readonly Evaluator[] | null;
}

interface CompiledNode {
  readonly spec: ReferentialNode;
  readonly table: string;
  readonly types: readonly SqlType[];
  readonly check: RowChecker;
  readonly keys: readonly CompiledCheck[];
  readonly referencedBy: readonly CompiledAction[];
}

/** One change to work off: an insert (no `before`), an update, or a delete (no `after`). */
interface Change {
  readonly node: number;
  readonly before: Row | null;
  readonly after: Row | null;
}

/** `tables`: the engine table of each node of the graph (an action's child is one). */
function compileNode(node: ReferentialNode, tables: readonly string[], c: Compiler): CompiledNode {
  return {
    spec: node,
    table: tableName(node.table.oid),
    types: node.table.columns.map((column) => column.type),
    check: compileChecks(node.table, node.checks, c),
    keys: node.keys.map((key) => ({ spec: key, parentTable: tableName(key.parent.oid), probe: c.rel(key.probe) })),
    referencedBy: node.referencedBy.map((action) => ({
      spec: action,
      childTable: tables[action.child],
      probe: c.rel(action.probe),
      replacement: action.replacement === null ? null : c.rel(action.replacement),
      deleteSet: action.deleteSet?.map((e) => c.expr(e)) ?? null,
      updateSet: action.updateSet?.map((e) => c.expr(e)) ?? null,
    })),
  };
}

export function compileReferences(graph: readonly ReferentialNode[], c: Compiler): ReferentialWork | null {
  if (graph.length === 0) return null;
  const tables = graph.map((node) => tableName(node.table.oid));
  const nodes = graph.map((node) => compileNode(node, tables, c));
  return {
    start(exec) {
      let changes: Change[] | null = null;
      const record = (change: Change): void => {
        if (changes === null) {
          const pending: Change[] = (changes = []);
          exec.atEnd(() => new Run(exec, nodes).workOff(pending));
        }
        changes.push(change);
      };
      return {
        inserted: (row) => record({ node: 0, before: null, after: row }),
        updated: (before, after) => record({ node: 0, before, after }),
        deleted: (row) => record({ node: 0, before: row, after: null }),
      };
    },
  };
}

/** ALTER TABLE … ADD FOREIGN KEY: every stored row of the node's table must pass its keys. */
export function compileValidation(node: ReferentialNode, c: Compiler): (tx: Transaction, frame: Frame) => Promise<void> {
  const compiled = compileNode(node, [tableName(node.table.oid)], c);
  return async (tx, frame) => {
    const run = new Run(frame.exec, [compiled]);
    for (const row of tx.scan(compiled.table)) {
      frame.exec.tick();
      for (const key of compiled.keys) run.present(compiled, key, row);
    }
  };
}

/** The end-of-statement work of one execution. */
class Run {
  private readonly tx: Transaction;
  private readonly top: Frame;
  /** Referenced rows this statement has locked, by table: locking one again changes nothing. */
  private readonly locked = new Map<string, { readonly keyOf: (pk: readonly Value[]) => HashKey; readonly keys: Set<HashKey> }>();

  constructor(private readonly exec: Execution, private readonly nodes: readonly CompiledNode[]) {
    this.tx = exec.shard().tx;
    this.top = exec.top;
  }

  async workOff(changes: Change[]): Promise<void> {
    if (this.tx.isolation === 'read committed') this.tx.newStatement();
    // Actions append the changes they make; the loop reaches them in turn.
    for (let i = 0; i < changes.length; i++) {
      this.exec.tick();
      const { node: at, before, after } = changes[i];
      const node = this.nodes[at];
      if (after !== null) {
        for (const key of node.keys) {
          if (before !== null && sameColumns(before, after, key.spec.columns)) continue;
          const parent = this.present(node, key, after);
          if (parent !== undefined) await this.lock(node, key, after, parent);
        }
      }
      if (before === null) continue;
      for (const action of node.referencedBy) {
        if (after !== null && sameColumns(before, after, action.spec.columns)) continue;
        // A row whose key has a NULL is referenced by none.
        if (action.spec.columns.some((column) => before[column] === null)) continue;
        await this.apply(node, action, before, after, changes);
      }
    }
  }

  /** The referenced row holding `row`'s key (23503 when there is none), or undefined when the
   * key is not checked (NULLs, as its MATCH says). */
  present(node: CompiledNode, key: CompiledCheck, row: Row): Row | undefined {
    const { columns, matchFull } = key.spec;
    let nulls = 0;
    for (const column of columns) if (row[column] === null) nulls++;
    if (nulls === columns.length) return undefined;
    if (nulls > 0) {
      if (!matchFull) return undefined;
      throw referencingError(node, key.spec, 'MATCH FULL does not allow mixing of null and nonnull key values.');
    }
    const parent = first(key.probe, frameFor(this.top, row));
    if (parent === undefined) throw notPresent(node, key.spec, row, this.exec);
    return parent;
  }

  /** Locks the referenced row `parent`, which must still hold the key. */
  private async lock(node: CompiledNode, key: CompiledCheck, row: Row, parent: Row): Promise<void> {
    const { parentTable } = key;
    const pkColumns = this.tx.table(parentTable).pkColumns;
    let seen = this.locked.get(parentTable);
    if (seen === undefined) {
      seen = { keyOf: compositeKeyOf(pkColumns.map((i) => key.spec.parent.columns[i].type)), keys: new Set() };
      this.locked.set(parentTable, seen);
    }
    const pk = pkColumns.map((i) => parent[i]);
    const id = seen.keyOf(pk);
    if (seen.keys.has(id)) return;
    const held = await this.tx.update(parentTable, pk, (current) => (sameColumns(current, parent, key.spec.parentColumns) ? current : null));
    if (held === null) throw notPresent(node, key.spec, row, this.exec);
    seen.keys.add(id);
  }

  /** The rule of `action` for a row of `node` deleted (`after` null) or re-keyed. */
  private async apply(node: CompiledNode, action: CompiledAction, before: Row, after: Row | null, changes: Change[]): Promise<void> {
    const { spec } = action;
    const rule = after === null ? spec.onDelete : spec.onUpdate;
    const frame = frameFor(this.top, before);
    const child = this.nodes[spec.child];
    switch (rule) {
      case 'noAction':
        return this.noAction(node, action, child, before, frame);
      case 'restrict':
        if (first(action.probe, frame) !== undefined) throw stillReferenced(node, child, spec, before, this.exec);
        return;
      case 'cascade':
        if (after === null) return this.deleteReferencing(action, drain(action.probe(frame)), changes);
        return this.updateReferencing(action, child, drain(action.probe(frame)), changes, (current) => newRow(action.updateSet, current.concat(after), this.top));
      case 'setNull':
      case 'setDefault': {
        const set = after === null ? action.deleteSet : action.updateSet;
        await this.updateReferencing(action, child, drain(action.probe(frame)), changes, (current) => newRow(set, after === null ? current : current.concat(after), this.top));
        // A default equal to the old key leaves rows referencing it (their key did not change,
        // so nothing checks them): PostgreSQL then applies NO ACTION, and so does this.
        if (rule === 'setDefault') await this.noAction(node, action, child, before, frame);
      }
    }
  }

  /** NO ACTION: refused while rows reference the old key, unless another row holds it now. */
  private async noAction(node: CompiledNode, action: CompiledAction, child: CompiledNode, before: Row, frame: Frame): Promise<void> {
    if (action.replacement !== null && first(action.replacement, frame) !== undefined) return;
    if (first(action.probe, frame) !== undefined) throw stillReferenced(node, child, action.spec, before, this.exec);
  }

  private async deleteReferencing(action: CompiledAction, rows: readonly Row[], changes: Change[]): Promise<void> {
    const pkColumns = this.tx.table(action.childTable).pkColumns;
    for (const row of rows) {
      this.exec.tick();
      let deleted: Row | null = null;
      const gone = await this.tx.delete(action.childTable, pkColumns.map((i) => row[i]), (current) => {
        if (!sameColumns(current, row, action.spec.childColumns)) return false;
        deleted = current;
        return true;
      });
      if (gone && deleted !== null) changes.push({ node: action.spec.child, before: deleted, after: null });
    }
  }

  private async updateReferencing(action: CompiledAction, child: CompiledNode, rows: readonly Row[], changes: Change[], next: (current: Row) => Row): Promise<void> {
    const pkColumns = this.tx.table(action.childTable).pkColumns;
    for (const row of rows) {
      this.exec.tick();
      let before: Row | null = null;
      const updated = await this.tx.update(action.childTable, pkColumns.map((i) => row[i]), (current) => {
        if (!sameColumns(current, row, action.spec.childColumns)) return null;
        before = current;
        const changed = next(current);
        child.check(changed, this.top);
        return changed;
      });
      if (updated !== null && before !== null) changes.push({ node: action.spec.child, before, after: updated });
    }
  }
}

function first(source: Source, frame: Frame): Row | undefined {
  const cursor = source(frame);
  const row = cursor.next();
  cursor.close();
  return row;
}

function newRow(set: readonly Evaluator[] | null, row: Row, frame: Frame): Row {
  if (set === null) throw new EngineError(SqlState.internalError, 'invalid plan: a referential action without its new row');
  const out = new Array<Value>(set.length);
  for (let i = 0; i < set.length; i++) out[i] = set[i](row, frame);
  return out;
}

/** "(a, b)=(1, 2)": a key as PostgreSQL's messages print it. */
function describeKey(node: CompiledNode, columns: readonly number[], row: Row, exec: Execution): string {
  const names = columns.map((column) => node.spec.columnNames[column]);
  const values = columns.map((column) => shownValue(node.types[column], row[column], exec.ctx.eval.timeZone));
  return `(${names.join(', ')})=(${values.join(', ')})`;
}

function referencingError(node: CompiledNode, key: ForeignKeyCheck, detail: string): EngineError {
  return new EngineError(SqlState.foreignKeyViolation, `insert or update on table "${node.spec.name}" violates foreign key constraint "${key.name}"`, {
    detail, table: node.spec.name, constraint: key.name,
  });
}

function notPresent(node: CompiledNode, key: ForeignKeyCheck, row: Row, exec: Execution): EngineError {
  return referencingError(node, key, `Key ${describeKey(node, key.columns, row, exec)} is not present in table "${key.parentName}".`);
}

function stillReferenced(node: CompiledNode, child: CompiledNode, action: ForeignKeyAction, row: Row, exec: Execution): EngineError {
  return new EngineError(SqlState.foreignKeyViolation, `update or delete on table "${node.spec.name}" violates foreign key constraint "${action.name}" on table "${child.spec.name}"`, {
    detail: `Key ${describeKey(node, action.columns, row, exec)} is still referenced from table "${child.spec.name}".`,
    table: child.spec.name,
    constraint: action.name,
  });
}
