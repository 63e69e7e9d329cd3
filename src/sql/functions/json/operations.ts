/**
 * jsonb operations on parsed documents: field and element access (-> ->> #> #>>), containment
 * (@> <@) and key existence (? ?| ?&) with PostgreSQL's rules, concatenation (||), deletion
 * (- #-), jsonb_set, jsonb_strip_nulls and jsonb_typeof.
 */
import { EngineError, FnState } from '../errors.ts';
import { compareJson, isJsonArray, isJsonNumber, isJsonObject, makeObject, objectGet, writeJsonb, type Json, type JsonObject } from './value.ts';

export function jsonTypeof(json: Json): string {
  if (json === null) return 'null';
  if (typeof json === 'string') return 'string';
  if (typeof json === 'boolean') return 'boolean';
  if (isJsonNumber(json)) return 'number';
  return isJsonArray(json) ? 'array' : 'object';
}

/** ->> and #>>: a string's own text, NULL for JSON null, else the document's text. */
export function jsonText(json: Json | undefined): string | null {
  if (json === undefined || json === null) return null;
  return typeof json === 'string' ? json : writeJsonb(json);
}

export function field(json: Json, key: string): Json | undefined {
  return isJsonObject(json) ? objectGet(json, key) : undefined;
}

export function element(json: Json, index: number): Json | undefined {
  if (!isJsonArray(json)) return undefined;
  const at = index < 0 ? json.length + index : index;
  return at >= 0 && at < json.length ? json[at] : undefined;
}

/** An array subscript in a path: an optionally signed integer, else none. */
function pathIndex(text: string): number | undefined {
  return /^\s*[+-]?\d+\s*$/.test(text) && Math.abs(Number(text)) <= 2147483647 ? Number(text) : undefined;
}

export function atPath(json: Json, path: readonly (string | null)[]): Json | undefined {
  let current: Json | undefined = json;
  for (const step of path) {
    if (current === undefined || step === null) return undefined;
    if (isJsonObject(current)) current = objectGet(current, step);
    else if (isJsonArray(current)) {
      const index = pathIndex(step);
      current = index === undefined ? undefined : element(current, index);
    } else return undefined;
  }
  return current;
}

// ---- containment and existence -----------------------------------------------------------------

function isScalar(json: Json): boolean {
  return !isJsonArray(json) && !isJsonObject(json);
}

/** a @> b. A scalar on the right is contained in a top-level array holding it. */
export function contains(a: Json, b: Json): boolean {
  if (isJsonArray(a) && isScalar(b)) return a.some((item) => isScalar(item) && compareJson(item, b) === 0);
  return deepContains(a, b);
}

function deepContains(a: Json, b: Json): boolean {
  if (isJsonObject(a)) {
    if (!isJsonObject(b)) return false;
    return b.entries.every(([key, value]) => {
      const mine = objectGet(a, key);
      return mine !== undefined && (isScalar(value) ? isScalar(mine) && compareJson(mine, value) === 0 : deepContains(mine, value));
    });
  }
  if (isJsonArray(a)) {
    if (!isJsonArray(b)) return false;
    return b.every((wanted) =>
      isScalar(wanted) ? a.some((item) => isScalar(item) && compareJson(item, wanted) === 0) : a.some((item) => !isScalar(item) && deepContains(item, wanted)),
    );
  }
  return isScalar(b) && compareJson(a, b) === 0;
}

/** json ? key: an object key, or a string element of an array, or the string itself. */
export function exists(json: Json, key: string): boolean {
  if (isJsonObject(json)) return objectGet(json, key) !== undefined;
  if (isJsonArray(json)) return json.some((item) => item === key);
  return json === key;
}

// ---- building new documents --------------------------------------------------------------------

/** jsonb || jsonb. */
export function concat(a: Json, b: Json): Json {
  if (isJsonObject(a) && isJsonObject(b)) return makeObject([...a.entries, ...b.entries]);
  const left = isJsonArray(a) ? a : [a];
  const right = isJsonArray(b) ? b : [b];
  return [...left, ...right];
}

function scalarError(message: string): EngineError {
  return new EngineError(FnState.invalidParameterValue, message);
}

