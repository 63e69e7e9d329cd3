/**
 * Window functions. The input is sorted (stably) by partition keys, then order keys; within
 * a partition, rows with equal order keys are peers. Each function is computed for every row
 * from its partition and its frame (ROWS, RANGE or GROUPS, with offsets), as PostgreSQL
 * defines them: ranking functions by peer groups, lag/lead over the partition, value and
 * aggregate functions over the frame, less the rows EXCLUDE removes. An aggregate whose frame
 * starts at UNBOUNDED PRECEDING and excludes nothing runs incrementally; others are recomputed
 * per distinct frame.
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import type { Row, Value } from '../../engine/types.ts';
import type { AggregateName, FrameBound, FrameExclusion, SortKey, WindowCall, WindowRel } from '../../sql/plan/ir.ts';
import type { SqlType } from '../../sql/types/sql-type.ts';
import { AGGREGATE_NAMES } from '../../../sblr/opcodes.ts';
import type { Compiler, Evaluator, Source } from '../compile/compiler.ts';
import { castFunction, comparator, resolveBinary, type Compare } from '../compile/functions.ts';
import { badPlan } from '../compile/expr.ts';
import type { Accumulator } from './accumulators.ts';
import { compileAggregateCall, type AggregateSpec } from './aggregate.ts';
import { keysCompare } from './compare.ts';
import { ArrayCursor, drain, EMPTY_ROW } from './cursor.ts';
import type { Frame } from './execution.ts';

/** A partition being computed: its rows in order and their peer groups. */
interface Partition {
  readonly rows: readonly Row[];
  /** Per row: index of its peer group, and that group's first row and end (exclusive). */
  readonly group: readonly number[];
  readonly groupStart: readonly number[];
  readonly groupEnd: readonly number[];
  /** The first row of each peer group, plus the partition size at the end. */
  readonly groupBounds: readonly number[];
  /** Per row: the (single) ORDER BY value, for RANGE offsets. */
  readonly orderValues: readonly Value[];
}

/** Computes one function's value for every row of a partition. */
type WindowFunction = (p: Partition, frame: Frame, out: Value[]) => void;

const AGGREGATES = new Set<string>(AGGREGATE_NAMES);

export function compileWindow(rel: WindowRel, c: Compiler): Source {
  const input = c.rel(rel.input);
  const partitionKeys = rel.partitionBy.map((e) => c.expr(e));
  const orderKeys = rel.orderBy.map((k) => c.expr(k.expr));
  const partitionOrder = keysCompare(rel.partitionBy.map((e) => ({ type: e.type, descending: false, nullsFirst: false })));
  const peerOrder = keysCompare(rel.orderBy);
  const functions = rel.functions.map((f) => compileFunction(f, rel.orderBy, c));
  const partitionCount = partitionKeys.length;
  return (frame) => {
    const rows = drain(input(frame));
    const decorated = rows.map((row) => ({
      row,
      partition: partitionKeys.map((k) => k(row, frame)),
      order: orderKeys.map((k) => k(row, frame)),
    }));
    decorated.sort((a, b) => (partitionCount === 0 ? 0 : partitionOrder(a.partition, b.partition)) || peerOrder(a.order, b.order));
    const out: Row[] = new Array<Row>(decorated.length);
    const values = functions.map(() => [] as Value[]);
    let start = 0;
    while (start < decorated.length) {
      let end = start + 1;
      while (end < decorated.length && (partitionCount === 0 || partitionOrder(decorated[start].partition, decorated[end].partition) === 0)) end++;
      const part = decorated.slice(start, end);
      const partition = describePartition(part.map((d) => d.row), part.map((d) => d.order), peerOrder);
      for (let f = 0; f < functions.length; f++) {
        const results = values[f];
        results.length = part.length;
        functions[f](partition, frame, results);
        for (let i = 0; i < part.length; i++) {
          const row = (out[start + i] ??= [...part[i].row]) as Value[];
          row.push(results[i]);
        }
      }
      if (functions.length === 0) for (let i = 0; i < part.length; i++) out[start + i] = part[i].row;
      frame.exec.tick();
      start = end;
    }
    return new ArrayCursor(out);
  };
}

