/**
 * What the verifier's per-opcode checks see: the instruction (operands, popped inputs, the
 * scope its expressions live in) and the verifier's services (blocks, CTE bindings, the
 * shard's catalog and function resolver). The checks themselves are in verify-expr.ts,
 * verify-rel.ts and verify-write.ts.
 */
import type { AggregateName, Expr, OutputColumn, Rel, TableRef, WindowCall } from '../sql/plan/ir.ts';
import type { SqlType } from '../sql/types/sql-type.ts';
import type { EntryKind, OpcodeName } from '../../sblr/opcodes.ts';
import type { Block, Entry, InputsOf, NodeOf, OperandsOf, SpecOf } from './operands.ts';
import { sameRepresentation, typeName } from './types.ts';

/** A table as the shard's catalog has it now. */
export interface CatalogTable {
  readonly version: number;
  readonly columns: readonly { readonly name: string; readonly type: SqlType }[];
  readonly hiddenRowId: boolean;
  /** Names of the table's secondary indexes. */
  readonly indexes: readonly string[];
}

export interface VerifierCatalog {
  table(oid: number): CatalogTable | undefined;
}

/**
 * The executing side's function resolver: a program may only call what it offers. Each
 * method answers for one resolved signature (the real one wraps `src/sql/functions`).
 */
export interface FunctionChecker {
  checkCall(kind: 'function' | 'operator', name: string, argTypes: readonly SqlType[], returnType: SqlType): boolean;
  checkCast(from: SqlType, to: SqlType, context: 'implicit' | 'assignment' | 'explicit'): boolean;
  /** The output columns the aggregate contributes in `phase` (full and final: its result;
   * partial: its state columns, e.g. sum and count for avg), or undefined when there is no
   * such aggregate. In the final phase `argTypes` are the state columns it reads. */
  checkAggregate(name: AggregateName, phase: 'full' | 'partial' | 'final', argTypes: readonly SqlType[], returnType: SqlType): readonly SqlType[] | undefined;
  checkWindow(name: WindowCall['name'], argTypes: readonly SqlType[], returnType: SqlType): boolean;
  /** A set-returning function in FROM; `columns` excludes an ORDINALITY column. */
  checkSetReturning(name: string, argTypes: readonly SqlType[], columns: readonly SqlType[]): boolean;
}

/** Where expressions are evaluated: the current row, the enclosing rows (outer depth 1, 2, …)
 * and the site the code runs at. Relation blocks have an empty current row. */
export interface Scope {
  readonly site: 'shard' | 'coordinator';
  readonly row: readonly SqlType[];
  readonly outers: readonly (readonly SqlType[])[];
}

/** A relation as verification knows it: the node and its output columns. */
export interface RelationOut {
  readonly rel: Rel;
  readonly columns: readonly OutputColumn[];
}

export type Produced<K extends EntryKind> = K extends 'relation' ? RelationOut : NodeOf[K];

/** The services the per-opcode checks use. */
export interface Verification {
  readonly parameterTypes: readonly SqlType[];
  readonly catalog: VerifierCatalog;
  readonly functions: FunctionChecker;
  /** Verifies a block's instructions in `scope`; returns what is left on its stack. */
  block(block: Block, scope: Scope): Entry[];
  /** Charges work proportional to something not read from the program (rows built from
   * table widths, concatenated join rows) against the element budget. */
  spend(elements: number): void;
  /** Runs `verify` with no CTEs or work tables in sight (a gather's self-contained subplan). */
  isolated<T>(verify: () => T): T;
  readonly ctes: Map<number, readonly OutputColumn[]>;
  readonly workTables: Map<number, readonly OutputColumn[]>;
}

/** What the helpers below need of an instruction. */
export interface Checking {
  readonly v: Verification;
  /** An invalid-program error naming this instruction and its offset. */
  fail(reason: string): never;
}

export interface Instruction<N extends OpcodeName> extends Checking {
  readonly name: N;
  readonly operands: OperandsOf<N, Block>;
  readonly inputs: InputsOf<N>;
  readonly scope: Scope;
}

