/**
 * Plan → SBLR bytes. Relations and expressions are written bottom-up (an instruction after
 * the instructions of its inputs); what an operator evaluates in a scope of its own goes into
 * length-prefixed blocks. Operands are written generically from the opcode table.
 *
 * The encoder trusts its caller for typing (the verifier checks that), but refuses plans it
 * could not write faithfully: an argument list that disagrees with its signature, VALUES rows
 * of the wrong width, values that are not values of their type, one table at two versions.
 */
import { hash } from 'node:crypto';
import type {
  AggregateCall, Check, Expr, OnConflict, ReferentialNode, Rel, SetCall, SortKey, TableRef, WindowCall,
} from '../sql/plan/ir.ts';
import type { SqlType } from '../sql/types/sql-type.ts';
import { BODY_OFFSET, FORMAT_VERSION, HASH_BYTES, HASH_OFFSET, MAGIC, MAX_DEPTH } from '../../sblr/format.ts';
import type { OpcodeName } from '../../sblr/opcodes.ts';
import { tooComplex, unencodable } from './errors.ts';
import { OPCODE_BY_NAME, writeColumn, writeOperands, type OperandSink, type OperandsOf } from './operands.ts';
import { sameType, writeType } from './types.ts';
import { ProgramWriter } from './writer.ts';

export interface ProgramHeader {
  readonly parameterTypes: readonly SqlType[];
}

/** Writes the instructions of a block (called while the block's own writer is current). */
type BlockWriter = () => void;

/** Writers reused from program to program: [0] for the assembled program, [d] for blocks at
 * depth d (the root's instructions are depth 1). Encoding is synchronous, so one set serves. */
const writers: ProgramWriter[] = [];

function writerAt(depth: number): ProgramWriter {
  writers[depth] ??= new ProgramWriter();
  return writers[depth].reset();
}

export function encodeProgram(root: Rel, header: ProgramHeader): Uint8Array {
  const encoder = new Encoder();
  encoder.rel(root);
  const body = encoder.w;

  const w = writerAt(0);
  w.bytes(MAGIC);
  w.u8(FORMAT_VERSION);
  w.bytes(new Uint8Array(HASH_BYTES));
  w.uint(header.parameterTypes.length, 'parameter count');
  for (const type of header.parameterTypes) writeType(w, type);
  const tables = [...encoder.tables.values()].sort((a, b) => a.oid - b.oid);
  w.uint(tables.length, 'table count');
  for (const table of tables) {
    w.uint(table.oid, 'table oid');
    w.uint(table.version, 'schema version');
    w.bool(table.hiddenRowId);
    w.uint(table.columns.length, 'column count');
    for (const column of table.columns) writeColumn(w, column);
  }
  w.bytes(body.view());
  const program = w.take();
  program.set(programHash(program), HASH_OFFSET);
  return program;
}

/** The content hash a program's header carries: SHA-256 of everything after it, truncated. */
export function programHash(program: Uint8Array): Buffer {
  return hash('sha256', program.subarray(BODY_OFFSET), 'buffer').subarray(0, HASH_BYTES);
}

class Encoder implements OperandSink {
  private blockDepth = 1;
  private nesting = 0;
  w = writerAt(1);
  readonly tables = new Map<number, TableRef>();

  emit<N extends OpcodeName>(name: N, operands: OperandsOf<N, BlockWriter>): void {
    const spec = OPCODE_BY_NAME.get(name)!;
    this.w.u8(spec.code);
    writeOperands(this, spec, operands);
  }

  block(block: unknown): void {
    const outer = this.w;
    const inner = writerAt(++this.blockDepth);
    this.w = inner;
    (block as BlockWriter)();
    this.w = outer;
    this.blockDepth--;
    outer.uint(inner.at, 'block length');
    outer.bytes(inner.view());
  }

  table(ref: TableRef): void {
    const known = this.tables.get(ref.oid);
    if (known === undefined) this.tables.set(ref.oid, ref);
    else if (known !== ref && !sameTableRef(known, ref)) throw unencodable(`table ${ref.oid} appears with two different definitions`);
    this.w.uint(ref.oid, 'table oid');
  }

  // ---- expressions -----------------------------------------------------------------------

