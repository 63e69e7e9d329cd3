/**
 * Operands, generically: the encoder and the verifier both walk an opcode's operand list from
 * sblr/opcodes.ts, so the table alone decides what follows each opcode byte. The TypeScript
 * types of an opcode's operands and popped inputs are derived from the same table.
 */
import type { Value } from '../engine/types.ts';
import type {
  AggregateCall, Check, Expr, ForeignKeyAction, ForeignKeyCheck, OnConflict, OutputColumn, PhysicalIndex, PhysicalTable, ReferentialNode, Rel, SetCall, SortKey, TableRef,
  WindowCall,
} from '../sql/plan/ir.ts';
import type { SqlType } from '../sql/types/sql-type.ts';
import { OPCODES, type EntryKind, type Opcode, type OpcodeName, type OpcodeSpec, type OperandSpec, type PopSpec } from '../../sblr/opcodes.ts';
import { readConstant, writeConstant, type Spend } from './constants.ts';
import { invalidProgram, unencodable } from './errors.ts';
import type { ProgramReader } from './reader.ts';
import { readType, writeType } from './types.ts';
import type { ProgramWriter } from './writer.ts';

/** Where a block operand's instructions lie in the program. */
export interface Block {
  readonly start: number;
  readonly end: number;
}

type Base<O, B> =
  O extends { readonly kind: 'enum'; readonly values: readonly (infer V)[] } ? V
  : O extends { readonly kind: 'bool' } ? boolean
  : O extends { readonly kind: 'uint' } ? number
  : O extends { readonly kind: 'type' } ? SqlType
  : O extends { readonly kind: 'types' } ? readonly SqlType[]
  : O extends { readonly kind: 'string' } ? string
  : O extends { readonly kind: 'strings' } ? readonly string[]
  : O extends { readonly kind: 'columns' } ? readonly OutputColumn[]
  : O extends { readonly kind: 'value' } ? Value
  : O extends { readonly kind: 'uints' } ? readonly number[]
  : O extends { readonly kind: 'uintLists' } ? readonly (readonly number[])[]
  : O extends { readonly kind: 'table' } ? TableRef
  : O extends { readonly kind: 'block' } ? B
  : O extends { readonly kind: 'ctes' } ? readonly { readonly id: number; readonly plan: B }[]
  : O extends { readonly kind: 'physicalTable' } ? PhysicalTable
  : O extends { readonly kind: 'physicalIndex' } ? PhysicalIndex
  : never;

type OperandValue<O, B> = O extends { readonly optional: true } ? Base<O, B> | null : Base<O, B>;

export type SpecOf<N extends OpcodeName> = Extract<Opcode, { readonly name: N }>;

/** An opcode's operands by name; `B` is what a block is on that side (a writer or a range). */
export type OperandsOf<N extends OpcodeName, B> = {
  readonly [O in SpecOf<N>['operands'][number] as O['name']]: OperandValue<O, B>;
};

/** What each entry kind holds. */
export interface NodeOf {
  readonly value: Expr;
  readonly relation: Rel;
  readonly sortKey: SortKey;
  readonly aggregate: AggregateCall;
  readonly window: WindowCall;
  readonly check: Check;
  readonly onConflict: OnConflict;
  readonly fkCheck: ForeignKeyCheck;
  /** An FK_ACTION with the table it names as its child's. */
  readonly fkAction: { readonly action: ForeignKeyAction; readonly childTable: TableRef };
  /** An FK_TABLE with the tables its actions name as children, which the write checks. */
  readonly fkTable: { readonly node: ReferentialNode; readonly childTables: readonly TableRef[] };
  readonly setCall: SetCall;
}

/** A stack entry: the node, the height of its tree, and a relation's output columns. */
export interface Entry<K extends EntryKind = EntryKind> {
  readonly kind: K;
  readonly node: NodeOf[K];
  readonly height: number;
  readonly columns: readonly OutputColumn[];
}

