/**
 * GROUP BY by hashing, with grouping sets. Each input row's keys and aggregate arguments are
 * evaluated once and added to its group in every grouping set; groups come out set by set,
 * each in the order its first row arrived. Without keys or sets there is one group even
 * over no input, and so is the empty grouping set `()`.
 *
 * Aggregate calls with DISTINCT or ORDER BY collect their arguments and sort them at the
 * end (DISTINCT sorts by the arguments, as PostgreSQL does, so array_agg(DISTINCT x) comes
 * out ordered), then feed the plain accumulator.
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import type { Row, Value } from '../../engine/types.ts';
import { partialStateTypes } from '../../sql/functions/aggregates.ts';
import type { EvalContext } from '../../sql/functions/index.ts';
import type { AggregateCall, AggregateRel } from '../../sql/plan/ir.ts';
import type { Compiler, Source } from '../compile/compiler.ts';
import { accumulatorFactory, type Accumulator, type AccumulatorFactory } from './accumulators.ts';
import { keysCompare, type KeyOrder } from './compare.ts';
import { ArrayCursor } from './cursor.ts';
import type { Frame } from './execution.ts';
import { compositeKeyOf, keyOf, keyOfParts, type HashKey, type KeyOf } from './hash-key.ts';

/** One aggregate call, compiled: how to start, feed and read out its state for a group. */
export interface AggregateSpec {
  /** Output columns: 1, or the partial state's columns. */
  readonly width: number;
  create(): Accumulator;
  feed(acc: Accumulator, row: Row, frame: Frame): void;
  emit(acc: Accumulator, out: Value[], at: number, ctx: EvalContext): void;
}

export function compileAggregateCall(call: AggregateCall, phase: AggregateRel['phase'], c: Compiler): AggregateSpec {
  const args = call.args.map((a) => c.expr(a));
  const filter = call.filter === null ? null : c.predicate(call.filter);
  const final = phase === 'final';
  const base = accumulatorFactory(call.name, call.argTypes, final);
  const width = phase === 'partial' ? partialStateTypes(call.name, call.argTypes).length : 1;
  const emit = (acc: Accumulator, out: Value[], at: number, context: EvalContext): void => {
    if (phase !== 'partial') {
      out[at] = acc.result(context);
      return;
    }
    const states = acc.states(context);
    for (let i = 0; i < states.length; i++) out[at + i] = states[i];
  };
  const values = new Array<Value>(args.length).fill(null);
  const evaluate = (row: Row, frame: Frame): boolean => {
    if (filter !== null && !filter(row, frame)) return false;
    for (let i = 0; i < args.length; i++) values[i] = args[i](row, frame);
    return true;
  };
  if (!call.distinct && call.orderBy.length === 0) {
    return {
      width,
      create: base,
      feed: final
        ? (acc, row, frame) => {
            if (evaluate(row, frame)) acc.merge(values, frame.exec.ctx.eval);
          }
        : (acc, row, frame) => {
            if (evaluate(row, frame)) acc.add(values, frame.exec.ctx.eval);
          },
      emit,
    };
  }
  if (final) throw new EngineError(SqlState.featureNotSupported, `${call.name} with DISTINCT or ORDER BY cannot be combined from partial aggregates`);
  const orderKeys = call.orderBy.map((k) => c.expr(k.expr));
  const order = sortedInput(call, orderKeys.length);
  return {
    width,
    create: () => new CollectingAccumulator(base, order),
    feed: (acc, row, frame) => {
      if (!evaluate(row, frame)) return;
      const entry = new Array<Value>(values.length + orderKeys.length);
      for (let i = 0; i < orderKeys.length; i++) entry[i] = orderKeys[i](row, frame);
      for (let i = 0; i < values.length; i++) entry[orderKeys.length + i] = values[i];
      (acc as CollectingAccumulator).collect(entry);
    },
    emit,
  };
}

interface InputOrder {
  /** Order of collected entries ([order keys…, args…]). */
  readonly compare: (a: readonly Value[], b: readonly Value[]) => number;
  /** Key of an entry's arguments, for DISTINCT. */
  readonly distinct: ((entry: readonly Value[]) => HashKey) | null;
  readonly argsFrom: number;
}

function sortedInput(call: AggregateCall, keyCount: number): InputOrder {
  // Entries are [order keys…, args…]; DISTINCT also sorts by the args, after the order keys.
  const orders: KeyOrder[] = [...call.orderBy];
  if (call.distinct) for (const type of call.argTypes) orders.push({ type, descending: false, nullsFirst: false });
  const argKey = call.distinct ? compositeKeyOf(call.argTypes) : null;
  return {
    compare: keysCompare(orders),
    distinct: argKey === null ? null : (entry) => argKey(entry.slice(keyCount)),
    argsFrom: keyCount,
  };
}

