/**
 * Array operators and functions over arrays of any shape: @> <@ && ||, array_length/upper/lower/ndims/dims, cardinality,
 * array_fill, array_append/prepend/cat, array_position(s), array_remove, array_replace,
 * trim_array; and unnest's element type. Containment, overlap and searching see the elements in
 * row-major order, whatever the dimensions, as PostgreSQL's do. Elements compare as the element
 * type's = does; NULL elements match only where PostgreSQL uses IS NOT DISTINCT FROM
 * (array_position, array_remove, array_replace).
 */
import { arrayDimensions, arrayElements, arrayShape, checkBounds, elementCount, makeArray, mapArray, MAX_DIMENSIONS, tooManyDimensions, type ArrayValue } from '../../../engine/array-value.ts';
import type { Value } from '../../../engine/types.ts';
import type { SqlArrayType, SqlType } from '../../types/sql-type.ts';
import { addElement, concatArrays } from '../arrays/concat.ts';
import { slice } from '../arrays/subscript.ts';
import { equalValues } from '../compare.ts';
import { EngineError, FnState } from '../errors.ts';
import { binary, fn, op, unary, type Impl } from '../registry.ts';
import { sqlTypeName } from '../type-info.ts';

type Equal = (a: Value, b: Value) => boolean;

function elementEquality(type: SqlType): Equal {
  const equal = equalValues((type as SqlArrayType).element);
  return (a, b) => (a === null || b === null ? a === b : equal(a, b));
}

/** Builds an implementation from the array type's element equality. */
function withEquality(make: (equal: Equal) => Impl): { build: (types: readonly SqlType[]) => Impl } {
  return { build: (types) => make(elementEquality(types.find((type) => type.kind === 'array')!)) };
}

// ---- containment and overlap -------------------------------------------------------------------

function containsAll(a: ArrayValue, b: ArrayValue, equal: Equal): boolean {
  const items = arrayElements(a);
  return arrayElements(b).every((wanted) => wanted !== null && items.some((item) => item !== null && equal(item, wanted)));
}

function overlaps(a: ArrayValue, b: ArrayValue, equal: Equal): boolean {
  const others = arrayElements(b);
  return arrayElements(a).some((x) => x !== null && others.some((y) => y !== null && equal(x, y)));
}

op('@>', ['anyarray', 'anyarray'], 'bool', withEquality((equal) => binary<ArrayValue, ArrayValue>((a, b) => containsAll(a, b, equal))));
op('<@', ['anyarray', 'anyarray'], 'bool', withEquality((equal) => binary<ArrayValue, ArrayValue>((a, b) => containsAll(b, a, equal))));
op('&&', ['anyarray', 'anyarray'], 'bool', withEquality((equal) => binary<ArrayValue, ArrayValue>((a, b) => overlaps(a, b, equal))));

// ---- concatenation -----------------------------------------------------------------------------

const append: Impl = (args) => addElement(args[0] as ArrayValue | null, args[1], true);
const prepend: Impl = (args) => addElement(args[1] as ArrayValue | null, args[0], false);
const cat: Impl = (args) => {
  const [a, b] = args;
  if (a === null) return b;
  if (b === null) return a;
  return concatArrays(a as ArrayValue, b as ArrayValue);
};
const lax = { strict: false } as const;
fn('array_append', ['anycompatiblearray', 'anycompatible'], 'anycompatiblearray', append, lax);
fn('array_prepend', ['anycompatible', 'anycompatiblearray'], 'anycompatiblearray', prepend, lax);
fn('array_cat', ['anycompatiblearray', 'anycompatiblearray'], 'anycompatiblearray', cat, lax);
op('||', ['anycompatiblearray', 'anycompatible'], 'anycompatiblearray', append, lax);
op('||', ['anycompatible', 'anycompatiblearray'], 'anycompatiblearray', prepend, lax);
op('||', ['anycompatiblearray', 'anycompatiblearray'], 'anycompatiblearray', cat, lax);

// ---- dimensions --------------------------------------------------------------------------------

/** A fact about dimension `dimension` (from 1); NULL when the array has no such dimension. */
const ofDimension = (fact: (length: number, lower: number) => number): Impl =>
  binary<ArrayValue, number>((array, dimension) => {
    const { lengths, lowers } = arrayShape(array);
    return dimension >= 1 && dimension <= lengths.length ? fact(lengths[dimension - 1], lowers[dimension - 1]) : null;
  });
fn('array_length', ['anyarray', 'int4'], 'int4', ofDimension((length) => length));
fn('array_upper', ['anyarray', 'int4'], 'int4', ofDimension((length, lower) => lower + length - 1));
fn('array_lower', ['anyarray', 'int4'], 'int4', ofDimension((_length, lower) => lower));
fn('cardinality', ['anyarray'], 'int4', unary<ArrayValue>((array) => arrayElements(array).length));
fn('array_ndims', ['anyarray'], 'int4', unary<ArrayValue>((array) => arrayDimensions(array) || null));
fn('array_dims', ['anyarray'], 'text', unary<ArrayValue>((array) => {
  const { lengths, lowers } = arrayShape(array);
  return lengths.length === 0 ? null : lengths.map((length, i) => `[${lowers[i]}:${lowers[i] + length - 1}]`).join('');
}));
fn('trim_array', ['anyarray', 'int4'], 'anyarray', binary<ArrayValue, number>((array, n) => {
  const { lengths, lowers } = arrayShape(array);
  const length = lengths[0] ?? 0;
  if (n < 0 || n > length) throw new EngineError(FnState.arraySubscriptError, `number of elements to trim must be between 0 and ${length}`);
  return length === 0 ? array : slice(array, [undefined], [lowers[0] + length - n - 1]);
}));

