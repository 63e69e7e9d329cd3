/**
 * Array operators and functions for one-dimensional arrays indexed from 1: @> <@ && || and [],
 * array_length/upper/lower/ndims/dims, cardinality, array_append/prepend/cat,
 * array_position(s), array_remove, array_replace, trim_array; and unnest's element type.
 * Elements compare as the element type's = does; NULL elements match only where PostgreSQL
 * uses IS NOT DISTINCT FROM (array_position, array_remove, array_replace).
 */
import type { Value } from '../../../engine/types.ts';
import type { SqlArrayType, SqlType } from '../../types/sql-type.ts';
import { equalValues } from '../compare.ts';
import { EngineError, FnState } from '../errors.ts';
import { binary, fn, op, type Impl } from '../registry.ts';
import { sqlTypeName } from '../type-info.ts';

type Elements = readonly Value[];
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

function containsAll(a: Elements, b: Elements, equal: Equal): boolean {
  return b.every((wanted) => wanted !== null && a.some((item) => item !== null && equal(item, wanted)));
}

op('@>', ['anyarray', 'anyarray'], 'bool', withEquality((equal) => binary<Elements, Elements>((a, b) => containsAll(a, b, equal))));
op('<@', ['anyarray', 'anyarray'], 'bool', withEquality((equal) => binary<Elements, Elements>((a, b) => containsAll(b, a, equal))));
op('&&', ['anyarray', 'anyarray'], 'bool', withEquality((equal) => binary<Elements, Elements>((a, b) => a.some((x) => x !== null && b.some((y) => y !== null && equal(x, y))))));

// ---- concatenation -----------------------------------------------------------------------------

const append: Impl = (args) => {
  const [array, item] = args;
  return array === null ? [item] : [...(array as Elements), item];
};
const prepend: Impl = (args) => {
  const [item, array] = args;
  return array === null ? [item] : [item, ...(array as Elements)];
};
const cat: Impl = (args) => {
  const [a, b] = args;
  if (a === null) return b;
  if (b === null) return a;
  return [...(a as Elements), ...(b as Elements)];
};
const lax = { strict: false } as const;
fn('array_append', ['anycompatiblearray', 'anycompatible'], 'anycompatiblearray', append, lax);
fn('array_prepend', ['anycompatible', 'anycompatiblearray'], 'anycompatiblearray', prepend, lax);
fn('array_cat', ['anycompatiblearray', 'anycompatiblearray'], 'anycompatiblearray', cat, lax);
op('||', ['anycompatiblearray', 'anycompatible'], 'anycompatiblearray', append, lax);
op('||', ['anycompatible', 'anycompatiblearray'], 'anycompatiblearray', prepend, lax);
op('||', ['anycompatiblearray', 'anycompatiblearray'], 'anycompatiblearray', cat, lax);

// ---- dimensions --------------------------------------------------------------------------------

const firstDimension = (f: (array: Elements) => Value): Impl =>
  binary<Elements, number>((array, dimension) => (dimension === 1 && array.length > 0 ? f(array) : null));
fn('array_length', ['anyarray', 'int4'], 'int4', firstDimension((a) => a.length));
fn('array_upper', ['anyarray', 'int4'], 'int4', firstDimension((a) => a.length));
fn('array_lower', ['anyarray', 'int4'], 'int4', firstDimension(() => 1));
fn('cardinality', ['anyarray'], 'int4', (args) => (args[0] === null ? null : (args[0] as Elements).length));
fn('array_ndims', ['anyarray'], 'int4', (args) => (args[0] === null || (args[0] as Elements).length === 0 ? null : 1));
fn('array_dims', ['anyarray'], 'text', (args) => (args[0] === null || (args[0] as Elements).length === 0 ? null : `[1:${(args[0] as Elements).length}]`));
fn('trim_array', ['anyarray', 'int4'], 'anyarray', binary<Elements, number>((array, n) => {
  if (n < 0 || n > array.length) throw new EngineError(FnState.arraySubscriptError, 'number of elements to trim must be between 0 and ' + array.length);
  return array.slice(0, array.length - n);
}));

// ---- searching and editing ---------------------------------------------------------------------

fn('array_position', ['anycompatiblearray', 'anycompatible', 'int4'], 'int4', withEquality((equal) => (args) => {
  const [array, item, start] = args;
  if (array === null) return null;
  if (start === null) throw new EngineError(FnState.nullValueNotAllowed, 'initial position must not be null');
  const elements = array as Elements;
  for (let i = Math.max((start as number) - 1, 0); i < elements.length; i++) if (equal(elements[i], item)) return i + 1;
  return null;
}), { strict: false, defaults: [1] });
fn('array_positions', ['anycompatiblearray', 'anycompatible'], 'int4[]', withEquality((equal) => (args) => {
  const [array, item] = args;
  if (array === null) return null;
  const positions: number[] = [];
  (array as Elements).forEach((element, i) => {
    if (equal(element, item)) positions.push(i + 1);
  });
  return positions;
}), lax);
fn('array_remove', ['anycompatiblearray', 'anycompatible'], 'anycompatiblearray', withEquality((equal) => (args) => {
  const [array, item] = args;
  return array === null ? null : (array as Elements).filter((element) => !equal(element, item));
}), lax);
fn('array_replace', ['anycompatiblearray', 'anycompatible', 'anycompatible'], 'anycompatiblearray', withEquality((equal) => (args) => {
  const [array, from, to] = args;
  return array === null ? null : (array as Elements).map((element) => (equal(element, from) ? to : element));
}), lax);

// ---- subscripts --------------------------------------------------------------------------------

/** a[i]: arrays here start at 1, the catalogs' int2vector and oidvector at 0 as in PostgreSQL; a
 * subscript out of range gives NULL. */
const subscript = (lower: number): Impl => binary<Elements, number>((array, i) => array[i - lower] ?? null);
op('[]', ['anyarray', 'int4'], 'anyelement', subscript(1));
op('[]', ['int2vector', 'int4'], 'int2', subscript(0));
op('[]', ['oidvector', 'int4'], 'oid', subscript(0));

/** The column type unnest(array) produces: the element type (42883 for a non-array). */
export function unnestElementType(type: SqlType): SqlType {
  if (type.kind === 'array') return type.element;
  if (type.kind === 'int2vector') return { kind: 'int2' };
  if (type.kind === 'oidvector') return { kind: 'oid' };
  throw new EngineError(FnState.undefinedFunction, `function unnest(${sqlTypeName(type)}) does not exist`, {
    hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
  });
}
