/**
 * SBLR bytes → a verified plan. A shard treats every program as hostile: before anything runs,
 * the whole program is decoded and checked — well-formed (canonical encodings, operands in
 * range, every block ending exactly where its length says), stack-balanced, type-correct,
 * allowed at this site, naming only tables the shard has at the planned schema version, and
 * within the resource limits. Nothing is executed here; there is nothing to loop over but
 * the bytes, so verification is linear in the program's size and recursion is bounded by the
 * nesting limit. The rules are listed in sblr/README.md.
 */
import type { OutputColumn, Rel, TableRef } from '../sql/plan/ir.ts';
import type { SqlType } from '../sql/types/sql-type.ts';
import {
  BODY_OFFSET, FORMAT_VERSION, HASH_BYTES, HASH_OFFSET, MAGIC, MAX_DEPTH, MAX_ELEMENTS, MAX_PROGRAM_BYTES, VERSION_OFFSET,
} from '../../sblr/format.ts';
import type { OpcodeName } from '../../sblr/opcodes.ts';
import { programHash } from './encode.ts';
import { invalidProgram, schemaChanged, tooComplex, tooLarge } from './errors.ts';
import { OPCODE_BY_CODE, popCount, readColumns, readList, readOperands, type Block, type Entry, type OperandSource } from './operands.ts';
import { ProgramReader } from './reader.ts';
import { readType, sameType } from './types.ts';
import {
  NO_COLUMNS, type Builders, type FunctionChecker, type Instruction, type RelationOut, type Scope, type Verification, type VerifierCatalog,
} from './verify-context.ts';
import { expressionChecks } from './verify-expr.ts';
import { relationChecks } from './verify-rel.ts';
import { referenceChecks } from './verify-references.ts';
import { writeChecks } from './verify-write.ts';

export type { CatalogTable, FunctionChecker, VerifierCatalog } from './verify-context.ts';

export interface VerifiedProgram {
  /** The content hash (32 hex digits): the key for caching what is compiled from the program. */
  readonly hash: string;
  readonly parameterTypes: SqlType[];
  readonly root: Rel;
  /** The tables the program reads or writes, at the schema versions it was verified against
   * (a cache hit must still find them at these versions). */
  readonly tables: readonly TableRef[];
}

const CHECKS: Builders<OpcodeName> = { ...expressionChecks, ...relationChecks, ...writeChecks, ...referenceChecks };

/**
 * Checks size, magic, format version and content hash, and returns the hash. Cheap enough to
 * run before a cache lookup; `verifyProgram` runs it too.
 */
export function checkedProgramHash(bytes: Uint8Array): string {
  if (bytes.length > MAX_PROGRAM_BYTES) throw tooLarge(`${bytes.length} bytes, the limit is ${MAX_PROGRAM_BYTES}`);
  if (bytes.length < BODY_OFFSET) throw invalidProgram(`${bytes.length} bytes is shorter than the ${BODY_OFFSET}-byte header`);
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) throw invalidProgram('the bytes do not start with "SBLR"', 0);
  const version = bytes[VERSION_OFFSET];
  if (version !== FORMAT_VERSION) throw invalidProgram(`format version ${version} is not supported; this node reads version ${FORMAT_VERSION}`, VERSION_OFFSET);
  const hash = programHash(bytes);
  if (!hash.equals(bytes.subarray(HASH_OFFSET, HASH_OFFSET + HASH_BYTES))) throw invalidProgram('the content hash does not match the program', HASH_OFFSET);
  return hash.toString('hex');
}

export function verifyProgram(bytes: Uint8Array, site: 'shard' | 'coordinator', catalog: VerifierCatalog, functions: FunctionChecker): VerifiedProgram {
  const hash = checkedProgramHash(bytes);
  const r = new ProgramReader(bytes);
  r.at = BODY_OFFSET;
  const v = new Verifier(r, catalog, functions);
  v.parameterTypes = readList(v, 1, 'parameter', () => readType(r));
  const tables = readTables(v, catalog);
  for (const table of tables) v.tables.set(table.oid, table);
  const entries = v.block({ start: r.at, end: r.end }, { site, row: [], outers: [] });
  if (entries.length !== 1 || entries[0].kind !== 'relation') throw invalidProgram(`the program leaves ${entries.map((entry) => entry.kind).join(', ') || 'nothing'} where one relation is expected`);
  for (const table of tables) if (!v.used.has(table.oid)) throw invalidProgram(`table ${table.oid} is declared but never used`);
  return { hash, parameterTypes: v.parameterTypes, root: entries[0].node as Rel, tables };
}

/** The header's table list, in ascending oid order, each checked against the shard's catalog. */
function readTables(v: Verifier, catalog: VerifierCatalog): TableRef[] {
  const { r } = v;
  let previous = -1;
  return readList(v, 4, 'table', () => {
    const at = r.at;
    const oid = r.uint();
    if (oid <= previous) throw invalidProgram(`table ${oid} is out of order in the table list`, at);
    previous = oid;
    const version = r.uint();
    const hiddenRowId = r.bool();
    const columns = readColumns(v);
    const current = catalog.table(oid);
    if (current === undefined) throw schemaChanged(`table ${oid} does not exist`);
    if (current.version !== version) throw schemaChanged(`table ${oid} is at schema version ${current.version}, the program was planned against version ${version}`);
    const matches = current.hiddenRowId === hiddenRowId && current.columns.length === columns.length
      && current.columns.every((column, i) => column.name === columns[i].name && sameType(column.type, columns[i].type));
    if (!matches) throw invalidProgram(`table ${oid} at schema version ${version} does not have the columns the program declares`, at);
    return { oid, version, columns, hiddenRowId };
  });
}