/** DISTINCT / ORDER BY: the arguments of every row, sorted and deduplicated at the end. */
class CollectingAccumulator implements Accumulator {
  private readonly entries: Value[][] = [];
  constructor(private readonly base: AccumulatorFactory, private readonly order: InputOrder) {}
  collect(entry: Value[]): void {
    this.entries.push(entry);
  }
  add(): void {
    throw new EngineError(SqlState.internalError, 'collected aggregate fed directly');
  }
  merge(): void {
    this.add();
  }
  private finished(ctx: EvalContext): Accumulator {
    const { compare, distinct, argsFrom } = this.order;
    const entries = this.entries.slice().sort(compare);
    const acc = this.base();
    const seen = new Set<HashKey>();
    for (const entry of entries) {
      if (distinct !== null) {
        const key = distinct(entry);
        if (seen.has(key)) continue;
        seen.add(key);
      }
      acc.add(entry.slice(argsFrom), ctx);
    }
    return acc;
  }
  result(ctx: EvalContext): Value {
    return this.finished(ctx).result(ctx);
  }
  states(ctx: EvalContext): Value[] {
    return this.finished(ctx).states(ctx);
  }
}

interface Group {
  readonly keys: Value[];
  readonly accumulators: Accumulator[];
}

export function compileAggregate(rel: AggregateRel, c: Compiler): Source {
  const input = c.rel(rel.input);
  const keys = rel.keys.map((k) => c.expr(k));
  const keyParts = rel.keys.map((k) => keyOf(k.type));
  const specs = rel.aggregates.map((a) => compileAggregateCall(a, rel.phase, c));
  if (rel.phase === 'partial' && rel.groupingSets !== undefined) {
    throw new EngineError(SqlState.featureNotSupported, 'grouping sets cannot be aggregated in partial phases');
  }
  const sets: readonly (readonly number[])[] = rel.groupingSets ?? [rel.keys.map((_, i) => i)];
  const withGrouping = rel.groupingSets !== undefined;
  const setKeys = sets.map((set) => setKey(set, keyParts));
  const width = keys.length + specs.reduce((n, s) => n + s.width, 0) + (withGrouping ? 1 : 0);
  return (frame) => {
    const tables = sets.map(() => new Map<HashKey, Group>());
    const keyValues = new Array<Value>(keys.length).fill(null);
    const cursor = input(frame);
    for (let row = cursor.next(); row !== undefined; row = cursor.next()) {
      frame.exec.tick();
      for (let i = 0; i < keys.length; i++) keyValues[i] = keys[i](row, frame);
      for (let s = 0; s < sets.length; s++) {
        const table = tables[s];
        const key = setKeys[s](keyValues);
        let group = table.get(key);
        if (group === undefined) {
          group = newGroup(sets[s], keyValues, specs);
          table.set(key, group);
        }
        const { accumulators } = group;
        for (let a = 0; a < specs.length; a++) specs[a].feed(accumulators[a], row, frame);
      }
    }
    const ctx = frame.exec.ctx.eval;
    const rows: Row[] = [];
    for (let s = 0; s < sets.length; s++) {
      const groups = tables[s];
      // No keys (or the empty grouping set): one row even over no input.
      if (groups.size === 0 && sets[s].length === 0) groups.set(null, newGroup(sets[s], keyValues, specs));
      const grouping = groupingBits(sets[s], keys.length);
      for (const group of groups.values()) {
        const out = new Array<Value>(width);
        let at = 0;
        for (; at < keys.length; at++) out[at] = group.keys[at];
        for (let a = 0; a < specs.length; a++) {
          specs[a].emit(group.accumulators[a], out, at, ctx);
          at += specs[a].width;
        }
        if (withGrouping) out[at] = grouping;
        rows.push(out);
      }
    }
    return new ArrayCursor(rows);
  };
}

function newGroup(set: readonly number[], keyValues: readonly Value[], specs: readonly AggregateSpec[]): Group {
  const keys = new Array<Value>(keyValues.length).fill(null);
  for (const position of set) keys[position] = keyValues[position];
  return { keys, accumulators: specs.map((s) => s.create()) };
}

/** The hash key of a row's keys in one grouping set. */
function setKey(set: readonly number[], parts: readonly KeyOf[]): (keyValues: readonly Value[]) => HashKey {
  if (set.length === 0) return () => null;
  if (set.length === 1) {
    const [position] = set;
    const part = parts[position];
    return (keyValues) => part(keyValues[position]);
  }
  const setParts = set.map((p) => parts[p]);
  const values = new Array<Value>(set.length).fill(null);
  return (keyValues) => {
    for (let i = 0; i < set.length; i++) values[i] = keyValues[set[i]];
    return keyOfParts(setParts, values);
  };
}

/** GROUPING(all keys): bit (n − 1 − i) set when key i is not grouped on in this set. */
function groupingBits(set: readonly number[], keyCount: number): number {
  let bits = 0;
  for (let i = 0; i < keyCount; i++) if (!set.includes(i)) bits |= 1 << (keyCount - 1 - i);
  return bits;
}