  /** Plans nested deeper than the verifier accepts fail here with its error, not a stack overflow. */
  private nest(): void {
    if (++this.nesting > MAX_DEPTH) throw tooComplex(`plan nested deeper than ${MAX_DEPTH} levels`);
  }

  expr(e: Expr): void {
    this.nest();
    this.writeExpr(e);
    this.nesting--;
  }

  private writeExpr(e: Expr): void {
    switch (e.op) {
      case 'const': return this.emit('CONST', { type: e.type, value: e.value });
      case 'param': return this.emit('PARAM', { type: e.type, index: e.index });
      case 'column': return this.emit('COLUMN', { type: e.type, index: e.index });
      case 'outer': return this.emit('OUTER', { type: e.type, depth: e.depth, index: e.index });
      case 'call':
        this.args(e.args, e.argTypes, `${e.name}()`);
        return this.emit('CALL', { type: e.type, kind: e.kind, name: e.name, argTypes: e.argTypes });
      case 'cast':
        this.expr(e.arg);
        return this.emit('CAST', { type: e.type, context: e.context });
      case 'and':
      case 'or':
        this.exprs(e.args);
        return this.emit(e.op === 'and' ? 'AND' : 'OR', { type: e.type, count: e.args.length });
      case 'not':
        this.expr(e.arg);
        return this.emit('NOT', { type: e.type });
      case 'isNull':
        this.expr(e.arg);
        return this.emit('IS_NULL', { type: e.type, negated: e.negated });
      case 'isDistinct':
        this.expr(e.left);
        this.expr(e.right);
        return this.emit('IS_DISTINCT', { type: e.type, argType: e.argType, negated: e.negated });
      case 'case':
        for (const { when, then } of e.whens) {
          this.expr(when);
          this.expr(then);
        }
        if (e.otherwise !== null) this.expr(e.otherwise);
        return this.emit('CASE', { type: e.type, whens: e.whens.length, otherwise: e.otherwise !== null });
      case 'coalesce':
        this.exprs(e.args);
        return this.emit('COALESCE', { type: e.type, count: e.args.length });
      case 'nullif':
        this.expr(e.left);
        this.expr(e.right);
        return this.emit('NULLIF', { type: e.type });
      case 'greatest':
      case 'least':
        this.exprs(e.args);
        return this.emit(e.op === 'greatest' ? 'GREATEST' : 'LEAST', { type: e.type, count: e.args.length });
      case 'inList':
        this.expr(e.arg);
        this.exprs(e.list);
        return this.emit('IN_LIST', { type: e.type, negated: e.negated, count: e.list.length });
      case 'subquery': {
        const plan = () => this.rel(e.plan);
        if (e.kind === 'any' || e.kind === 'all' || e.kind === 'rowCompare') {
          const { left, test } = e;
          if (left === undefined || test === undefined) throw unencodable(`${e.kind} subquery without left value and test`);
          this.expr(left);
          return this.emit('SUBQUERY_COMPARE', { type: e.type, kind: e.kind, uncorrelated: e.uncorrelated, plan, test: () => this.expr(test) });
        }
        if (e.left !== undefined || e.test !== undefined) throw unencodable(`${e.kind} subquery with a left value or test`);
        return this.emit('SUBQUERY', { type: e.type, kind: e.kind, uncorrelated: e.uncorrelated, plan });
      }
      case 'anyArray':
      case 'allArray':
        this.expr(e.left);
        this.expr(e.array);
        return this.emit(e.op === 'anyArray' ? 'ANY_ARRAY' : 'ALL_ARRAY', { type: e.type, test: () => this.expr(e.test) });
      case 'array':
        this.exprs(e.elements);
        return this.emit('ARRAY', { type: e.type, count: e.elements.length });
      case 'subscript': {
        this.expr(e.array);
        // A slice's bounds per dimension: lower, then upper.
        const bounds = e.lower === null ? e.upper : e.upper.flatMap((upper, d) => [(e.lower as readonly (Expr | null)[])[d], upper]);
        const omitted: number[] = [];
        bounds.forEach((bound, slot) => {
          if (bound === null) omitted.push(slot);
          else this.expr(bound);
        });
        if (e.lower === null && omitted.length > 0) throw unencodable('an element subscript without a value');
        if (e.lower !== null && e.lower.length !== e.upper.length) throw unencodable('a slice with unequal lower and upper bound lists');
        return this.emit('SUBSCRIPT', { type: e.type, slice: e.lower !== null, bounds: bounds.length - omitted.length, omitted });
      }
      case 'row':
        this.exprs(e.fields);
        return this.emit('ROW', { type: e.type, count: e.fields.length });
    }
  }