type MapPops<P> = { readonly [I in keyof P]: P[I] extends { readonly kind: infer K extends EntryKind } ? readonly Entry<K>[] : never };

/** The popped entries of an opcode, one array per group of its `pops`. */
export type InputsOf<N extends OpcodeName> = MapPops<SpecOf<N>['pops']>;

const OPCODE_LIST: readonly OpcodeSpec[] = OPCODES;
export const OPCODE_BY_CODE: readonly (OpcodeSpec | undefined)[] = Array.from({ length: 256 }, (_, code) => OPCODE_LIST.find((op) => op.code === code));
export const OPCODE_BY_NAME: ReadonlyMap<string, OpcodeSpec> = new Map(OPCODE_LIST.map((op) => [op.name, op]));

/** How many entries a pop group takes, given the instruction's operands. */
export function popCount(pop: PopSpec, operands: Readonly<Record<string, unknown>>): number {
  if (typeof pop.count === 'number') return pop.count * (pop.times ?? 1);
  const value = operands[pop.count];
  const n = value === null ? 0 : typeof value === 'boolean' ? (value ? 1 : 0) : Array.isArray(value) ? value.length : (value as number);
  return n * (pop.times ?? 1);
}

// ---- writing -----------------------------------------------------------------------------

export interface OperandSink {
  readonly w: ProgramWriter;
  /** Writes a block operand: a length, then what the encoder-side block value emits. */
  block(block: unknown): void;
  /** Records a table the program references and writes its oid. */
  table(ref: TableRef): void;
}

export function writeOperands(sink: OperandSink, spec: OpcodeSpec, operands: Readonly<Record<string, unknown>>): void {
  const { w } = sink;
  for (const operand of spec.operands) {
    const value = operands[operand.name];
    if (operand.optional === true) {
      w.bool(value !== null);
      if (value === null) continue;
    }
    writeOperand(sink, operand, value, operands);
  }
}

function writeOperand(sink: OperandSink, operand: OperandSpec, value: unknown, operands: Readonly<Record<string, unknown>>): void {
  const { w } = sink;
  const what = operand.name;
  switch (operand.kind) {
    case 'enum': {
      const index = (operand.values as readonly unknown[]).indexOf(value);
      if (index < 0) throw unencodable(`operand ${operand.name} has no encoding for ${String(value)}`);
      return w.u8(index);
    }
    case 'bool': return w.bool(value as boolean);
    case 'uint': return w.uint(value as number, what);
    case 'type': return writeType(w, value as SqlType);
    case 'types': return writeList(w, value as readonly SqlType[], (type) => writeType(w, type));
    case 'string': return w.string(value as string);
    case 'strings': return writeList(w, value as readonly string[], (text) => w.string(text));
    case 'columns': return writeList(w, value as readonly OutputColumn[], (column) => writeColumn(w, column));
    case 'value': return writeConstant(w, operands.type as SqlType, value as Value);
    case 'uints': return writeList(w, value as readonly number[], (n) => w.uint(n, what));
    case 'uintLists': return writeList(w, value as readonly (readonly number[])[], (list) => writeList(w, list, (n) => w.uint(n, what)));
    case 'table': return sink.table(value as TableRef);
    case 'block': return sink.block(value);
    case 'ctes': return writeList(w, value as readonly { id: number; plan: unknown }[], (cte) => {
      w.uint(cte.id, 'CTE id');
      sink.block(cte.plan);
    });
    case 'physicalTable': return writePhysicalTable(w, value as PhysicalTable);
    case 'physicalIndex': return writePhysicalIndex(w, value as PhysicalIndex);
  }
}

function writeList<T>(w: ProgramWriter, items: readonly T[], each: (item: T) => void): void {
  w.uint(items.length, 'list length');
  for (const item of items) each(item);
}

export function writeColumn(w: ProgramWriter, column: OutputColumn): void {
  w.string(column.name);
  writeType(w, column.type);
}

