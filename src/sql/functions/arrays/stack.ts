/**
 * Arrays of one more dimension built from arrays, each part a slice of the new first dimension
 * (indexed from 1); the parts must share dimensions and lower bounds, which the inner
 * dimensions keep. PostgreSQL does this in two places with different rules for odd parts:
 *
 * - ARRAY[a, b, …] of arrays (ExecEvalArrayExpr): NULL and empty parts make an empty array when
 *   every part is one, and are an error among non-empty parts.
 * - accumulation (accumArrayResultArr: array_agg over arrays, ARRAY(subquery) of an array
 *   column): NULL and empty parts are errors.
 */
import { arrayDimensions, arrayElements, arrayShape, makeArray, MAX_DIMENSIONS, sameShape, tooManyDimensions, type ArrayValue } from '../../../engine/array-value.ts';
import type { Value } from '../../../engine/types.ts';
import { EngineError, FnState } from '../errors.ts';

function append(target: Value[], part: ArrayValue): void {
  for (const element of arrayElements(part)) target.push(element);
}

function stacked(first: ArrayValue, count: number, elements: readonly Value[]): ArrayValue {
  const { lengths, lowers } = arrayShape(first);
  return makeArray(elements, [count, ...lengths], [1, ...lowers]);
}

/** ARRAY[…] whose elements are arrays. */
export function arrayOfArrays(parts: readonly Value[]): ArrayValue {
  const mismatch = () => new EngineError(FnState.arraySubscriptError, 'multidimensional arrays must have array expressions with matching dimensions');
  let first: ArrayValue | undefined;
  let sawEmpty = false;
  const elements: Value[] = [];
  for (const part of parts) {
    if (part === null || arrayDimensions(part as ArrayValue) === 0) {
      sawEmpty = true;
      continue;
    }
    const array = part as ArrayValue;
    if (first === undefined) {
      if (arrayDimensions(array) + 1 > MAX_DIMENSIONS) throw tooManyDimensions(arrayDimensions(array) + 1);
      first = array;
    } else if (!sameShape(first, array)) throw mismatch();
    append(elements, array);
  }
  if (first === undefined) return [];
  if (sawEmpty) throw mismatch();
  return stacked(first, parts.length, elements);
}

/** array_agg over arrays, and ARRAY(subquery) of an array column: parts added one by one. */
export class ArrayAccumulation {
  private first: ArrayValue | undefined;
  private count = 0;
  private readonly elements: Value[] = [];

  add(part: Value): void {
    if (part === null) throw new EngineError(FnState.nullValueNotAllowed, 'cannot accumulate null arrays');
    const array = part as ArrayValue;
    const dimensions = arrayDimensions(array);
    if (dimensions === 0) throw new EngineError(FnState.arraySubscriptError, 'cannot accumulate empty arrays');
    if (this.first === undefined) {
      if (dimensions + 1 > MAX_DIMENSIONS) throw tooManyDimensions(dimensions + 1);
      this.first = array;
    } else if (!sameShape(this.first, array)) {
      throw new EngineError(FnState.arraySubscriptError, 'cannot accumulate arrays of different dimensionality');
    }
    append(this.elements, array);
    this.count++;
  }

  /** Adds the parts another accumulation stacked: the slices of its first dimension. */
  addStacked(stack: ArrayValue): void {
    const { lengths, lowers } = arrayShape(stack);
    if (lengths.length === 0) return;
    const elements = arrayElements(stack);
    const size = elements.length / lengths[0];
    for (let at = 0; at < elements.length; at += size) this.add(makeArray(elements.slice(at, at + size), lengths.slice(1), lowers.slice(1)));
  }

  /** The stacked array; empty when nothing was added. */
  result(): ArrayValue {
    return this.first === undefined ? [] : stacked(this.first, this.count, this.elements.slice());
  }
}