function describePartition(rows: readonly Row[], orders: readonly (readonly Value[])[], peerOrder: (a: readonly Value[], b: readonly Value[]) => number): Partition {
  const n = rows.length;
  const group = new Array<number>(n);
  const groupStart = new Array<number>(n);
  const groupEnd = new Array<number>(n);
  const groupBounds: number[] = [];
  let first = 0;
  for (let i = 0; i < n; i++) {
    if (i === 0 || peerOrder(orders[i - 1], orders[i]) !== 0) {
      first = i;
      groupBounds.push(i);
    }
    group[i] = groupBounds.length - 1;
    groupStart[i] = first;
  }
  groupBounds.push(n);
  for (let i = 0; i < n; i++) groupEnd[i] = groupBounds[group[i] + 1];
  return { rows, group, groupStart, groupEnd, groupBounds, orderValues: orders.map((o) => (o.length > 0 ? o[0] : null)) };
}

function compileFunction(call: WindowCall, orderBy: readonly SortKey[], c: Compiler): WindowFunction {
  const args = call.args.map((a) => c.expr(a));
  switch (call.name) {
    case 'row_number':
      return (p, _f, out) => {
        for (let i = 0; i < p.rows.length; i++) out[i] = BigInt(i + 1);
      };
    case 'rank':
      return (p, _f, out) => {
        for (let i = 0; i < p.rows.length; i++) out[i] = BigInt(p.groupStart[i] + 1);
      };
    case 'dense_rank':
      return (p, _f, out) => {
        for (let i = 0; i < p.rows.length; i++) out[i] = BigInt(p.group[i] + 1);
      };
    case 'percent_rank':
      return (p, _f, out) => {
        const n = p.rows.length;
        for (let i = 0; i < n; i++) out[i] = n > 1 ? p.groupStart[i] / (n - 1) : 0;
      };
    case 'cume_dist':
      return (p, _f, out) => {
        for (let i = 0; i < p.rows.length; i++) out[i] = p.groupEnd[i] / p.rows.length;
      };
    case 'ntile':
      return (p, frame, out) => ntile(p, args[0](p.rows[0], frame), out);
    case 'lag':
    case 'lead': {
      const sign = call.name === 'lag' ? -1 : 1;
      const [value, offset, fallback] = args;
      return (p, frame, out) => {
        const n = p.rows.length;
        for (let i = 0; i < n; i++) {
          const row = p.rows[i];
          const distance = offset === undefined ? 1 : offset(row, frame);
          if (distance === null) {
            out[i] = null;
            continue;
          }
          const target = i + sign * Number(distance);
          out[i] = target >= 0 && target < n ? value(p.rows[target], frame) : fallback === undefined ? null : fallback(row, frame);
        }
      };
    }
    default:
      break;
  }
  const bounds = compileFrame(call, orderBy, c);
  switch (call.name) {
    case 'first_value':
    case 'last_value':
    case 'nth_value': {
      const [value, nth] = args;
      const name = call.name;
      return (p, frame, out) => {
        const frames = bounds(p, frame);
        for (let i = 0; i < p.rows.length; i++) {
          const segments = frames(i);
          let at: number;
          if (name === 'first_value') at = rowOfFrame(segments, 0);
          else if (name === 'last_value') at = rowOfFrame(segments, frameSize(segments) - 1);
          else {
            const n = nth(p.rows[i], frame);
            if (n === null) {
              out[i] = null;
              continue;
            }
            if (Number(n) <= 0) throw new EngineError(SqlState.invalidArgumentForNthValue, 'argument of nth_value must be greater than zero');
            at = rowOfFrame(segments, Number(n) - 1);
          }
          out[i] = at < 0 ? null : value(p.rows[at], frame);
        }
      };
    }
    default:
      if (!AGGREGATES.has(call.name)) throw badPlan(`unknown window function ${call.name}`);
      return windowAggregate(
        compileAggregateCall({ name: call.name as AggregateName, type: call.type, args: call.args, argTypes: call.argTypes, distinct: false, filter: call.filter, orderBy: [] }, 'full', c),
        call.frame.start.kind === 'unboundedPreceding' && call.frame.exclude === undefined,
        bounds,
      );
  }
}

/** The number of rows in a frame's segments. */
function frameSize(segments: FrameSegments): number {
  let size = 0;
  for (let s = 0; s < segments.length; s += 2) size += segments[s + 1] - segments[s];
  return size;
}