function writePhysicalTable(w: ProgramWriter, table: PhysicalTable): void {
  writeList(w, table.columns, (column) => {
    w.string(column.name);
    w.string(column.type);
    w.bool(column.notNull);
  });
  writeList(w, table.primaryKey, (name) => w.string(name));
  writeList(w, table.indexes, (index) => writePhysicalIndex(w, index));
}

function writePhysicalIndex(w: ProgramWriter, index: PhysicalIndex): void {
  w.string(index.name);
  writeList(w, index.columns, (column) => {
    w.string(column.column);
    w.bool(column.descending);
    w.bool(column.nullsFirst);
  });
  w.bool(index.unique);
}

// ---- reading -----------------------------------------------------------------------------

export interface OperandSource {
  readonly r: ProgramReader;
  readonly spend: Spend;
  /** The header's table with this oid, marking it used. */
  table(oid: number, at: number): TableRef;
}

export function readOperands(source: OperandSource, spec: OpcodeSpec): Record<string, unknown> {
  const operands: Record<string, unknown> = {};
  for (const operand of spec.operands) {
    operands[operand.name] = operand.optional === true && !source.r.bool() ? null : readOperand(source, operand, operands);
  }
  return operands;
}

function readOperand(source: OperandSource, operand: OperandSpec, operands: Readonly<Record<string, unknown>>): unknown {
  const { r, spend } = source;
  switch (operand.kind) {
    case 'enum': {
      const at = r.at;
      const index = r.u8();
      const values = operand.values as readonly string[];
      if (index >= values.length) throw invalidProgram(`operand ${operand.name} value ${index} out of range`, at);
      return values[index];
    }
    case 'bool': return r.bool();
    case 'uint': return r.uint();
    case 'type': return readType(r);
    case 'types': return readList(source, 1, 'type', () => readType(r));
    case 'string': return r.string();
    case 'strings': return readList(source, 1, operand.name, () => r.string());
    case 'columns': return readColumns(source);
    case 'value': return readConstant(r, operands.type as SqlType, spend);
    case 'uints': return readList(source, 1, operand.name, () => r.uint());
    case 'uintLists': return readList(source, 1, operand.name, () => readList(source, 1, operand.name, () => r.uint()));
    case 'table': {
      const at = r.at;
      return source.table(r.uint(), at);
    }
    case 'block': return readBlock(r);
    case 'ctes': return readList(source, 2, 'CTE', () => ({ id: r.uint(), plan: readBlock(r) }));
    case 'physicalTable': return readPhysicalTable(source);
    case 'physicalIndex': return readPhysicalIndex(source);
  }
}

/** A length-prefixed block: its extent is checked here, its content when it is verified. */
export function readBlock(r: ProgramReader): Block {
  const at = r.at;
  const length = r.uint();
  if (length > r.remaining) throw invalidProgram(`block of ${length} bytes runs past the end of its enclosing block`, at);
  const block = { start: r.at, end: r.at + length };
  r.at += length;
  return block;
}

export function readList<T>(source: OperandSource, bytesEach: number, what: string, each: () => T): T[] {
  const n = source.r.count(bytesEach, what);
  source.spend(n);
  const items: T[] = [];
  for (let i = 0; i < n; i++) items.push(each());
  return items;
}

export function readColumns(source: OperandSource): OutputColumn[] {
  return readList(source, 2, 'column', () => ({ name: source.r.string(), type: readType(source.r) }));
}

function readPhysicalTable(source: OperandSource): PhysicalTable {
  const { r } = source;
  const columns = readList(source, 3, 'column', () => ({ name: r.string(), type: r.string(), notNull: r.bool() }));
  const primaryKey = readList(source, 1, 'key column', () => r.string());
  const indexes = readList(source, 3, 'index', () => readPhysicalIndex(source));
  return { columns, primaryKey, indexes };
}

function readPhysicalIndex(source: OperandSource): PhysicalIndex {
  const { r } = source;
  const name = r.string();
  const columns = readList(source, 3, 'index column', () => ({ column: r.string(), descending: r.bool(), nullsFirst: r.bool() }));
  return { name, columns, unique: r.bool() };
}
