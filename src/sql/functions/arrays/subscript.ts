/**
 * Subscripting, as PostgreSQL's array_get_element and array_get_slice do it. `plainLower` is
 * the lower bound of an array held as a plain JavaScript array: 1 for SQL arrays, 0 for
 * int2vector and oidvector.
 */
import { arrayElements, arrayShape, isShaped, makeArray, type ArrayValue } from '../../../engine/array-value.ts';
import type { Value } from '../../../engine/types.ts';

function shapeOf(array: ArrayValue, plainLower: number): { lengths: readonly number[]; lowers: readonly number[] } {
  return isShaped(array) || array.length === 0 ? arrayShape(array) : { lengths: [array.length], lowers: [plainLower] };
}

/** a[i][j]…: the element, or NULL when a subscript is NULL or out of range, or there are more
 * or fewer subscripts than the array has dimensions. */
export function elementAt(array: ArrayValue, subscripts: readonly Value[], plainLower = 1): Value {
  if (!isShaped(array)) {
    const subscript = subscripts[0];
    return subscripts.length === 1 && subscript !== null ? (array[(subscript as number) - plainLower] ?? null) : null;
  }
  const { lengths, lowers, elements } = array;
  if (subscripts.length !== lengths.length) return null;
  let offset = 0;
  for (let i = 0; i < lengths.length; i++) {
    const subscript = subscripts[i];
    if (subscript === null) return null;
    const at = (subscript as number) - lowers[i];
    if (at < 0 || at >= lengths[i]) return null;
    offset = offset * lengths[i] + at;
  }
  return elements[offset];
}

/**
 * a[l:u][l:u]…: bounds given per subscript (undefined where the slice omits one, which then is
 * the array's own); dimensions past the subscripts are taken whole. Bounds are clipped to the
 * array; an empty range, or more subscripts than dimensions, gives an empty array; a NULL bound
 * gives NULL. The result is indexed from 1 in every dimension.
 */
export function slice(array: ArrayValue, lowerBounds: readonly (Value | undefined)[], upperBounds: readonly (Value | undefined)[], plainLower = 1): Value {
  if ([...lowerBounds, ...upperBounds].includes(null)) return null;
  const { lengths, lowers } = shapeOf(array, plainLower);
  const dimensions = lengths.length;
  if (dimensions === 0 || upperBounds.length > dimensions) return [];
  // From and to (inclusive), from 0, per dimension.
  const from: number[] = [];
  const to: number[] = [];
  for (let i = 0; i < dimensions; i++) {
    const lower = lowerBounds[i] as number | undefined;
    const upper = upperBounds[i] as number | undefined;
    from.push(lower === undefined ? 0 : Math.max(lower - lowers[i], 0));
    to.push(upper === undefined ? lengths[i] - 1 : Math.min(upper - lowers[i], lengths[i] - 1));
    if (from[i] > to[i]) return [];
  }
  const elements = arrayElements(array);
  const picked: Value[] = [];
  const visit = (dimension: number, offset: number): void => {
    for (let i = from[dimension]; i <= to[dimension]; i++) {
      const at = offset * lengths[dimension] + i;
      if (dimension === dimensions - 1) picked.push(elements[at]);
      else visit(dimension + 1, at);
    }
  };
  visit(0, 0);
  return makeArray(picked, to.map((end, i) => end - from[i] + 1), to.map(() => 1));
}