  private exprs(list: readonly Expr[]): void {
    for (const e of list) this.expr(e);
  }

  /** Arguments are popped by their signature's length, so the two must agree. */
  private args(args: readonly Expr[], argTypes: readonly SqlType[], what: string): void {
    if (args.length !== argTypes.length) throw unencodable(`${what} has ${args.length} arguments but a signature of ${argTypes.length}`);
    this.exprs(args);
  }

  private optional(e: Expr | null): void {
    if (e !== null) this.expr(e);
  }

  // ---- parts of operators ----------------------------------------------------------------

  private sortKeys(keys: readonly SortKey[]): void {
    for (const key of keys) {
      this.expr(key.expr);
      this.emit('SORT_KEY', { type: key.type, descending: key.descending, nullsFirst: key.nullsFirst });
    }
  }

  private aggregateCall(call: AggregateCall): void {
    this.args(call.args, call.argTypes, call.name);
    this.optional(call.filter);
    this.sortKeys(call.orderBy);
    this.emit('AGG_CALL', {
      name: call.name, type: call.type, argTypes: call.argTypes, distinct: call.distinct, filter: call.filter !== null, orderBy: call.orderBy.length,
    });
  }

  private windowCall(call: WindowCall): void {
    this.args(call.args, call.argTypes, call.name);
    this.optional(call.filter);
    const { mode, start, end, exclude } = call.frame;
    this.emit('WINDOW_CALL', {
      name: call.name, type: call.type, argTypes: call.argTypes, filter: call.filter !== null, mode, start: start.kind, end: end.kind, exclude: exclude ?? 'noOthers',
      offsets: () => {
        if (start.kind === 'preceding' || start.kind === 'following') this.expr(start.offset);
        if (end.kind === 'preceding' || end.kind === 'following') this.expr(end.offset);
      },
    });
  }

  private setCall(call: SetCall): void {
    this.args(call.args, call.argTypes, `${call.name}()`);
    this.emit('SRF_CALL', { name: call.name, argTypes: call.argTypes, returns: call.returns });
  }

  private checks(checks: readonly Check[]): void {
    for (const check of checks) {
      this.expr(check.expr);
      this.emit('CHECK', { name: check.name });
    }
  }

  private onConflict(clause: OnConflict): void {
    if (clause.set !== null) this.exprs(clause.set);
    this.optional(clause.where);
    this.emit('ON_CONFLICT', { action: clause.action, index: clause.index, set: clause.set?.length ?? null, where: clause.where !== null });
  }

  /** A write's foreign key work: one FK_TABLE per node of its graph (absent when empty). */
  private foreignKeys(graph: readonly ReferentialNode[]): BlockWriter | null {
    if (graph.length === 0) return null;
    return () => {
      for (const node of graph) this.referentialNode(node, graph);
    };
  }

  private referentialNode(node: ReferentialNode, graph: readonly ReferentialNode[]): void {
    this.emit('FK_TABLE', {
      table: node.table, name: node.name, columnNames: node.columnNames,
      checks: node.checks.length, keys: node.keys.length, referencedBy: node.referencedBy.length,
      body: () => {
        this.checks(node.checks);
        for (const key of node.keys) {
          this.emit('FK_CHECK', {
            name: key.name, parent: key.parent, parentName: key.parentName, columns: key.columns, parentColumns: key.parentColumns,
            matchFull: key.matchFull, probe: () => this.rel(key.probe),
          });
        }
        for (const action of node.referencedBy) {
          const child = graph[action.child];
          if (child === undefined) throw unencodable(`foreign key ${action.name} acts on node ${action.child} of a graph of ${graph.length}`);
          const { replacement, deleteSet, updateSet } = action;
          this.emit('FK_ACTION', {
            name: action.name, child: action.child, childTable: child.table, columns: action.columns, childColumns: action.childColumns,
            onDelete: action.onDelete, onUpdate: action.onUpdate, probe: () => this.rel(action.probe),
            replacement: replacement === null ? null : () => this.rel(replacement),
            deleteSet: deleteSet === null ? null : () => this.exprs(deleteSet),
            updateSet: updateSet === null ? null : () => this.exprs(updateSet),
          });
        }
      },
    });
  }

