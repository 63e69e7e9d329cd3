/**
 * Reading stored tables on a shard: full scans in primary-key order, and index scans through
 * the primary key or a secondary index. A plan's table oid N is the engine table `rN`.
 *
 * Index scans: each `equal` entry is one lookup of a key prefix (an IN list gives several;
 * they run in key order, duplicates once). `lower` / `upper` bound the key columns that follow
 * the equal prefix (all key columns from the first when there is no `equal`). Equality with
 * every primary-key column is a point read (`tx.get`), the point-select path. A NULL in a
 * lookup value or bound matches nothing, as `col = NULL` and `col < NULL` match nothing.
 */
import type { ScanOptions, Transaction } from '../../engine/index.ts';
import type { Row, Value } from '../../engine/types.ts';
import type { Expr, IndexScanRel, ScanRel } from '../../sql/plan/ir.ts';
import type { Compiler, Evaluator, Source } from '../compile/compiler.ts';
import { comparator, type Compare } from '../compile/functions.ts';
import { EMPTY_ROW, emptyCursor, IteratorCursor, type Cursor } from './cursor.ts';
import type { Frame } from './execution.ts';

export function tableName(oid: number): string {
  return `r${oid}`;
}

export function compileScan(rel: ScanRel): Source {
  const name = tableName(rel.table.oid);
  return (frame) => new IteratorCursor(frame.exec.shard().tx.scan(name), frame.exec);
}

class OneRowCursor implements Cursor {
  constructor(private row: Row | undefined) {}
  next(): Row | undefined {
    const row = this.row;
    this.row = undefined;
    return row;
  }
  close(): void {
    this.row = undefined;
  }
}

interface Bound {
  readonly values: readonly Evaluator[];
  readonly inclusive: boolean;
}

export function compileIndexScan(rel: IndexScanRel, c: Compiler): Source {
  const name = tableName(rel.table.oid);
  const index = rel.index ?? undefined;
  const reverse = rel.reverse;
  const compileBound = (b: IndexScanRel['lower']): Bound | undefined =>
    b === undefined ? undefined : { values: b.values.map((e) => c.expr(e)), inclusive: b.inclusive };
  const lower = compileBound(rel.lower);
  const upper = compileBound(rel.upper);
  const equal = rel.equal?.map((prefix) => prefix.map((e) => c.expr(e)));
  if (equal === undefined || equal.length === 0) {
    return (frame) => {
      const options = rangeOptions(index, [], lower, upper, reverse, frame);
      return options === null ? emptyCursor() : new IteratorCursor(frame.exec.shard().tx.scan(name, options), frame.exec);
    };
  }
  if (equal.length === 1 && index === undefined && lower === undefined && upper === undefined) {
    return pointOrPrefix(name, equal[0], reverse);
  }
  const compares = prefixComparators(rel.equal as readonly (readonly Expr[])[]);
  return (frame) => {
    const tx = frame.exec.shard().tx;
    const table = tx.table(name);
    const parts = index === undefined ? table.pkParts : table.indexByName.get(index)?.parts ?? [];
    const prefixes = lookupOrder(equal, compares, parts.map((p) => p.desc === true), reverse, frame);
    return new MultiLookupCursor(tx, name, index, prefixes, lower, upper, reverse, frame);
  };
}

/** One primary-key prefix: a point read when it covers the whole key, else a range. */
function pointOrPrefix(name: string, prefix: readonly Evaluator[], reverse: boolean): Source {
  const key: Value[] = new Array<Value>(prefix.length).fill(null);
  return (frame) => {
    for (let i = 0; i < prefix.length; i++) {
      const value = prefix[i](EMPTY_ROW, frame);
      if (value === null) return emptyCursor();
      key[i] = value;
    }
    const tx = frame.exec.shard().tx;
    if (tx.table(name).pkColumns.length === key.length) return new OneRowCursor(tx.get(name, key));
    const values = key.slice();
    return new IteratorCursor(tx.scan(name, { lower: { values }, upper: { values }, reverse }), frame.exec);
  };
}

/** Scan options for `prefix` followed by the range bounds; null when a NULL makes it empty. */
function rangeOptions(index: string | undefined, prefix: readonly Value[], lower: Bound | undefined, upper: Bound | undefined, reverse: boolean, frame: Frame): ScanOptions | null {
  const bound = (b: Bound | undefined): { values: Value[]; inclusive: boolean } | null | undefined => {
    if (b === undefined) return prefix.length === 0 ? undefined : { values: prefix.slice(), inclusive: true };
    const values = prefix.slice();
    for (const e of b.values) {
      const value = e(EMPTY_ROW, frame);
      if (value === null) return null;
      values.push(value);
    }
    return { values, inclusive: b.inclusive };
  };
  const lo = bound(lower);
  const hi = bound(upper);
  if (lo === null || hi === null) return null;
  return { index, lower: lo, upper: hi, reverse };
}

function prefixComparators(equal: readonly (readonly Expr[])[]): Compare[] {
  return equal[0].map((e) => comparator(e.type));
}

/** The lookups' prefixes without NULLs, in the index's order (`desc` per key column, all
 * reversed for a reverse scan), each once. */
function lookupOrder(equal: readonly (readonly Evaluator[])[], compares: readonly Compare[], desc: readonly boolean[], reverse: boolean, frame: Frame): Value[][] {
  const prefixes: Value[][] = [];
  for (const prefix of equal) {
    const values = prefix.map((e) => e(EMPTY_ROW, frame));
    if (!values.includes(null)) prefixes.push(values);
  }
  if (prefixes.length < 2) return prefixes;
  const order = (a: readonly Value[], b: readonly Value[]): number => {
    for (let i = 0; i < compares.length; i++) {
      const d = compares[i](a[i], b[i]);
      if (d !== 0) return desc[i] === true ? -d : d;
    }
    return 0;
  };
  prefixes.sort((a, b) => (reverse ? order(b, a) : order(a, b)));
  return prefixes.filter((p, i) => i === 0 || order(prefixes[i - 1], p) !== 0);
}

/** Several lookups, one after the other. */
class MultiLookupCursor implements Cursor {
  private at = 0;
  private current: Cursor | null = null;
  private pkLength: number;

  constructor(
    private readonly tx: Transaction,
    private readonly name: string,
    private readonly index: string | undefined,
    private readonly prefixes: readonly Value[][],
    private readonly lower: Bound | undefined,
    private readonly upper: Bound | undefined,
    private readonly reverse: boolean,
    private readonly frame: Frame,
  ) {
    this.pkLength = index === undefined ? tx.table(name).pkColumns.length : -1;
  }

  next(): Row | undefined {
    for (;;) {
      if (this.current !== null) {
        const row = this.current.next();
        if (row !== undefined) return row;
        this.current = null;
      }
      if (this.at >= this.prefixes.length) return undefined;
      this.current = this.open(this.prefixes[this.at++]);
    }
  }

  private open(prefix: Value[]): Cursor {
    if (prefix.length === this.pkLength && this.lower === undefined && this.upper === undefined) {
      return new OneRowCursor(this.tx.get(this.name, prefix));
    }
    const options = rangeOptions(this.index, prefix, this.lower, this.upper, this.reverse, this.frame);
    return options === null ? emptyCursor() : new IteratorCursor(this.tx.scan(this.name, options), this.frame.exec);
  }

  close(): void {
    this.current?.close();
    this.current = null;
    this.at = this.prefixes.length;
  }
}