/** The partition index of the frame's `n`th row (from 0), or -1 past its end. */
function rowOfFrame(segments: FrameSegments, n: number): number {
  if (n < 0) return -1;
  let left = n;
  for (let s = 0; s < segments.length; s += 2) {
    const size = segments[s + 1] - segments[s];
    if (left < size) return segments[s] + left;
    left -= size;
  }
  return -1;
}

function sameSegments(a: FrameSegments, b: FrameSegments): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function ntile(p: Partition, buckets: Value, out: Value[]): void {
  const n = p.rows.length;
  if (buckets === null) {
    for (let i = 0; i < n; i++) out[i] = null;
    return;
  }
  const count = Number(buckets);
  if (count <= 0) throw new EngineError(SqlState.invalidArgumentForNtile, 'argument of ntile must be greater than zero');
  const size = Math.floor(n / count);
  const bigger = n % count;
  // The first `bigger` buckets hold size + 1 rows, the others size.
  let bucket = 1;
  let left = size + (bigger > 0 ? 1 : 0);
  for (let i = 0; i < n; i++) {
    if (left === 0) {
      bucket++;
      left = size + (bucket <= bigger ? 1 : 0);
    }
    out[i] = bucket;
    left--;
  }
}

function windowAggregate(spec: AggregateSpec, fromStart: boolean, bounds: FrameBounds): WindowFunction {
  const one: Value[] = [null];
  return (p, frame, out) => {
    const frames = bounds(p, frame);
    const ctx = frame.exec.ctx.eval;
    const read = (acc: Accumulator): Value => {
      spec.emit(acc, one, 0, ctx);
      return one[0];
    };
    if (fromStart) {
      const acc = spec.create();
      let fed = 0;
      for (let i = 0; i < p.rows.length; i++) {
        const [, end] = frames(i);
        for (; fed < end; fed++) spec.feed(acc, p.rows[fed], frame);
        out[i] = read(acc);
      }
      return;
    }
    let lastSegments: FrameSegments = [];
    let last: Value = null;
    for (let i = 0; i < p.rows.length; i++) {
      const segments = frames(i);
      if (i === 0 || !sameSegments(segments, lastSegments)) {
        const acc = spec.create();
        for (let s = 0; s < segments.length; s += 2) {
          for (let j = segments[s]; j < segments[s + 1]; j++) {
            frame.exec.tick();
            spec.feed(acc, p.rows[j], frame);
          }
        }
        last = read(acc);
        lastSegments = segments;
      }
      out[i] = last;
    }
  };
}

// ---- frames --------------------------------------------------------------------------------

/**
 * A row's frame as ascending, non-empty [start, end) ranges of partition indexes, flattened
 * (start, end, start, end, …): one range, or up to three when EXCLUDE removes rows from it.
 */
type FrameSegments = readonly number[];

/** For a partition: the frame of each row. */
type FrameBounds = (p: Partition, frame: Frame) => (i: number) => FrameSegments;

function compileFrame(call: WindowCall, orderBy: readonly SortKey[], c: Compiler): FrameBounds {
  const { mode, start, end, exclude } = call.frame;
  const startOffset = offsetOf(start, c);
  const endOffset = offsetOf(end, c);
  const range = mode === 'range' && (startOffset !== null || endOffset !== null) ? rangeArithmetic(call, orderBy) : null;
  return (p, frame) => {
    const startBy = startOffset === null ? null : checkedOffset(startOffset(EMPTY_ROW, frame), 'starting', mode);
    const endBy = endOffset === null ? null : checkedOffset(endOffset(EMPTY_ROW, frame), 'ending', mode);
    const n = p.rows.length;
    const rangeBound = range === null ? null : range(p, frame);
    const position = (bound: FrameBound, by: Value, i: number, isStart: boolean): number => {
      switch (bound.kind) {
        case 'unboundedPreceding':
          return 0;
        case 'unboundedFollowing':
          return n;
        case 'currentRow':
          if (mode === 'rows') return isStart ? i : i + 1;
          return isStart ? p.groupStart[i] : p.groupEnd[i];
        case 'preceding':
        case 'following': {
          const sign = bound.kind === 'preceding' ? -1 : 1;
          if (mode === 'rows') return i + sign * Number(by) + (isStart ? 0 : 1);
          if (mode === 'groups') {
            const g = p.group[i] + sign * Number(by);
            if (g < 0) return 0;
            if (g >= p.groupBounds.length - 1) return n;
            return isStart ? p.groupBounds[g] : p.groupBounds[g + 1];
          }
          return (rangeBound as RangeBound)(i, by, sign, isStart);
        }
      }
    };
    return (i) => {
      const s = Math.min(Math.max(position(start, startBy, i, true), 0), n);
      const e = Math.min(Math.max(position(end, endBy, i, false), s), n);
      return exclude === undefined ? [s, e] : excluding(s, e, exclude, p, i);
    };
  };
}