  // ---- relations -------------------------------------------------------------------------

  rel(r: Rel): void {
    this.nest();
    this.writeRel(r);
    this.nesting--;
  }

  private writeRel(r: Rel): void {
    switch (r.rel) {
      case 'scan': return this.emit('SCAN', { table: r.table });
      case 'indexScan': {
        const { equal, lower, upper } = r;
        return this.emit('INDEX_SCAN', {
          table: r.table, index: r.index, reverse: r.reverse,
          equal: equal?.map((prefix) => prefix.length) ?? null,
          lower: lower?.values.length ?? null, lowerInclusive: lower?.inclusive ?? false,
          upper: upper?.values.length ?? null, upperInclusive: upper?.inclusive ?? false,
          bounds: () => {
            for (const prefix of equal ?? []) this.exprs(prefix);
            this.exprs(lower?.values ?? []);
            this.exprs(upper?.values ?? []);
          },
        });
      }
      case 'values':
        for (const row of r.rows) if (row.length !== r.columns.length) throw unencodable(`VALUES row of ${row.length} values for ${r.columns.length} columns`);
        return this.emit('VALUES', { columns: r.columns, rows: r.rows.length, body: () => r.rows.forEach((row) => this.exprs(row)) });
      case 'filter':
        this.rel(r.input);
        return this.emit('FILTER', { predicate: () => this.expr(r.predicate) });
      case 'project':
        this.rel(r.input);
        return this.emit('PROJECT', { columns: r.columns, exprs: () => this.exprs(r.exprs) });
      case 'join': {
        this.rel(r.left);
        const keyTypes = r.equiKeys.map((key) => key.type);
        const leftKeys = () => r.equiKeys.forEach((key) => this.expr(key.left));
        const rightKeys = () => r.equiKeys.forEach((key) => this.expr(key.right));
        const condition = r.condition === null ? null : () => this.expr(r.condition!);
        if (r.lateral) return this.emit('LATERAL_JOIN', { kind: r.kind, keyTypes, right: () => this.rel(r.right), leftKeys, rightKeys, condition });
        this.rel(r.right);
        return this.emit('JOIN', { kind: r.kind, keyTypes, leftKeys, rightKeys, condition });
      }
      case 'aggregate':
        this.rel(r.input);
        return this.emit('AGGREGATE', {
          phase: r.phase, columns: r.columns, keys: r.keys.length, groupingSets: r.groupingSets ?? null, aggregates: r.aggregates.length,
          body: () => {
            this.exprs(r.keys);
            for (const call of r.aggregates) this.aggregateCall(call);
          },
        });
      case 'window':
        this.rel(r.input);
        return this.emit('WINDOW', {
          columns: r.columns, partitionBy: r.partitionBy.length, orderBy: r.orderBy.length, functions: r.functions.length,
          body: () => {
            this.exprs(r.partitionBy);
            this.sortKeys(r.orderBy);
            for (const call of r.functions) this.windowCall(call);
          },
        });
      case 'sort':
        this.rel(r.input);
        return this.emit('SORT', { keys: r.keys.length, body: () => this.sortKeys(r.keys) });
      case 'limit': {
        this.rel(r.input);
        const { limit, offset } = r;
        return this.emit('LIMIT', { limit: limit === null ? null : () => this.expr(limit), offset: offset === null ? null : () => this.expr(offset) });
      }
      case 'distinct':
        this.rel(r.input);
        return this.emit('DISTINCT', { on: r.on?.length ?? null, body: () => this.exprs(r.on ?? []) });
      case 'setop':
        this.rel(r.left);
        this.rel(r.right);
        return this.emit('SETOP', { kind: r.kind, all: r.all, columns: r.columns });
      case 'recursive':
        this.rel(r.seed);
        return this.emit('RECURSIVE', { id: r.id, all: r.all, columns: r.columns, step: () => this.rel(r.step) });
      case 'workTable': return this.emit('WORK_TABLE', { id: r.id, columns: r.columns });
      case 'cteRef': return this.emit('CTE_REF', { id: r.id, columns: r.columns });
      case 'function':
        return this.emit('FUNCTION', {
          name: r.name, argTypes: r.argTypes, columns: r.columns, ordinality: r.ordinality, args: () => this.args(r.args, r.argTypes, `${r.name}()`),
        });
      case 'projectSet':
        this.rel(r.input);
        return this.emit('PROJECT_SET', { columns: r.columns, functions: r.functions.length, body: () => r.functions.forEach((call) => this.setCall(call)) });
      case 'result':
        return this.emit('RESULT', { ctes: r.ctes.map((cte) => ({ id: cte.id, plan: () => this.rel(cte.plan) })), input: () => this.rel(r.input) });
      case 'gather': {
        const { mergeKeys, route } = r;
        const width = route?.keys[0]?.length ?? null;
        if (route !== undefined && (width === null || width === 0 || route.keys.some((tuple) => tuple.length !== width))) {
          throw unencodable('a gather route needs one or more tuples of one width, at least one value each');
        }
        return this.emit('GATHER', {
          shards: r.shards, columns: r.columns, mergeKeys: mergeKeys?.length ?? null,
          subplan: () => this.rel(r.subplan), merge: () => this.sortKeys(mergeKeys ?? []),
          route: width, routeTuples: route?.keys.length ?? 0, routeKeys: () => route?.keys.forEach((tuple) => this.exprs(tuple)),
        });
      }
      case 'routedInsert':
        this.rel(r.input);
        return this.emit('ROUTED_INSERT', { shards: r.shards, key: r.key, columns: r.columns, insert: () => this.rel(r.insert) });
      case 'catalog': return this.emit('CATALOG', { name: r.name, columns: r.columns });
      case 'insert': {
        this.rel(r.input);
        const { onConflict } = r;
        return this.emit('INSERT', {
          table: r.table, columns: r.columns, returning: r.returning?.length ?? null, checks: r.checks.length,
          onConflict: onConflict === null ? null : () => this.onConflict(onConflict),
          body: () => {
            this.exprs(r.returning ?? []);
            this.checks(r.checks);
          },
          foreignKeys: this.foreignKeys(r.foreignKeys),
        });
      }
      case 'update':
        this.rel(r.input);
        return this.emit('UPDATE', {
          table: r.table, columns: r.columns, returning: r.returning?.length ?? null, checks: r.checks.length, recheck: r.recheck !== null,
          set: () => this.exprs(r.set),
          body: () => {
            this.optional(r.recheck);
            this.exprs(r.returning ?? []);
            this.checks(r.checks);
          },
          foreignKeys: this.foreignKeys(r.foreignKeys),
        });
      case 'delete':
        this.rel(r.input);
        return this.emit('DELETE', {
          table: r.table, columns: r.columns, returning: r.returning?.length ?? null, recheck: r.recheck !== null,
          body: () => {
            this.optional(r.recheck);
            this.exprs(r.returning ?? []);
          },
          foreignKeys: this.foreignKeys(r.foreignKeys),
        });
      case 'ddl':
        switch (r.action) {
          case 'createTable': return this.emit('CREATE_TABLE', { oid: r.oid, definition: r.definition });
          case 'dropTable': return this.emit('DROP_TABLE', { oid: r.oid });
          case 'truncate': return this.emit('TRUNCATE', { table: r.table });
          case 'createIndex': return this.emit('CREATE_INDEX', { oid: r.oid, index: r.index });
          case 'dropIndex': return this.emit('DROP_INDEX', { oid: r.oid, name: r.name });
          case 'rewrite': return this.emit('REWRITE_TABLE', { table: r.table, definition: r.definition, row: () => this.exprs(r.row) });
          case 'validate': return this.emit('VALIDATE_FOREIGN_KEYS', { node: () => this.referentialNode(r.node, [r.node]) });
        }
    }
  }
}

function sameTableRef(a: TableRef, b: TableRef): boolean {
  return a.version === b.version && a.hiddenRowId === b.hiddenRowId && a.columns.length === b.columns.length
    && a.columns.every((column, i) => column.name === b.columns[i].name && sameType(column.type, b.columns[i].type));
}
