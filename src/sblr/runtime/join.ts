/**
 * Joins. With equality keys, a hash join: the right input is loaded into a hash table by its
 * keys (a NULL key never matches), the left input streams and probes it. Without keys, a
 * nested loop over the right input, materialized once. LATERAL opens the right input again
 * for every left row, with that row as `outer` depth 1.
 *
 * `condition` always decides a match (the keys only narrow the candidates); it is evaluated
 * against one scratch row per cursor holding [left…, right…], copied only when emitted.
 */
import type { Row, Value } from '../../engine/types.ts';
import { columnsOf, type JoinRel } from '../../sql/plan/ir.ts';
import type { Compiler, Evaluator, Predicate, Source } from '../compile/compiler.ts';
import { badPlan } from '../compile/expr.ts';
import type { Cursor } from './cursor.ts';
import { frameFor, type Frame } from './execution.ts';
import { keyOf, keyOfParts, type HashKey, type KeyOf } from './hash-key.ts';

interface Entry {
  readonly row: Row;
  matched: boolean;
}

type Kind = JoinRel['kind'];

/** The right rows that may match a left row. */
type Candidates = (left: Row, frame: Frame) => readonly Entry[] | undefined;

interface Shape {
  readonly kind: Kind;
  readonly leftWidth: number;
  readonly rightWidth: number;
  readonly condition: Predicate | null;
}

class JoinCursor implements Cursor {
  private leftRow: Row | undefined = undefined;
  private candidates: readonly Entry[] | undefined = undefined;
  private at = 0;
  private matchedLeft = false;
  private readonly scratch: Value[];
  /** After the left input: position in `unmatchedFrom` (RIGHT and FULL joins). */
  private rightAt = -1;

  constructor(
    private readonly left: Cursor,
    private readonly shape: Shape,
    private readonly lookup: Candidates,
    /** Every right row, for RIGHT and FULL joins' unmatched rows; null otherwise. */
    private readonly unmatchedFrom: (() => readonly Entry[]) | null,
    private readonly frame: Frame,
  ) {
    this.scratch = new Array<Value>(shape.leftWidth + shape.rightWidth).fill(null);
  }

  next(): Row | undefined {
    const { shape, scratch, frame } = this;
    const { kind, leftWidth, condition } = shape;
    if (this.rightAt >= 0) return this.nextUnmatchedRight();
    for (;;) {
      if (this.leftRow === undefined) {
        const row = this.left.next();
        if (row === undefined) {
          if (this.unmatchedFrom === null) return undefined;
          this.rightAt = 0;
          return this.nextUnmatchedRight();
        }
        frame.exec.tick();
        this.leftRow = row;
        this.candidates = this.lookup(row, frame);
        this.at = 0;
        this.matchedLeft = false;
        for (let i = 0; i < leftWidth; i++) scratch[i] = row[i];
      }
      const candidates = this.candidates;
      if (candidates !== undefined) {
        while (this.at < candidates.length) {
          const entry = candidates[this.at++];
          frame.exec.tick();
          const right = entry.row;
          for (let i = 0; i < right.length; i++) scratch[leftWidth + i] = right[i];
          if (condition !== null && !condition(scratch, frame)) continue;
          this.matchedLeft = true;
          entry.matched = true;
          if (kind === 'semi') {
            const row = this.leftRow;
            this.leftRow = undefined;
            return row;
          }
          if (kind === 'anti') break;
          return scratch.slice();
        }
      }
      const row = this.leftRow;
      this.leftRow = undefined;
      if (this.matchedLeft) continue;
      if (kind === 'anti') return row;
      if (kind === 'left' || kind === 'full') return padRight(row, leftWidth, shape.rightWidth);
    }
  }

  private nextUnmatchedRight(): Row | undefined {
    const entries = (this.unmatchedFrom as () => readonly Entry[])();
    while (this.rightAt < entries.length) {
      const entry = entries[this.rightAt++];
      if (!entry.matched) return padLeft(entry.row, this.shape.leftWidth);
    }
    return undefined;
  }

  close(): void {
    this.left.close();
  }
}

function padRight(left: Row, leftWidth: number, rightWidth: number): Row {
  const out = new Array<Value>(leftWidth + rightWidth).fill(null);
  for (let i = 0; i < leftWidth; i++) out[i] = left[i];
  return out;
}

function padLeft(right: Row, leftWidth: number): Row {
  const out = new Array<Value>(leftWidth + right.length).fill(null);
  for (let i = 0; i < right.length; i++) out[leftWidth + i] = right[i];
  return out;
}

export function compileJoin(rel: JoinRel, c: Compiler): Source {
  const left = c.rel(rel.left);
  const right = c.rel(rel.right);
  const shape: Shape = {
    kind: rel.kind,
    leftWidth: columnsOf(rel.left).length,
    rightWidth: columnsOf(rel.right).length,
    condition: rel.condition === null ? null : c.predicate(rel.condition),
  };
  const keepsRight = rel.kind === 'right' || rel.kind === 'full';
  if (rel.lateral) {
    if (keepsRight) throw badPlan('a RIGHT or FULL join cannot be LATERAL');
    return (frame) => new JoinCursor(left(frame), shape, (row, f) => materialize(right(frameFor(f, row))), null, frame);
  }
  if (rel.equiKeys.length === 0) {
    return (frame) => {
      const entries = materialize(right(frame));
      return new JoinCursor(left(frame), shape, () => entries, keepsRight ? () => entries : null, frame);
    };
  }
  const leftKeys = rel.equiKeys.map((k) => c.expr(k.left));
  const rightKeys = rel.equiKeys.map((k) => c.expr(k.right));
  const parts = rel.equiKeys.map((k) => keyOf(k.type));
  const leftKey = joinKey(leftKeys, parts);
  const rightKey = joinKey(rightKeys, parts);
  return (frame) => {
    const table = new Map<HashKey, Entry[]>();
    const all: Entry[] = [];
    const rights = right(frame);
    for (let row = rights.next(); row !== undefined; row = rights.next()) {
      const entry: Entry = { row, matched: false };
      if (keepsRight) all.push(entry);
      const key = rightKey(row, frame);
      if (key === undefined) continue;
      const bucket = table.get(key);
      if (bucket === undefined) table.set(key, [entry]);
      else bucket.push(entry);
    }
    const lookup: Candidates = (row, f) => {
      const key = leftKey(row, f);
      return key === undefined ? undefined : table.get(key);
    };
    return new JoinCursor(left(frame), shape, lookup, keepsRight ? () => all : null, frame);
  };
}

function materialize(cursor: Cursor): Entry[] {
  const entries: Entry[] = [];
  for (let row = cursor.next(); row !== undefined; row = cursor.next()) entries.push({ row, matched: false });
  return entries;
}

/** The hash key of a row's join keys; undefined when one is NULL (it can match nothing). */
function joinKey(exprs: readonly Evaluator[], parts: readonly KeyOf[]): (row: Row, frame: Frame) => HashKey | undefined {
  if (exprs.length === 1) {
    const [expr] = exprs;
    const [part] = parts;
    return (row, frame) => {
      const value = expr(row, frame);
      return value === null ? undefined : part(value);
    };
  }
  const values = new Array<Value>(exprs.length).fill(null);
  return (row, frame) => {
    for (let i = 0; i < exprs.length; i++) {
      const value = exprs[i](row, frame);
      if (value === null) return undefined;
      values[i] = value;
    }
    return keyOfParts(parts, values);
  };
}