/** One instruction being checked (a class, so no closure is made per instruction). */
class Step implements Instruction<OpcodeName> {
  constructor(
    readonly name: OpcodeName,
    private readonly at: number,
    readonly operands: Instruction<OpcodeName>['operands'],
    inputs: Entry[][],
    readonly scope: Scope,
    readonly v: Verification,
  ) {
    this.inputs = inputs as unknown as Instruction<OpcodeName>['inputs'];
  }

  readonly inputs: Instruction<OpcodeName>['inputs'];

  fail(reason: string): never {
    throw invalidProgram(`${this.name}: ${reason}`, this.at);
  }
}

class Verifier implements OperandSource, Verification {
  parameterTypes: SqlType[] = [];
  readonly tables = new Map<number, TableRef>();
  readonly used = new Set<number>();
  ctes = new Map<number, readonly OutputColumn[]>();
  workTables = new Map<number, readonly OutputColumn[]>();
  private elements = 0;
  private depth = 0;
  /** The tallest tree a block of the current instruction left: the instruction's height counts it. */
  private blockHeight = 0;

  constructor(readonly r: ProgramReader, readonly catalog: VerifierCatalog, readonly functions: FunctionChecker) {}

  readonly spend = (elements: number): void => {
    this.elements += elements;
    if (this.elements > MAX_ELEMENTS) throw tooLarge(`more than ${MAX_ELEMENTS} elements`);
  };

  table(oid: number, at: number): TableRef {
    const table = this.tables.get(oid);
    if (table === undefined) throw invalidProgram(`table ${oid} is not in the program's table list`, at);
    this.used.add(oid);
    return table;
  }

  isolated<T>(verify: () => T): T {
    const { ctes, workTables } = this;
    this.ctes = new Map();
    this.workTables = new Map();
    const result = verify();
    this.ctes = ctes;
    this.workTables = workTables;
    return result;
  }

  block(block: Block, scope: Scope): Entry[] {
    if (this.depth >= MAX_DEPTH) throw tooComplex(`blocks nested deeper than ${MAX_DEPTH} levels`);
    this.depth++;
    const { r } = this;
    const { at, end } = r;
    r.at = block.start;
    r.end = block.end;
    const stack: Entry[] = [];
    while (r.at < block.end) this.step(stack, scope);
    r.at = at;
    r.end = end;
    this.depth--;
    for (const entry of stack) if (entry.height > this.blockHeight) this.blockHeight = entry.height;
    return stack;
  }

  private step(stack: Entry[], scope: Scope): void {
    const { r } = this;
    const at = r.at;
    const code = r.u8();
    const spec = OPCODE_BY_CODE[code];
    if (spec === undefined) throw invalidProgram(`unknown opcode 0x${code.toString(16).padStart(2, '0')}`, at);
    this.spend(1);
    if (spec.site !== 'both' && spec.site !== scope.site) throw invalidProgram(`${spec.name} runs only on the ${spec.site}, not on a ${scope.site}`, at);
    const operands = readOperands(this, spec);

    const counts = spec.pops.map((pop) => popCount(pop, operands));
    const total = counts.reduce((sum, n) => sum + n, 0);
    if (total > stack.length) throw invalidProgram(`${spec.name} pops ${total} entries from a stack of ${stack.length}`, at);
    const popped = stack.splice(stack.length - total, total);
    const inputs: Entry[][] = [];
    let height = 0;
    let next = 0;
    for (let i = 0; i < counts.length; i++) {
      const kind = spec.pops[i].kind;
      const group = popped.slice(next, next + counts[i]);
      next += counts[i];
      for (const entry of group) {
        if (entry.kind !== kind) throw invalidProgram(`${spec.name} expects a ${kind} where the stack holds a ${entry.kind}`, at);
        if (entry.height > height) height = entry.height;
      }
      inputs.push(group);
    }

    const outerBlockHeight = this.blockHeight;
    this.blockHeight = 0;
    const instruction = new Step(spec.name as OpcodeName, at, operands as Instruction<OpcodeName>['operands'], inputs, scope, this);
    const produced = (CHECKS[spec.name as OpcodeName] as (instruction: Instruction<OpcodeName>) => unknown)(instruction);
    height = 1 + Math.max(height, this.blockHeight);
    this.blockHeight = outerBlockHeight;
    if (height > MAX_DEPTH) throw tooComplex(`plan nested deeper than ${MAX_DEPTH} levels`);

    if (spec.pushes === 'relation') {
      const { rel, columns } = produced as RelationOut;
      stack.push({ kind: 'relation', node: rel, columns, height });
    } else {
      stack.push({ kind: spec.pushes, node: produced, columns: NO_COLUMNS, height } as Entry);
    }
  }
}