// ---- array_fill --------------------------------------------------------------------------------

/** array_fill's dimension or lower-bound argument: one dimension, no NULLs. */
function fillBounds(array: ArrayValue): readonly number[] {
  if (arrayDimensions(array) > 1) throw new EngineError(FnState.arraySubscriptError, 'wrong number of array subscripts', { detail: 'Dimension array must be one dimensional.' });
  const values = arrayElements(array);
  if (values.includes(null)) throw new EngineError(FnState.nullValueNotAllowed, 'dimension values cannot be null');
  return values as readonly number[];
}

/** array_fill(value, lengths [, lower bounds]), checking as array_fill_internal does, in its order. */
const fill: Impl = (args) => {
  const [value, dimensionArray, lowerArray] = args;
  if (dimensionArray === null || lowerArray === null) throw new EngineError(FnState.nullValueNotAllowed, 'dimension array or low bound array cannot be null');
  const lengths = fillBounds(dimensionArray as ArrayValue);
  if (lengths.length === 0) return [];
  if (lengths.length > MAX_DIMENSIONS) throw tooManyDimensions(lengths.length);
  const lowers = lowerArray === undefined ? lengths.map(() => 1) : fillBounds(lowerArray as ArrayValue);
  if (lowers.length !== lengths.length) {
    throw new EngineError(FnState.arraySubscriptError, 'wrong number of array subscripts', { detail: 'Low bound array has different size than dimensions array.' });
  }
  const count = elementCount(lengths);
  checkBounds(lengths, lowers);
  return makeArray(new Array<Value>(count).fill(value), lengths, lowers);
};
fn('array_fill', ['anyelement', 'int4[]'], 'anyarray', fill, lax);
fn('array_fill', ['anyelement', 'int4[]', 'int4[]'], 'anyarray', fill, lax);

// ---- searching and editing ---------------------------------------------------------------------

/** The one dimension searched (its elements and lower bound); 0A000 for several. */
function searched(array: ArrayValue, action: string): { elements: readonly Value[]; lower: number } {
  if (arrayDimensions(array) > 1) throw new EngineError(FnState.featureNotSupported, `${action} multidimensional arrays is not supported`);
  return { elements: arrayElements(array), lower: arrayShape(array).lowers[0] ?? 1 };
}

const position = (equal: Equal): Impl => (args) => {
  const [array, item, start] = args;
  if (array === null) return null;
  const { elements, lower } = searched(array as ArrayValue, 'searching for elements in');
  if (elements.length === 0) return null;
  if (start === null) throw new EngineError(FnState.nullValueNotAllowed, 'initial position must not be null');
  const from = args.length > 2 ? Math.max((start as number) - lower, 0) : 0;
  for (let i = from; i < elements.length; i++) if (equal(elements[i], item)) return lower + i;
  return null;
};
fn('array_position', ['anycompatiblearray', 'anycompatible'], 'int4', withEquality(position), lax);
fn('array_position', ['anycompatiblearray', 'anycompatible', 'int4'], 'int4', withEquality(position), lax);
fn('array_positions', ['anycompatiblearray', 'anycompatible'], 'int4[]', withEquality((equal) => (args) => {
  const [array, item] = args;
  if (array === null) return null;
  const { elements, lower } = searched(array as ArrayValue, 'searching for elements in');
  const positions: number[] = [];
  elements.forEach((element, i) => {
    if (equal(element, item)) positions.push(lower + i);
  });
  return positions;
}), lax);
fn('array_remove', ['anycompatiblearray', 'anycompatible'], 'anycompatiblearray', withEquality((equal) => (args) => {
  const [array, item] = args;
  if (array === null) return null;
  const { elements, lower } = searched(array as ArrayValue, 'removing elements from');
  const kept = elements.filter((element) => !equal(element, item));
  return kept.length === elements.length ? array : makeArray(kept, [kept.length], [lower]);
}), lax);
fn('array_replace', ['anycompatiblearray', 'anycompatible', 'anycompatible'], 'anycompatiblearray', withEquality((equal) => (args) => {
  const [array, from, to] = args;
  return array === null ? null : mapArray(array as ArrayValue, (element) => (equal(element, from) ? to : element));
}), lax);

// ---- unnest ------------------------------------------------------------------------------------

/** The column type unnest(array) produces: the element type (42883 for a non-array). */
export function unnestElementType(type: SqlType): SqlType {
  if (type.kind === 'array') return type.element;
  if (type.kind === 'int2vector') return { kind: 'int2' };
  if (type.kind === 'oidvector') return { kind: 'oid' };
  throw new EngineError(FnState.undefinedFunction, `function unnest(${sqlTypeName(type)}) does not exist`, {
    hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
  });
}