export type Builder<N extends OpcodeName> = (instruction: Instruction<N>) => Produced<SpecOf<N>['pushes']>;
export type Builders<N extends OpcodeName> = { readonly [M in N]: Builder<M> };

// ---- helpers shared by the checks --------------------------------------------------------

export const NO_COLUMNS: readonly OutputColumn[] = Object.freeze([]);

export function nodes<K extends EntryKind>(entries: readonly Entry<K>[]): NodeOf[K][] {
  return entries.map((entry) => entry.node);
}

const rowTypes = new WeakMap<readonly OutputColumn[], readonly SqlType[]>();

/** The types of a row. Operators that pass their input's columns through share one array,
 * so a chain of them over a wide row costs the row's width once, not once per operator. */
export function typesOf(columns: readonly OutputColumn[]): readonly SqlType[] {
  let types = rowTypes.get(columns);
  if (types === undefined) {
    types = columns.map((column) => column.type);
    rowTypes.set(columns, types);
  }
  return types;
}

/** The scope of an operator's per-row expressions: `row`, with the operator's enclosing rows. */
export function over(scope: Scope, row: readonly SqlType[]): Scope {
  return { site: scope.site, row, outers: scope.outers };
}

/** The entries a block leaves, split into the expected groups of kinds and counts. */
export function groups(ins: Checking, entries: readonly Entry[], expected: readonly { kind: EntryKind; count: number }[], what: string): Entry[][] {
  const total = expected.reduce((sum, group) => sum + group.count, 0);
  if (entries.length !== total) ins.fail(`${what} leaves ${entries.length} stack entries where ${total} are expected`);
  const out: Entry[][] = [];
  let at = 0;
  for (const group of expected) {
    const slice = entries.slice(at, at + group.count);
    for (const entry of slice) if (entry.kind !== group.kind) ins.fail(`${what} leaves a ${entry.kind} where a ${group.kind} is expected`);
    out.push(slice);
    at += group.count;
  }
  return out;
}

/** Verifies a block that must leave exactly `count` values. */
export function valueBlock(ins: Checking, block: Block, scope: Scope, count: number, what: string): Expr[] {
  return nodes(groups(ins, ins.v.block(block, scope), [{ kind: 'value', count }], what)[0] as Entry<'value'>[]);
}

/** Verifies a block that must leave exactly one relation, run with `outers` as its enclosing rows. */
export function relationBlock(ins: Checking, block: Block, site: Scope['site'], outers: Scope['outers'], what: string): Entry<'relation'> {
  return groups(ins, ins.v.block(block, { site, row: [], outers }), [{ kind: 'relation', count: 1 }], what)[0][0] as Entry<'relation'>;
}

export function expectType(ins: Checking, actual: SqlType, expected: SqlType, what: string): void {
  if (!sameRepresentation(actual, expected)) ins.fail(`${what} is ${typeName(actual)} where ${typeName(expected)} is expected`);
}

export function expectBool(ins: Checking, expr: Expr | SqlType, what: string): void {
  const type = 'op' in expr ? expr.type : expr;
  if (type.kind !== 'bool') ins.fail(`${what} is ${typeName(type)}, not bool`);
}

/** Each value has the representation of the type at the same position. */
export function expectTypes(ins: Checking, values: readonly Expr[], types: readonly SqlType[], what: string): void {
  if (values.length !== types.length) ins.fail(`${what}: ${values.length} values for ${types.length} types`);
  values.forEach((value, i) => expectType(ins, value.type, types[i], `${what} ${i + 1}`));
}

export function expectColumns(ins: Checking, actual: readonly SqlType[], declared: readonly OutputColumn[], what: string): void {
  if (actual.length !== declared.length) ins.fail(`${what} has ${actual.length} columns where ${declared.length} are declared`);
  actual.forEach((type, i) => expectType(ins, type, declared[i].type, `${what} column ${i + 1}`));
}

export function tableRow(table: TableRef): readonly SqlType[] {
  return typesOf(table.columns);
}
