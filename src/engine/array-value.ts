/**
 * The value of an SQL array. PostgreSQL's arrays have up to six dimensions, each with a length
 * and a lower bound; nearly every array in practice has one dimension indexed from 1, so that
 * case stays a plain JavaScript array of its elements and costs nothing extra. Any other shape
 * is a `ShapedArray`: the elements flat in row-major order (PostgreSQL's storage order, so
 * functions that ignore dimensions see the same sequence PostgreSQL's do), with each
 * dimension's length and lower bound.
 *
 * An empty array is always `[]`: PostgreSQL's empty arrays have no dimensions. Build arrays
 * with `makeArray`, which picks the representation, so each value has exactly one form and
 * equal arrays are equal JavaScript structures.
 */
import { EngineError, SqlState } from './errors.ts';
import type { Value } from './types.ts';

/** PostgreSQL's MAXDIM and MaxArraySize. */
export const MAX_DIMENSIONS = 6;
export const MAX_ARRAY_SIZE = 134_217_727;
const INT4_MAX = 2_147_483_647;

/** An array of several dimensions, or of one whose lower bound is not 1 (see above). */
export class ShapedArray {
  constructor(
    /** Row-major: the last dimension varies fastest. */
    readonly elements: readonly Value[],
    readonly lengths: readonly number[],
    readonly lowers: readonly number[],
  ) {}
}

export type ArrayValue = readonly Value[] | ShapedArray;

/** Dimension lengths and lower bounds; both empty for an empty array. */
export interface ArrayShape {
  readonly lengths: readonly number[];
  readonly lowers: readonly number[];
}

const NO_DIMENSIONS: ArrayShape = { lengths: [], lowers: [] };

/** The array of `elements` (row-major) with this shape, in its one representation. A zero
 * length anywhere makes the array empty, as in PostgreSQL. */
export function makeArray(elements: readonly Value[], lengths: readonly number[], lowers: readonly number[]): ArrayValue {
  if (elements.length === 0 || lengths.length === 0) return [];
  if (lengths.length === 1 && lowers[0] === 1) return elements;
  return new ShapedArray(elements, lengths, lowers);
}

export function isShaped(value: Value): value is ShapedArray {
  return value instanceof ShapedArray;
}

/** The elements in row-major order, whatever the shape. */
export function arrayElements(value: ArrayValue): readonly Value[] {
  return value instanceof ShapedArray ? value.elements : value;
}

export function arrayShape(value: ArrayValue): ArrayShape {
  if (value instanceof ShapedArray) return value;
  return value.length === 0 ? NO_DIMENSIONS : { lengths: [value.length], lowers: [1] };
}

/** The number of dimensions (0 for an empty array). */
export function arrayDimensions(value: ArrayValue): number {
  return value instanceof ShapedArray ? value.lengths.length : value.length === 0 ? 0 : 1;
}

/** The array with `f` applied to every element (NULLs included), shape kept. */
export function mapArray(value: ArrayValue, f: (element: Value) => Value): ArrayValue {
  if (value instanceof ShapedArray) return new ShapedArray(value.elements.map(f), value.lengths, value.lowers);
  return value.map(f);
}

/**
 * Folds an array dimension by dimension: `leaf` for each element, `group` for each sub-array's
 * parts in order, the outermost last ({{1,2},{3,4}} is group([group([1, 2]), group([3, 4])])).
 */
export function foldArray<T>(value: ArrayValue, leaf: (element: Value) => T, group: (parts: T[]) => T): T {
  const elements = arrayElements(value);
  const { lengths } = arrayShape(value);
  let at = 0;
  const level = (dimension: number): T => {
    const parts: T[] = [];
    for (let i = 0; i < lengths[dimension]; i++) parts.push(dimension === lengths.length - 1 ? leaf(elements[at++]) : level(dimension + 1));
    return group(parts);
  };
  return lengths.length === 0 ? group([]) : level(0);
}

/** Whether two arrays have the same dimensions and lower bounds. */
export function sameShape(a: ArrayValue, b: ArrayValue): boolean {
  const x = arrayShape(a);
  const y = arrayShape(b);
  return sameNumbers(x.lengths, y.lengths) && sameNumbers(x.lowers, y.lowers);
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// ---- PostgreSQL's limits, with its errors (54000) -------------------------------------------

export function tooManyDimensions(dimensions: number): EngineError {
  return new EngineError(SqlState.programLimitExceeded, `number of array dimensions (${dimensions}) exceeds the maximum allowed (${MAX_DIMENSIONS})`);
}

/** ArrayGetNItems: the number of elements of these dimension lengths, which must be a size an
 * array can have. */
export function elementCount(lengths: readonly number[]): number {
  if (lengths.length === 0) return 0;
  let count = 1;
  for (const length of lengths) {
    count *= length;
    if (length < 0 || count > MAX_ARRAY_SIZE) throw new EngineError(SqlState.programLimitExceeded, `array size exceeds the maximum allowed (${MAX_ARRAY_SIZE})`);
  }
  return count;
}

/** ArrayCheckBounds: every dimension must end within int4. */
export function checkBounds(lengths: readonly number[], lowers: readonly number[]): void {
  lengths.forEach((length, i) => {
    if (length + lowers[i] > INT4_MAX) throw new EngineError(SqlState.programLimitExceeded, `array lower bound is too large: ${lowers[i]}`);
  });
}

/**
 * Why a shape cannot be an array's, or undefined when it can: one to MAX_DIMENSIONS dimensions,
 * lengths of at least 1 whose product is the element count, and bounds within int4.
 */
export function shapeProblem(lengths: readonly number[], lowers: readonly number[], count: number): string | undefined {
  if (lengths.length < 1 || lengths.length > MAX_DIMENSIONS) return `${lengths.length} dimensions`;
  if (lowers.length !== lengths.length) return `${lengths.length} dimensions but ${lowers.length} lower bounds`;
  let product = 1;
  for (let i = 0; i < lengths.length; i++) {
    const length = lengths[i];
    const lower = lowers[i];
    if (!Number.isInteger(length) || length < 1) return `dimension ${i + 1} has length ${length}`;
    if (!Number.isInteger(lower) || lower < -INT4_MAX - 1 || lower + length - 1 > INT4_MAX) return `dimension ${i + 1} has bounds out of range`;
    product *= length;
  }
  return product === count ? undefined : `dimensions of ${product} elements hold ${count}`;
}
