/**
 * array_cat, array_append and array_prepend (and their || forms) as PostgreSQL 15 shapes the
 * result: concatenating arrays of n dimensions joins them along the first; an array of n − 1
 * dimensions is added as one more slice of the first; an empty array changes nothing. Appending
 * or prepending an element needs an array of at most one dimension, whose lower bound stays.
 */
import { arrayDimensions, arrayElements, arrayShape, checkBounds, makeArray, type ArrayValue } from '../../../engine/array-value.ts';
import type { Value } from '../../../engine/types.ts';
import { EngineError, FnState } from '../errors.ts';

const INT4_MAX = 2_147_483_647;

function incompatible(detail: string): EngineError {
  return new EngineError(FnState.arraySubscriptError, 'cannot concatenate incompatible arrays', { detail });
}

function sameDimensions(a: readonly number[], b: readonly number[], bFrom: number): boolean {
  return a.every((value, i) => value === b[i + bFrom]);
}

/** array_cat of two non-NULL arrays. */
export function concatArrays(a: ArrayValue, b: ArrayValue): ArrayValue {
  const x = arrayShape(a);
  const y = arrayShape(b);
  const n = x.lengths.length;
  const m = y.lengths.length;
  if (n === 0) return b;
  if (m === 0) return a;
  let lengths: number[];
  let lowers: number[];
  if (n === m) {
    if (!sameDimensions(x.lengths.slice(1), y.lengths, 1) || !sameDimensions(x.lowers.slice(1), y.lowers, 1)) {
      throw incompatible('Arrays with differing element dimensions are not compatible for concatenation.');
    }
    lengths = [x.lengths[0] + y.lengths[0], ...x.lengths.slice(1)];
    lowers = [...x.lowers];
  } else if (n === m - 1 || n === m + 1) {
    // The lower-dimensional array is one more slice of the other's first dimension.
    const [outer, inner] = n > m ? [x, y] : [y, x];
    if (!sameDimensions(inner.lengths, outer.lengths, 1) || !sameDimensions(inner.lowers, outer.lowers, 1)) {
      throw incompatible('Arrays with differing dimensions are not compatible for concatenation.');
    }
    lengths = [outer.lengths[0] + 1, ...outer.lengths.slice(1)];
    lowers = [...outer.lowers];
  } else {
    throw incompatible(`Arrays of ${n} and ${m} dimensions are not compatible for concatenation.`);
  }
  checkBounds(lengths, lowers);
  return makeArray([...arrayElements(a), ...arrayElements(b)], lengths, lowers);
}

/** array_append (atEnd) or array_prepend of an element to an array that may be NULL. */
export function addElement(array: ArrayValue | null, element: Value, atEnd: boolean): ArrayValue {
  if (array === null || arrayDimensions(array) === 0) return [element];
  if (arrayDimensions(array) > 1) throw new EngineError(FnState.dataException, 'argument must be empty or one-dimensional array');
  const { lengths, lowers } = arrayShape(array);
  const lower = lowers[0];
  // The new element's subscript must fit in int4.
  if (atEnd ? lower + lengths[0] > INT4_MAX : lower - 1 < -INT4_MAX - 1) throw new EngineError(FnState.numericValueOutOfRange, 'integer out of range');
  const elements = arrayElements(array);
  return makeArray(atEnd ? [...elements, element] : [element, ...elements], [lengths[0] + 1], [lower]);
}
