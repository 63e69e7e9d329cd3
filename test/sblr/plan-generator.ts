/**
 * Random well-typed plans for the SBLR tests: every expression and relation kind of the IR,
 * DML and DDL roots, correlated and uncorrelated subqueries, LATERAL joins, CTEs, recursion
 * and coordinator gathers, over random tables, with constants of every type. Every plan it
 * makes passes the verifier (with `everyFunction`); the round-trip test relies on that.
 *
 * Decisions are drawn through fast-check (`fc.gen()`), so properties shrink and the fuzz
 * driver can sample plans from a seed.
 */
import fc from 'fast-check';
import { makeArray } from '../../src/engine/array-value.ts';
import { formatType, parseType, type ColumnType, type ScalarType, type Value } from '../../src/engine/types.ts';
import { formatDecimal } from '../../src/engine/decimal.ts';
import type {
  AggregateCall, Check, Expr, ForeignKeyAction, ForeignKeyCheck, FrameBound, InsertRel, OnConflict, OutputColumn, PhysicalIndex, PhysicalTable, ReferentialNode,
  Rel, SortKey, TableRef, WindowCall,
} from '../../src/sql/plan/ir.ts';
import { BOOL, INT4, INT8, type SqlType } from '../../src/sql/types/sql-type.ts';
import { AGGREGATE_NAMES, REFERENTIAL_RULES, WINDOW_NAMES } from '../../sblr/opcodes.ts';
import { sameType } from '../../src/sblr/types.ts';
import { TestCatalog, partialOutputs } from './support.ts';

export type Draw = <T>(arbitrary: fc.Arbitrary<T>) => T;

export interface GeneratedProgram {
  readonly root: Rel;
  readonly parameterTypes: SqlType[];
  readonly site: 'shard' | 'coordinator';
  readonly catalog: TestCatalog;
}

/** Well-typed programs, shrinkable. */
export function arbitraryProgram(): fc.Arbitrary<GeneratedProgram> {
  return fc.gen().map((g) => generateProgram((arbitrary) => g(() => arbitrary)));
}

/** `count` programs from a seed, the same ones every time. */
export function samplePrograms(seed: number, count: number): GeneratedProgram[] {
  return fc.sample(arbitraryProgram(), { seed, numRuns: count });
}

export function generateProgram(draw: Draw): GeneratedProgram {
  return new PlanGenerator(draw).program();
}

// ---- types and values ----------------------------------------------------------------------

const SCALAR_KINDS = [
  'int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'bool', 'text', 'varchar', 'char', 'date', 'time',
  'timestamp', 'timestamptz', 'interval', 'uuid', 'bytea', 'jsonb',
] as const;
const SQL_ONLY_KINDS = [
  'unknown', 'oid', 'regclass', 'regtype', 'regproc', 'regnamespace', 'regrole', 'name', 'char1', 'json',
  'int2vector', 'oidvector', 'record', 'void',
] as const;

const INT8_RANGE = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
const text = (maxLength: number) => fc.string({ unit: 'binary', maxLength }).filter((s) => !s.includes('\0'));
const interval = fc.record({ months: fc.integer(), days: fc.integer(), micros: fc.bigInt(INT8_RANGE) });
/** bytea values come back from the verifier as Buffers, as they do from the engine. */
const bytes = fc.uint8Array({ maxLength: 8 }).map((array) => Buffer.from(array));
const uint32 = fc.integer({ min: 0, max: 0xffff_ffff });

function numericValue(type: Extract<ColumnType, { kind: 'numeric' }>): fc.Arbitrary<string> {
  if (type.precision === undefined) {
    const finite = fc.tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 40n }), fc.integer({ min: 0, max: 12 }))
      .map(([negative, unscaled, scale]) => formatDecimal(negative, unscaled, scale));
    return fc.oneof(finite, fc.constantFrom('NaN', 'Infinity', '-Infinity'));
  }
  const scale = type.scale ?? 0;
  const finite = fc.tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** BigInt(Math.min(type.precision, 30)) - 1n }))
    .map(([negative, unscaled]) => formatDecimal(negative, unscaled, scale));
  return fc.oneof(finite, fc.constant('NaN'));
}

const recordLeaf: fc.Arbitrary<Value> = fc.oneof(
  fc.constant(null), fc.boolean(), fc.double(), fc.bigInt(INT8_RANGE), text(6), bytes, interval,
);
const recordValue: fc.Arbitrary<Value> = fc.array(fc.oneof(recordLeaf, fc.array(recordLeaf, { maxLength: 2 })), { maxLength: 3 });