/** The frame [s, e) of row i without the rows EXCLUDE removes (peers: its peer group). */
function excluding(s: number, e: number, exclude: FrameExclusion, p: Partition, i: number): FrameSegments {
  const [from, to] = exclude === 'currentRow' ? [i, i + 1] : [p.groupStart[i], p.groupEnd[i]];
  const segments: number[] = [];
  const add = (a: number, b: number): void => {
    if (a < b) segments.push(a, b);
  };
  add(s, Math.min(e, from));
  if (exclude === 'ties' && i >= s && i < e) add(i, i + 1);
  add(Math.max(s, to), e);
  return segments;
}

function offsetOf(bound: FrameBound, c: Compiler): Evaluator | null {
  return bound.kind === 'preceding' || bound.kind === 'following' ? c.expr(bound.offset) : null;
}

function checkedOffset(value: Value, which: 'starting' | 'ending', mode: string): Value {
  if (value === null) throw new EngineError(SqlState.nullValueNotAllowed, `frame ${which} offset must not be null`);
  const negative = typeof value === 'object' ? isNegativeInterval(value) : Number(value) < 0 || (typeof value === 'string' && value.startsWith('-'));
  if (negative) {
    throw new EngineError(SqlState.invalidPrecedingOrFollowingSize, mode === 'range' ? 'invalid preceding or following size in window function' : `frame ${which} offset must not be negative`);
  }
  return value;
}

function isNegativeInterval(value: object): boolean {
  const { months, days, micros } = value as { months: number; days: number; micros: bigint };
  return months < 0 || days < 0 || micros < 0n;
}

/** The row index a RANGE offset bound lands on for row i. */
type RangeBound = (i: number, offset: Value, sign: number, isStart: boolean) => number;

/**
 * RANGE offsets: the frame holds the rows whose ORDER BY value lies within `offset` of the
 * current row's (direction per ASC/DESC). A NULL current value's frame is its NULL peers.
 */
function rangeArithmetic(call: WindowCall, orderBy: readonly SortKey[]): (p: Partition, frame: Frame) => RangeBound {
  if (orderBy.length !== 1) throw badPlan('RANGE with an offset needs exactly one ORDER BY column');
  const [key] = orderBy;
  const offsetExpr = [call.frame.start, call.frame.end].find((b) => b.kind === 'preceding' || b.kind === 'following') as { offset: { type: SqlType } };
  const offsetType = offsetExpr.offset.type;
  const plus = resolveBinary('+', key.type, offsetType);
  const minus = resolveBinary('-', key.type, offsetType);
  const resultType = plus.returnType;
  const toResult = resultType.kind === key.type.kind ? null : castFunction(key.type, resultType, 'implicit');
  const compare: Compare = comparator(resultType);
  const descending = key.descending;
  return (p, frame) => {
    const ctx = frame.exec.ctx.eval;
    const values = toResult === null ? p.orderValues : p.orderValues.map((v) => toResult(v, ctx));
    // The non-NULL values form one contiguous, sorted run.
    let first = 0;
    while (first < values.length && values[first] === null) first++;
    let last = first;
    while (last < values.length && values[last] !== null) last++;
    const args: Value[] = [null, null];
    return (i, offset, sign, isStart) => {
      if (values[i] === null) return isStart ? p.groupStart[i] : p.groupEnd[i];
      args[0] = p.orderValues[i];
      args[1] = offset;
      // Moving "following" goes up in ASC order and down in DESC order.
      const up = (sign > 0) !== descending;
      const bound = (up ? plus : minus).impl(args, ctx);
      // First index in [first, last) whose value is beyond the bound (start: not before it).
      const beyond = (v: Value): boolean => {
        const d = compare(v, bound);
        const ascending = descending ? -d : d;
        return isStart ? ascending >= 0 : ascending > 0;
      };
      let lo = first;
      let hi = last;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (beyond(values[mid])) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    };
  };
}