/** jsonb - text: the key from an object, matching strings from an array. */
export function deleteKey(json: Json, key: string): Json {
  if (isJsonObject(json)) return { entries: json.entries.filter(([k]) => k !== key) };
  if (isJsonArray(json)) return json.filter((item) => item !== key);
  throw scalarError('cannot delete from scalar');
}

export function deleteKeys(json: Json, keys: readonly (string | null)[]): Json {
  let result = json;
  for (const key of keys) if (key !== null) result = deleteKey(result, key);
  return result;
}

/** jsonb - integer: an array element, counted from the end when negative. */
export function deleteIndex(json: Json, index: number): Json {
  if (isJsonObject(json)) throw scalarError('cannot delete from object using integer index');
  if (!isJsonArray(json)) throw scalarError('cannot delete from scalar');
  const at = index < 0 ? json.length + index : index;
  return at < 0 || at >= json.length ? json : json.filter((_, i) => i !== at);
}

function notAnInteger(position: number, text: string): EngineError {
  return new EngineError(FnState.invalidTextRepresentation, `path element at position ${position} is not an integer: "${text}"`);
}

/** jsonb #- path. */
export function deletePath(json: Json, path: readonly (string | null)[]): Json {
  if (isScalar(json)) throw scalarError('cannot delete path in scalar');
  if (path.length === 0) return json;
  return deleteAt(json, path, 0);
}

function deleteAt(json: Json, path: readonly (string | null)[], level: number): Json {
  const step = path[level];
  if (step === null) throw new EngineError(FnState.nullValueNotAllowed, `path element at position ${level + 1} is null`);
  const last = level === path.length - 1;
  if (isJsonObject(json)) {
    if (objectGet(json, step) === undefined) return json;
    if (last) return { entries: json.entries.filter(([k]) => k !== step) };
    return { entries: json.entries.map(([k, v]) => [k, k === step ? deleteAt(v, path, level + 1) : v] as const) };
  }
  if (isJsonArray(json)) {
    const index = pathIndex(step);
    if (index === undefined) throw notAnInteger(level + 1, step);
    const at = index < 0 ? json.length + index : index;
    if (at < 0 || at >= json.length) return json;
    if (last) return json.filter((_, i) => i !== at);
    return json.map((item, i) => (i === at ? deleteAt(item, path, level + 1) : item));
  }
  return json;
}

/** jsonb_set(target, path, value, create_missing). */
export function setPath(json: Json, path: readonly (string | null)[], value: Json, create: boolean): Json {
  if (isScalar(json)) throw scalarError('cannot set path in scalar');
  if (path.length === 0) return json;
  return setAt(json, path, 0, value, create);
}

function setAt(json: Json, path: readonly (string | null)[], level: number, value: Json, create: boolean): Json {
  const step = path[level];
  if (step === null) throw new EngineError(FnState.nullValueNotAllowed, `path element at position ${level + 1} is null`);
  const last = level === path.length - 1;
  if (isJsonObject(json)) {
    const existing = objectGet(json, step);
    if (existing === undefined) {
      if (!last || !create) return json;
      return makeObject([...json.entries, [step, value]]);
    }
    const replaced = last ? value : setAt(existing, path, level + 1, value, create);
    return { entries: json.entries.map(([k, v]) => [k, k === step ? replaced : v] as const) } satisfies JsonObject;
  }
  if (isJsonArray(json)) {
    const index = pathIndex(step);
    if (index === undefined) throw notAnInteger(level + 1, step);
    const at = index < 0 ? json.length + index : index;
    if (at < 0 || at >= json.length) {
      if (!last || !create) return json;
      return at < 0 ? [value, ...json] : [...json, value];
    }
    return json.map((item, i) => (i === at ? (last ? value : setAt(item, path, level + 1, value, create)) : item));
  }
  return json;
}

export function stripNulls(json: Json): Json {
  if (isJsonObject(json)) return { entries: json.entries.filter(([, v]) => v !== null).map(([k, v]) => [k, stripNulls(v)] as const) };
  if (isJsonArray(json)) return json.map(stripNulls);
  return json;
}