/** Non-NULL values of `type`, each valid for it. */
function valueOf(type: SqlType): fc.Arbitrary<Value> {
  switch (type.kind) {
    case 'int2': return fc.integer({ min: -32768, max: 32767 });
    case 'int4': case 'date': return fc.integer();
    case 'int8': case 'timestamp': case 'timestamptz': return fc.bigInt(INT8_RANGE);
    case 'time': return fc.bigInt({ min: 0n, max: 86_400_000_000n });
    case 'float4': return fc.float();
    case 'float8': return fc.double();
    case 'numeric': return numericValue(type);
    case 'bool': return fc.boolean();
    case 'text': case 'unknown': return text(8);
    case 'varchar': case 'char': return text(Math.min(type.length ?? 8, 8));
    case 'name': return text(8).filter((s) => Buffer.byteLength(s) <= 63);
    case 'char1': return fc.oneof(fc.constant(''), fc.integer({ min: 1, max: 255 }).map((code) => String.fromCharCode(code)));
    case 'json': case 'jsonb': return fc.json({ maxDepth: 2 });
    case 'interval': return interval;
    case 'uuid': return fc.uuid().map((uuid) => uuid.toLowerCase());
    case 'bytea': return bytes;
    case 'oid': case 'regclass': case 'regtype': case 'regproc': case 'regnamespace': case 'regrole': return uint32;
    case 'array': return fc.oneof(fc.array(fc.option(valueOf(type.element), { nil: null, freq: 4 }), { maxLength: 3 }), shapedArrayOf(type.element));
    case 'int2vector': return fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 3 });
    case 'oidvector': return fc.array(uint32, { maxLength: 3 });
    case 'record': return recordValue;
    case 'void': return fc.constant(null);
  }
}

/** Arrays of one or two dimensions with lower bounds around 1. */
function shapedArrayOf(element: SqlType): fc.Arbitrary<Value> {
  const dimension = fc.record({ length: fc.integer({ min: 1, max: 2 }), lower: fc.integer({ min: -1, max: 2 }) });
  return fc.array(dimension, { minLength: 1, maxLength: 2 }).chain((dims) => {
    const count = dims.reduce((product, d) => product * d.length, 1);
    return fc.array(fc.option(valueOf(element), { nil: null, freq: 4 }), { minLength: count, maxLength: count })
      .map((elements) => makeArray(elements, dims.map((d) => d.length), dims.map((d) => d.lower)));
  });
}

const NOT_ELEMENTS: ReadonlySet<string> = new Set(['array', 'unknown', 'record', 'void', 'int2vector', 'oidvector']);

// ---- the generator -------------------------------------------------------------------------

interface Scope {
  readonly site: 'shard' | 'coordinator';
  readonly row: readonly SqlType[];
  readonly outers: readonly (readonly SqlType[])[];
  readonly ctes: ReadonlyMap<number, readonly OutputColumn[]>;
  readonly workTables: ReadonlyMap<number, readonly OutputColumn[]>;
}

interface Made {
  readonly rel: Rel;
  readonly columns: readonly OutputColumn[];
}

interface GeneratedTable {
  readonly ref: TableRef;
  readonly indexes: readonly string[];
}

const NO_BINDINGS: ReadonlyMap<number, readonly OutputColumn[]> = new Map();

function typesOf(columns: readonly OutputColumn[]): SqlType[] {
  return columns.map((column) => column.type);
}

class PlanGenerator {
  private readonly params: SqlType[] = [];
  private readonly tables: GeneratedTable[];
  private nextId = 1;
  /** Nodes still to spend: when it runs out, only leaves are made. */
  private budget: number;

  constructor(private readonly draw: Draw) {
    this.budget = this.int(5, 90);
    const oids = this.draw(fc.uniqueArray(fc.integer({ min: 1, max: 100_000 }), { minLength: 3, maxLength: 3 }));
    this.tables = oids.map((oid) => this.table(oid));
  }

  program(): GeneratedProgram {
    const site = this.chance(0.25) ? 'coordinator' : 'shard';
    const scope: Scope = { site, row: [], outers: [], ctes: NO_BINDINGS, workTables: NO_BINDINGS };
    const choice = site === 'shard' ? this.int(0, 9) : 0;
    const root = choice < 6 ? this.query(scope) : choice < 9 ? this.write(scope) : this.ddl(scope);
    const catalog = new TestCatalog();
    for (const table of this.tables) catalog.add(table.ref, table.indexes);
    return { root, parameterTypes: this.params, site, catalog };
  }

  // ---- randomness ------------------------------------------------------------------------

  /** Uniform: fast-check's bias toward the bounds would make every choice its first option. */
  private int(min: number, max: number): number {
    return this.draw(fc.noBias(fc.integer({ min, max })));
  }

  private chance(p: number): boolean {
    return this.int(0, 999) < p * 1000;
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }

  private times<T>(min: number, max: number, make: (i: number) => T): T[] {
    return Array.from({ length: this.int(min, max) }, (_, i) => make(i));
  }

  private name(): string {
    return this.draw(fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }));
  }

  private scalarType(): ScalarType {
    const kind = this.pick(SCALAR_KINDS);
    switch (kind) {
      case 'numeric': {
        if (this.chance(0.5)) return { kind };
        const precision = this.int(1, 40);
        return this.chance(0.7) ? { kind, precision, scale: this.int(0, precision) } : { kind, precision };
      }
      case 'varchar':
      case 'char':
        return this.chance(0.5) ? { kind } : { kind, length: this.int(1, 20) };
      default:
        return { kind };
    }
  }

  private columnType(): ColumnType {
    return this.chance(0.2) ? { kind: 'array', element: this.scalarType() } : this.scalarType();
  }

  private type(): SqlType {
    return this.chance(0.2) ? { kind: this.pick(SQL_ONLY_KINDS) } : this.columnType();
  }

  private value(type: SqlType): Value {
    return type.kind === 'void' || this.chance(0.15) ? null : this.draw(valueOf(type));
  }

  private columns(types: readonly SqlType[]): OutputColumn[] {
    return types.map((type) => ({ name: this.name(), type }));
  }

  private table(oid: number): GeneratedTable {
    const columns = this.times(1, 4, (i) => ({ name: `c${i}`, type: this.columnType() as SqlType }));
    const hiddenRowId = this.chance(0.3);
    if (hiddenRowId) columns.push({ name: 'rowid', type: INT8 });
    const ref: TableRef = { oid, version: this.int(0, 9), columns, hiddenRowId };
    return { ref, indexes: this.times(0, 2, (i) => `${oid}_idx${i}`) };
  }

  // ---- expressions -----------------------------------------------------------------------

  private spend(): boolean {
    return --this.budget > 0;
  }

  private expr(s: Scope, type: SqlType, depth: number): Expr {
    const deep = this.spend() && depth > 0;
    const options: (() => Expr)[] = [() => ({ op: 'const', type, value: this.value(type) }), () => this.param(type)];
    const columns = s.row.flatMap((column, index) => (sameType(column, type) ? [index] : []));
    if (columns.length > 0) {
      options.push(() => {
        const index = this.pick(columns);
        return { op: 'column', type: s.row[index], index };
      });
    }
    const outers = s.outers.flatMap((row, d) => row.flatMap((column, index) => (sameType(column, type) ? [{ depth: d + 1, index, type: column }] : [])));
    if (outers.length > 0) options.push(() => ({ op: 'outer', ...this.pick(outers) }));
    if (deep) options.push(...this.composites(s, type, depth - 1));
    return this.pick(options)();
  }

  private param(type: SqlType): Expr {
    const existing = this.params.findIndex((param) => sameType(param, type));
    if (existing >= 0 && this.chance(0.5)) return { op: 'param', type: this.params[existing], index: existing };
    this.params.push(type);
    return { op: 'param', type, index: this.params.length - 1 };
  }

  private composites(s: Scope, type: SqlType, depth: number): (() => Expr)[] {
    const any = () => this.type();
    const options: (() => Expr)[] = [
      () => {
        const argTypes = this.times(0, 3, any);
        return { op: 'call', type, kind: this.pick(['function', 'operator'] as const), name: this.name(), argTypes, args: argTypes.map((t) => this.expr(s, t, depth)) };
      },
      () => ({ op: 'cast', type, context: this.pick(['implicit', 'assignment', 'explicit'] as const), arg: this.expr(s, any(), depth) }),
      () => ({
        op: 'case', type,
        whens: this.times(1, 2, () => ({ when: this.expr(s, BOOL, depth), then: this.expr(s, type, depth) })),
        otherwise: this.chance(0.5) ? this.expr(s, type, depth) : null,
      }),
      () => ({ op: this.pick(['coalesce', 'greatest', 'least'] as const), type, args: this.times(1, 3, () => this.expr(s, type, depth)) }),
      () => ({ op: 'nullif', type, left: this.expr(s, type, depth), right: this.expr(s, type, depth) }),
      () => {
        const plan = this.subqueryPlan(s, [type], depth);
        return { op: 'subquery', type, kind: 'scalar', plan: plan.rel, uncorrelated: plan.uncorrelated };
      },
    ];
    if (type.kind === 'bool') options.push(...this.predicates(s, depth));
    const subscript = (): Expr | null => (this.chance(0.2) ? null : this.expr(s, INT4, depth));
    if (type.kind === 'array') {
      const { element } = type;
      options.push(
        () => ({ op: 'array', type, elements: this.times(0, 3, () => this.expr(s, element, depth)) }),
        () => ({ op: 'array', type, elements: this.times(1, 3, () => this.expr(s, type, depth)) }),
        () => {
          const plan = this.subqueryPlan(s, [this.chance(0.5) ? element : type], depth);
          return { op: 'subquery', type, kind: 'array', plan: plan.rel, uncorrelated: plan.uncorrelated };
        },
        () => {
          const dimensions = this.int(1, 3);
          return { op: 'subscript', type, array: this.expr(s, type, depth), lower: this.times(dimensions, dimensions, subscript), upper: this.times(dimensions, dimensions, subscript) };
        },
      );
    } else if (!NOT_ELEMENTS.has(type.kind)) {
      options.push(() => ({ op: 'subscript', type, array: this.expr(s, { kind: 'array', element: type } as SqlType, depth), upper: this.times(1, 3, () => this.expr(s, INT4, depth)), lower: null }));
    }
    if (type.kind === 'record') options.push(() => ({ op: 'row', type, fields: this.times(0, 3, () => this.expr(s, any(), depth)) }));
    return options;
  }

  private predicates(s: Scope, depth: number): (() => Expr)[] {
    const pairTest = (left: SqlType, right: SqlType) => this.expr({ ...s, row: [left, right] }, BOOL, depth);
    return [
      () => ({ op: this.pick(['and', 'or'] as const), type: BOOL, args: this.times(2, 3, () => this.expr(s, BOOL, depth)) }),
      () => ({ op: 'not', type: BOOL, arg: this.expr(s, BOOL, depth) }),
      () => ({ op: 'isNull', type: BOOL, arg: this.expr(s, this.type(), depth), negated: this.chance(0.5) }),
      () => {
        const argType = this.type();
        return { op: 'isDistinct', type: BOOL, argType, left: this.expr(s, argType, depth), right: this.expr(s, argType, depth), negated: this.chance(0.5) };
      },
      () => {
        const argType = this.type();
        return { op: 'inList', type: BOOL, arg: this.expr(s, argType, depth), list: this.times(1, 3, () => this.expr(s, argType, depth)), negated: this.chance(0.5) };
      },
      () => {
        const plan = this.subqueryPlan(s, this.times(1, 2, () => this.type()), depth);
        return { op: 'subquery', type: BOOL, kind: 'exists', plan: plan.rel, uncorrelated: plan.uncorrelated };
      },
      () => {
        const element = this.scalarType();
        const plan = this.subqueryPlan(s, [element], depth);
        return {
          op: 'subquery', type: BOOL, kind: this.pick(['any', 'all', 'rowCompare'] as const), plan: plan.rel, uncorrelated: plan.uncorrelated,
          left: this.expr(s, element, depth), test: pairTest(element, element),
        };
      },
      () => {
        // (a, b) IN (SELECT x, y …): the left value is a ROW, the test reads [a, b, x, y].
        const types = this.times(2, 3, () => this.scalarType());
        const plan = this.subqueryPlan(s, types, depth);
        return {
          op: 'subquery', type: BOOL, kind: this.pick(['any', 'all', 'rowCompare'] as const), plan: plan.rel, uncorrelated: plan.uncorrelated,
          left: { op: 'row', type: { kind: 'record' }, fields: types.map((type) => this.expr(s, type, depth)) },
          test: this.expr({ ...s, row: [...types, ...types] }, BOOL, depth),
        };
      },
      () => {
        const element = this.scalarType();
        return {
          op: this.pick(['anyArray', 'allArray'] as const), type: BOOL, left: this.expr(s, element, depth),
          array: this.expr(s, { kind: 'array', element }, depth), test: pairTest(element, element),
        };
      },
    ];
  }

  /** A subquery plan yielding columns of `types`; uncorrelated ones see no enclosing row. */
  private subqueryPlan(s: Scope, types: readonly SqlType[], depth: number): { rel: Rel; uncorrelated: boolean } {
    const uncorrelated = this.chance(0.5);
    const inner: Scope = { ...s, row: [], outers: uncorrelated ? [] : [s.row, ...s.outers] };
    return { rel: this.shaped(inner, types, depth).rel, uncorrelated };
  }

  private sortKey(s: Scope, depth: number): SortKey {
    const type = this.type();
    return { expr: this.expr(s, type, depth), type, descending: this.chance(0.5), nullsFirst: this.chance(0.5) };
  }

  // ---- relations -------------------------------------------------------------------------

  private query(s: Scope): Rel {
    return this.chance(0.5) ? this.result(s, 2).rel : this.rel(s, 3).rel;
  }

  /** A relation whose columns have exactly `types`. */
  private shaped(s: Scope, types: readonly SqlType[], depth: number): Made {
    const input = this.rel(s, depth);
    const columns = this.columns(types);
    const row = { ...s, row: typesOf(input.columns) };
    return { rel: { rel: 'project', input: input.rel, columns, exprs: types.map((type) => this.expr(row, type, depth)) }, columns };
  }

  private rel(s: Scope, depth: number): Made {
    const deep = this.spend() && depth > 0;
    const noRow: Scope = { ...s, row: [] };
    const options: (() => Made)[] = [
      () => {
        const columns = this.columns(this.times(1, 3, () => this.type()));
        const rows = this.times(0, 2, () => columns.map((column) => this.expr(noRow, column.type, depth - 1)));
        return { rel: { rel: 'values', columns, rows }, columns };
      },
      () => {
        const argTypes = this.times(0, 2, () => this.type());
        const ordinality = this.chance(0.3);
        const columns = this.columns([...this.times(1, 2, () => this.type()), ...(ordinality ? [INT8] : [])]);
        return { rel: { rel: 'function', name: this.name(), argTypes, args: argTypes.map((type) => this.expr(noRow, type, depth - 1)), columns, ordinality }, columns };
      },
    ];
    if (s.site === 'shard') options.push(() => this.scan(s, depth));
    if (s.site === 'coordinator') {
      options.push(() => {
        const columns = this.columns(this.times(1, 3, () => this.type()));
        return { rel: { rel: 'catalog', name: this.name(), columns }, columns };
      });
    }
    for (const [id, bound] of s.ctes) options.push(() => ({ rel: { rel: 'cteRef', id, columns: bound }, columns: bound }));
    for (const [id, bound] of s.workTables) options.push(() => ({ rel: { rel: 'workTable', id, columns: bound }, columns: bound }));
    if (deep) options.push(...this.operators(s, depth - 1));
    return this.pick(options)();
  }

  private scan(s: Scope, depth: number): Made {
    const { ref, indexes } = this.pick(this.tables);
    if (this.chance(0.5)) return { rel: { rel: 'scan', table: ref }, columns: ref.columns };
    const noRow: Scope = { ...s, row: [] };
    const values = () => this.times(0, 2, () => this.expr(noRow, this.type(), depth - 1));
    const bound = () => ({ values: values(), inclusive: this.chance(0.5) });
    const equal = this.chance(0.4) ? this.times(0, 2, values) : undefined;
    const lower = this.chance(0.4) ? bound() : undefined;
    const upper = this.chance(0.4) ? bound() : undefined;
    return {
      rel: {
        rel: 'indexScan', table: ref, index: indexes.length > 0 && this.chance(0.5) ? this.pick(indexes) : null,
        ...(equal === undefined ? {} : { equal }), ...(lower === undefined ? {} : { lower }), ...(upper === undefined ? {} : { upper }),
        reverse: this.chance(0.5),
      },
      columns: ref.columns,
    };
  }

  private operators(s: Scope, depth: number): (() => Made)[] {
    const over = (made: Made): Scope => ({ ...s, row: typesOf(made.columns) });
    const unary = (build: (input: Made, row: Scope) => Made) => () => {
      const input = this.rel(s, depth);
      return build(input, over(input));
    };
    const options: (() => Made)[] = [
      unary((input, row) => ({ rel: { rel: 'filter', input: input.rel, predicate: this.expr(row, BOOL, depth) }, columns: input.columns })),
      unary((input, row) => {
        const columns = this.columns(this.times(1, 3, () => this.type()));
        return { rel: { rel: 'project', input: input.rel, columns, exprs: columns.map((column) => this.expr(row, column.type, depth)) }, columns };
      }),
      unary((input, row) => ({ rel: { rel: 'sort', input: input.rel, keys: this.times(1, 2, () => this.sortKey(row, depth)) }, columns: input.columns })),
      unary((input) => {
        const noRow: Scope = { ...s, row: [] };
        const bound = () => (this.chance(0.6) ? this.expr(noRow, INT8, depth) : null);
        return { rel: { rel: 'limit', input: input.rel, limit: bound(), offset: bound() }, columns: input.columns };
      }),
      unary((input, row) => ({
        rel: { rel: 'distinct', input: input.rel, on: this.chance(0.5) ? null : this.times(0, 2, () => this.expr(row, this.type(), depth)) },
        columns: input.columns,
      })),
      unary((input, row) => this.aggregate(input, row, depth)),
      unary((input, row) => this.window(input, row, depth)),
      () => this.join(s, depth),
      () => {
        const left = this.rel(s, depth);
        const right = this.shaped(s, typesOf(left.columns), depth);
        const columns = this.columns(typesOf(left.columns));
        return {
          rel: { rel: 'setop', kind: this.pick(['union', 'intersect', 'except'] as const), all: this.chance(0.5), left: left.rel, right: right.rel, columns },
          columns,
        };
      },
      () => this.recursive(s, depth),
      () => this.result(s, depth),
    ];
    if (s.site === 'coordinator') options.push(() => this.gather(s, depth), () => this.routedInsert(s, depth));
    return options;
  }

  private join(s: Scope, depth: number): Made {
    const left = this.rel(s, depth);
    const lateral = this.chance(0.3);
    const leftRow = typesOf(left.columns);
    const right = this.rel(lateral ? { ...s, outers: [leftRow, ...s.outers] } : s, depth);
    const rightRow = typesOf(right.columns);
    const kind = this.pick(lateral ? (['inner', 'left', 'semi', 'anti'] as const) : (['inner', 'left', 'right', 'full', 'semi', 'anti'] as const));
    const equiKeys = this.times(0, 2, () => {
      const type = this.type();
      return { left: this.expr({ ...s, row: leftRow }, type, depth), right: this.expr({ ...s, row: rightRow }, type, depth), type };
    });
    const condition = this.chance(0.7) ? this.expr({ ...s, row: [...leftRow, ...rightRow] }, BOOL, depth) : null;
    const columns = kind === 'semi' || kind === 'anti' ? left.columns : [...left.columns, ...right.columns];
    return { rel: { rel: 'join', kind, left: left.rel, right: right.rel, condition, equiKeys, lateral }, columns };
  }

  private aggregate(input: Made, row: Scope, depth: number): Made {
    const phase = this.pick(['full', 'partial', 'final'] as const);
    const keys = this.times(0, 2, () => this.expr(row, this.type(), depth));
    const groupingSets = this.chance(0.3) ? this.times(1, 3, () => this.times(0, keys.length, () => this.int(0, keys.length - 1))) : undefined;
    const aggregates = this.times(0, 2, (): AggregateCall => {
      const argTypes = this.times(0, 2, () => this.type());
      return {
        name: this.pick(AGGREGATE_NAMES), type: this.type(), args: argTypes.map((type) => this.expr(row, type, depth)), argTypes,
        distinct: this.chance(0.3), filter: this.chance(0.3) ? this.expr(row, BOOL, depth) : null, orderBy: this.times(0, 1, () => this.sortKey(row, depth)),
      };
    });
    const produced: SqlType[] = keys.map((key) => key.type);
    for (const call of aggregates) produced.push(...(phase === 'partial' ? partialOutputs(call.name, call.type) : [call.type]));
    if (groupingSets !== undefined) produced.push(INT4);
    const columns = this.columns(produced);
    return { rel: { rel: 'aggregate', input: input.rel, phase, keys, ...(groupingSets === undefined ? {} : { groupingSets }), aggregates, columns }, columns };
  }

  private window(input: Made, row: Scope, depth: number): Made {
    const noRow: Scope = { ...row, row: [] };
    const functions = this.times(1, 2, (): WindowCall => {
      const argTypes = this.times(0, 2, () => this.type());
      const mode = this.pick(['rows', 'range', 'groups'] as const);
      const bound = (kinds: readonly FrameBound['kind'][]): FrameBound => {
        const kind = this.pick(kinds);
        if (kind !== 'preceding' && kind !== 'following') return { kind };
        return { kind, offset: this.expr(noRow, mode === 'range' ? this.type() : INT8, depth) };
      };
      return {
        name: this.pick(WINDOW_NAMES), type: this.type(), args: argTypes.map((type) => this.expr(row, type, depth)), argTypes,
        filter: this.chance(0.2) ? this.expr(row, BOOL, depth) : null,
        frame: {
          mode, start: bound(['unboundedPreceding', 'preceding', 'currentRow', 'following']), end: bound(['preceding', 'currentRow', 'following', 'unboundedFollowing']),
          ...(this.chance(0.3) ? { exclude: this.pick(['currentRow', 'group', 'ties'] as const) } : {}),
        },
      };
    });
    const columns = [...input.columns, ...this.columns(functions.map((call) => call.type))];
    return {
      rel: {
        rel: 'window', input: input.rel, partitionBy: this.times(0, 2, () => this.expr(row, this.type(), depth)),
        orderBy: this.times(0, 2, () => this.sortKey(row, depth)), functions, columns,
      },
      columns,
    };
  }

  private recursive(s: Scope, depth: number): Made {
    const seed = this.rel(s, depth);
    const id = this.nextId++;
    const columns = this.columns(typesOf(seed.columns));
    const workTables = new Map(s.workTables).set(id, columns);
    const step = this.shaped({ ...s, workTables }, typesOf(columns), depth);
    return { rel: { rel: 'recursive', id, all: this.chance(0.5), seed: seed.rel, step: step.rel, columns }, columns };
  }

  private result(s: Scope, depth: number): Made {
    const ctes: { id: number; plan: Rel }[] = [];
    let visible = s.ctes;
    for (let i = this.int(0, 2); i > 0; i--) {
      const plan = this.rel({ ...s, ctes: visible }, depth);
      const id = this.nextId++;
      ctes.push({ id, plan: plan.rel });
      visible = new Map(visible).set(id, plan.columns);
    }
    const input = this.rel({ ...s, ctes: visible }, depth);
    return { rel: { rel: 'result', ctes, input: input.rel }, columns: input.columns };
  }

  private gather(s: Scope, depth: number): Made {
    const subplan = this.rel({ site: 'shard', row: [], outers: s.outers, ctes: NO_BINDINGS, workTables: NO_BINDINGS }, depth);
    const columns = this.columns(typesOf(subplan.columns));
    const shards = this.draw(fc.uniqueArray(fc.integer({ min: 0, max: 15 }), { minLength: 1, maxLength: 4 }));
    const mergeKeys = this.chance(0.5) ? this.times(1, 2, () => this.sortKey({ ...s, row: typesOf(columns) }, depth)) : null;
    const gather: Rel = { rel: 'gather', shards, subplan: subplan.rel, columns, mergeKeys };
    if (this.chance(0.5)) return { rel: gather, columns };
    const keyTypes = this.times(1, 2, () => this.columnType());
    const keys = this.times(1, 3, () => keyTypes.map((type) => this.expr({ ...s, row: [] }, type, depth)));
    return { rel: { ...gather, route: { keys } }, columns };
  }

  /** INSERT into a partitioned table: rows made here, stored by a shard INSERT of no VALUES rows. */
  private routedInsert(s: Scope, depth: number): Made {
    const table = this.pick(this.tables);
    const stored = typesOf(table.ref.columns);
    const input = this.shaped(s, table.ref.hiddenRowId ? stored.slice(0, -1) : stored, depth);
    const shardScope: Scope = { site: 'shard', row: [], outers: [], ctes: NO_BINDINGS, workTables: NO_BINDINGS };
    const insert = this.insert(shardScope, table, { rel: 'values', columns: input.columns, rows: [] });
    const key = this.draw(fc.uniqueArray(fc.integer({ min: 0, max: input.columns.length - 1 }), { minLength: 1, maxLength: input.columns.length }));
    const shards = this.draw(fc.uniqueArray(fc.integer({ min: 0, max: 15 }), { minLength: 1, maxLength: 4 }));
    return { rel: { rel: 'routedInsert', shards, key, input: input.rel, insert, columns: insert.columns }, columns: insert.columns };
  }

  // ---- writes ----------------------------------------------------------------------------

  private returning(s: Scope, stored: readonly SqlType[]): { returning: Expr[] | null; columns: OutputColumn[] } {
    const returning = this.chance(0.5) ? this.times(0, 2, () => this.expr({ ...s, row: stored }, this.type(), 2)) : null;
    return { returning, columns: this.columns((returning ?? []).map((e) => e.type)) };
  }

  private checks(s: Scope, stored: readonly SqlType[]): Check[] {
    return this.times(0, 2, () => ({ name: this.name(), expr: this.expr({ ...s, row: stored }, BOOL, 2) }));
  }

  private insert(s: Scope, { ref, indexes }: GeneratedTable, input: Rel): InsertRel {
    const stored = typesOf(ref.columns);
    const { returning, columns } = this.returning(s, stored);
    let onConflict: OnConflict | null = null;
    if (this.chance(0.5)) {
      const both: Scope = { ...s, row: [...stored, ...stored] };
      const update = this.chance(0.5);
      onConflict = {
        index: indexes.length > 0 && this.chance(0.5) ? this.pick(indexes) : null,
        action: update ? 'update' : 'nothing',
        set: update ? stored.map((type) => this.expr(both, type, 2)) : null,
        where: update && this.chance(0.5) ? this.expr(both, BOOL, 2) : null,
      };
    }
    return { rel: 'insert', table: ref, input, onConflict, returning, columns, checks: this.checks(s, stored), foreignKeys: this.foreignKeys(s, ref) };
  }

  // ---- foreign keys ----------------------------------------------------------------------

  /** Sometimes a write's foreign key graph: node 0 the written table, then random tables
   * (repeats make cycles), their actions pointing anywhere in the graph. */
  private foreignKeys(s: Scope, written: TableRef): ReferentialNode[] {
    if (!this.chance(0.3)) return [];
    const tables = [written, ...this.times(0, 2, () => this.pick(this.tables).ref)];
    return tables.map((ref) => this.referentialNode(s, ref, tables));
  }

  private referentialNode(s: Scope, table: TableRef, graph: readonly TableRef[]): ReferentialNode {
    const stored = typesOf(table.columns);
    const visible = table.hiddenRowId ? stored.length - 1 : stored.length;
    return {
      table, name: this.name(), columnNames: this.times(visible, visible, () => this.name()), checks: this.checks(s, stored),
      keys: this.times(0, 2, () => this.keyCheck(table)),
      referencedBy: this.times(0, 2, () => this.keyAction(s, table, graph)),
    };
  }

  /** A probe: a relation over nothing but the probed row, yielding the stored rows of `table`. */
  private probe(row: readonly SqlType[], table: TableRef): Rel {
    const scope: Scope = { site: 'shard', row: [], outers: [row], ctes: NO_BINDINGS, workTables: NO_BINDINGS };
    return this.shaped(scope, typesOf(table.columns), 1).rel;
  }

  /** `count` column positions of a row of `width`, repeats allowed. */
  private keyColumns(width: number, count: number): number[] {
    return Array.from({ length: count }, () => this.int(0, width - 1));
  }

  private keyCheck(table: TableRef): ForeignKeyCheck {
    const parent = this.pick(this.tables).ref;
    const width = this.int(1, 2);
    return {
      name: this.name(), columns: this.keyColumns(table.columns.length, width), matchFull: this.chance(0.5), parent, parentName: this.name(),
      parentColumns: this.keyColumns(parent.columns.length, width), probe: this.probe(typesOf(table.columns), parent),
    };
  }

  private keyAction(s: Scope, table: TableRef, graph: readonly TableRef[]): ForeignKeyAction {
    const child = this.int(0, graph.length - 1);
    const childRow = typesOf(graph[child].columns);
    const row = typesOf(table.columns);
    const width = this.int(1, 2);
    const onDelete = this.pick(REFERENTIAL_RULES);
    const onUpdate = this.pick(REFERENTIAL_RULES);
    const newRow = (scopeRow: readonly SqlType[]): Expr[] => childRow.map((type) => this.expr({ ...s, row: scopeRow }, type, 1));
    return {
      name: this.name(), child, columns: this.keyColumns(row.length, width), childColumns: this.keyColumns(childRow.length, width), onDelete, onUpdate,
      probe: this.probe(row, graph[child]),
      replacement: this.chance(0.5) ? this.probe(row, table) : null,
      deleteSet: onDelete === 'setNull' || onDelete === 'setDefault' ? newRow(childRow) : null,
      updateSet: onUpdate === 'cascade' || onUpdate === 'setNull' || onUpdate === 'setDefault' ? newRow([...childRow, ...row]) : null,
    };
  }

  private write(s: Scope): Rel {
    const table = this.pick(this.tables);
    const { ref } = table;
    const stored = typesOf(ref.columns);
    const storedScope: Scope = { ...s, row: stored };
    const kind = this.int(0, 2);
    if (kind === 0) return this.insert(s, table, this.shaped(s, ref.hiddenRowId ? stored.slice(0, -1) : stored, 2).rel);
    const { returning, columns } = this.returning(s, stored);
    const checks = (): Check[] => this.checks(s, stored);
    const scan: Rel = { rel: 'scan', table: ref };
    const input = this.chance(0.5) ? { rel: scan, columns: ref.columns } : (() => {
      const other = this.rel(s, 1);
      return { rel: { rel: 'join', kind: 'inner', left: scan, right: other.rel, condition: null, equiKeys: [], lateral: false } as Rel, columns: [...ref.columns, ...other.columns] };
    })();
    const recheck = this.chance(0.5) ? this.expr(storedScope, BOOL, 2) : null;
    if (kind === 1) {
      const row: Scope = { ...s, row: typesOf(input.columns) };
      return { rel: 'update', table: ref, input: input.rel, set: stored.map((type) => this.expr(row, type, 2)), recheck, returning, columns, checks: checks(), foreignKeys: this.foreignKeys(s, ref) };
    }
    return { rel: 'delete', table: ref, input: input.rel, recheck, returning, columns, foreignKeys: this.foreignKeys(s, ref) };
  }

  private definition(): PhysicalTable {
    const columns = this.times(1, 3, (i) => ({ name: `n${i}`, type: formatType(this.columnType()), notNull: this.chance(0.5) }));
    const names = columns.map((column) => column.name);
    return { columns, primaryKey: this.times(0, 1, () => this.pick(names)), indexes: this.times(0, 2, () => this.index(names)) };
  }

  private index(names: readonly string[]): PhysicalIndex {
    return {
      name: this.name(), unique: this.chance(0.5),
      columns: this.times(1, 2, () => ({ column: this.pick(names), descending: this.chance(0.5), nullsFirst: this.chance(0.5) })),
    };
  }

  private ddl(s: Scope): Rel {
    const { ref, indexes } = this.pick(this.tables);
    switch (this.int(0, 6)) {
      case 0: return { rel: 'ddl', action: 'createTable', oid: 200_000 + this.int(0, 1000), definition: this.definition() };
      case 1: return { rel: 'ddl', action: 'dropTable', oid: ref.oid };
      case 2: return { rel: 'ddl', action: 'truncate', table: ref };
      case 3: return { rel: 'ddl', action: 'createIndex', oid: ref.oid, index: this.index(ref.columns.map((column) => column.name)) };
      case 4:
        return indexes.length > 0 ? { rel: 'ddl', action: 'dropIndex', oid: ref.oid, name: this.pick(indexes) } : { rel: 'ddl', action: 'dropTable', oid: ref.oid };
      case 5: {
        const node = this.referentialNode(s, ref, [ref]);
        const keys = node.keys.length > 0 ? node.keys : [this.keyCheck(ref)];
        return { rel: 'ddl', action: 'validate', node: { ...node, checks: [], keys, referencedBy: [] } };
      }
      default: {
        const definition = this.definition();
        const row: Scope = { ...s, row: typesOf(ref.columns) };
        return { rel: 'ddl', action: 'rewrite', table: ref, definition, row: definition.columns.map((column) => this.expr(row, parseType(column.type), 2)) };
      }
    }
  }
}
