/**
 * json and jsonb operators and functions: -> ->> #> #>>, @> <@ ? ?| ?&, || - #-,
 * to_json[b], json[b]_build_object / _array, json[b]_typeof, json[b]_array_length,
 * json[b]_extract_path[_text], jsonb_set, jsonb_pretty, json[b]_strip_nulls.
 */
import { arrayDimensions, arrayElements, type ArrayValue } from '../../../engine/array-value.ts';
import type { Value } from '../../../engine/types.ts';
import type { SqlType } from '../../types/sql-type.ts';
import { EngineError, FnState } from '../errors.ts';
import { jsonKey, toJsonb, toJsonText } from '../json/convert.ts';
import { nodeAtPath, nodeElement, nodeField, nodeText, nodeValueText, parseJsonText, stripNullsText, type JsonNode } from '../json/json-text.ts';
import { atPath, concat, contains, deleteIndex, deleteKey, deleteKeys, deletePath, element, exists, field, jsonText, jsonTypeof, setPath, stripNulls } from '../json/operations.ts';
import { isJsonArray, makeObject, parseJson, writeJsonb, writeJsonbPretty, type Json } from '../json/value.ts';
import { binary, fn, op, unary, type Impl } from '../registry.ts';

type Path = readonly (string | null)[];

/** A text[] argument as deconstruct_array reads it: its elements in order, whatever its dimensions. */
const items = (array: ArrayValue): Path => arrayElements(array) as Path;

/** The paths and key lists that edit a document must have one dimension. */
function oneDimensional(array: ArrayValue): Path {
  if (arrayDimensions(array) > 1) throw new EngineError(FnState.arraySubscriptError, 'wrong number of array subscripts');
  return items(array);
}

const withPath = (f: (a: string, path: Path) => Value, read = items): Impl => binary<string, ArrayValue>((a, path) => f(a, read(path)));

const jsonb1 = (f: (a: Json) => Json | undefined): Impl => unary<string>((a) => out(f(parseJson(a))));
const out = (json: Json | undefined): string | null => (json === undefined ? null : writeJsonb(json));
const stable = { volatility: 'stable' } as const;

// ---- jsonb access ------------------------------------------------------------------------------

op('->', ['jsonb', 'text'], 'jsonb', binary<string, string>((a, key) => out(field(parseJson(a), key))));
op('->', ['jsonb', 'int4'], 'jsonb', binary<string, number>((a, index) => out(element(parseJson(a), index))));
op('->>', ['jsonb', 'text'], 'text', binary<string, string>((a, key) => jsonText(field(parseJson(a), key))));
op('->>', ['jsonb', 'int4'], 'text', binary<string, number>((a, index) => jsonText(element(parseJson(a), index))));
op('#>', ['jsonb', 'text[]'], 'jsonb', withPath((a, path) => out(atPath(parseJson(a), path))));
op('#>>', ['jsonb', 'text[]'], 'text', withPath((a, path) => jsonText(atPath(parseJson(a), path))));
fn('jsonb_extract_path', ['jsonb'], 'jsonb', (args) => (args[0] === null ? null : out(atPath(parseJson(args[0] as string), args.slice(1) as Path))), { variadic: 'text', strict: false });
fn('jsonb_extract_path_text', ['jsonb'], 'text', (args) => (args[0] === null ? null : jsonText(atPath(parseJson(args[0] as string), args.slice(1) as Path))), { variadic: 'text', strict: false });

// ---- containment, existence, editing -----------------------------------------------------------

op('@>', ['jsonb', 'jsonb'], 'bool', binary<string, string>((a, b) => contains(parseJson(a), parseJson(b))));
op('<@', ['jsonb', 'jsonb'], 'bool', binary<string, string>((a, b) => contains(parseJson(b), parseJson(a))));
op('?', ['jsonb', 'text'], 'bool', binary<string, string>((a, key) => exists(parseJson(a), key)));
op('?|', ['jsonb', 'text[]'], 'bool', withPath((a, keys) => {
  const json = parseJson(a);
  return keys.some((key) => key !== null && exists(json, key));
}));
op('?&', ['jsonb', 'text[]'], 'bool', withPath((a, keys) => {
  const json = parseJson(a);
  return keys.every((key) => key === null || exists(json, key));
}));
op('||', ['jsonb', 'jsonb'], 'jsonb', binary<string, string>((a, b) => writeJsonb(concat(parseJson(a), parseJson(b)))));
op('-', ['jsonb', 'text'], 'jsonb', binary<string, string>((a, key) => writeJsonb(deleteKey(parseJson(a), key))));
op('-', ['jsonb', 'text[]'], 'jsonb', withPath((a, keys) => writeJsonb(deleteKeys(parseJson(a), keys)), oneDimensional));
// The function behind jsonb - text[], as PostgreSQL declares it: jsonb_delete(jsonb, VARIADIC text[]).
fn('jsonb_delete', ['jsonb'], 'jsonb', (args) => (args[0] === null ? null : writeJsonb(deleteKeys(parseJson(args[0] as string), args.slice(1) as Path))), { variadic: 'text', strict: false });
op('-', ['jsonb', 'int4'], 'jsonb', binary<string, number>((a, index) => writeJsonb(deleteIndex(parseJson(a), index))));
op('#-', ['jsonb', 'text[]'], 'jsonb', withPath((a, path) => writeJsonb(deletePath(parseJson(a), path)), oneDimensional));
fn('jsonb_set', ['jsonb', 'text[]', 'jsonb', 'bool'], 'jsonb', (args) => {
  if (args.some((a) => a === null)) return null;
  const [target, path, value, create] = args as [string, ArrayValue, string, boolean];
  return writeJsonb(setPath(parseJson(target), oneDimensional(path), parseJson(value), create));
}, { defaults: [true] });
fn('jsonb_strip_nulls', ['jsonb'], 'jsonb', jsonb1(stripNulls));
fn('jsonb_pretty', ['jsonb'], 'text', unary<string>((a) => writeJsonbPretty(parseJson(a))));
fn('jsonb_typeof', ['jsonb'], 'text', unary<string>((a) => jsonTypeof(parseJson(a))));

function arrayLength(kind: string, length: number | undefined): number {
  if (length !== undefined) return length;
  throw new EngineError(FnState.invalidParameterValue, kind === 'object' ? 'cannot get array length of a non-array' : 'cannot get array length of a scalar');
}
fn('jsonb_array_length', ['jsonb'], 'int4', unary<string>((a) => {
  const json = parseJson(a);
  return arrayLength(jsonTypeof(json), isJsonArray(json) ? json.length : undefined);
}));

// ---- json (text kept as written) ---------------------------------------------------------------

const withNode = <T>(f: (text: string, node: JsonNode) => T) => (text: string) => f(text, parseJsonText(text));
const nodeOut = (text: string, node: JsonNode | undefined) => (node === undefined ? null : nodeText(text, node));

op('->', ['json', 'text'], 'json', binary<string, string>((a, key) => withNode((t, n) => nodeOut(t, nodeField(n, key)))(a)));
op('->', ['json', 'int4'], 'json', binary<string, number>((a, index) => withNode((t, n) => nodeOut(t, nodeElement(n, index)))(a)));
op('->>', ['json', 'text'], 'text', binary<string, string>((a, key) => withNode((t, n) => nodeValueText(t, nodeField(n, key)))(a)));
op('->>', ['json', 'int4'], 'text', binary<string, number>((a, index) => withNode((t, n) => nodeValueText(t, nodeElement(n, index)))(a)));
op('#>', ['json', 'text[]'], 'json', withPath((a, path) => withNode((t, n) => nodeOut(t, nodeAtPath(n, path)))(a)));
op('#>>', ['json', 'text[]'], 'text', withPath((a, path) => withNode((t, n) => nodeValueText(t, nodeAtPath(n, path)))(a)));
fn('json_extract_path', ['json'], 'json', (args) => (args[0] === null ? null : withNode((t, n) => nodeOut(t, nodeAtPath(n, args.slice(1) as Path)))(args[0] as string)), { variadic: 'text', strict: false });
fn('json_extract_path_text', ['json'], 'text', (args) => (args[0] === null ? null : withNode((t, n) => nodeValueText(t, nodeAtPath(n, args.slice(1) as Path)))(args[0] as string)), { variadic: 'text', strict: false });
fn('json_typeof', ['json'], 'text', unary<string>((a) => parseJsonText(a).kind));
fn('json_array_length', ['json'], 'int4', unary<string>((a) => {
  const node = parseJsonText(a);
  return arrayLength(node.kind, node.kind === 'array' ? node.items!.length : undefined);
}));
fn('json_strip_nulls', ['json'], 'json', unary<string>((a) => withNode(stripNullsText)(a)));

// ---- conversion and construction ---------------------------------------------------------------

fn('to_jsonb', ['anyelement'], 'jsonb', { build: (types) => unary((value, ctx) => writeJsonb(toJsonb(types[0], value, ctx))) }, stable);
fn('to_json', ['anyelement'], 'json', { build: (types) => unary((value, ctx) => toJsonText(types[0], value, ctx)) }, stable);

function evenArguments(count: number, name: string): void {
  if (count % 2 !== 0) {
    throw new EngineError(FnState.invalidParameterValue, 'argument list must have even number of elements', {
      hint: `The arguments of ${name}() must consist of alternating keys and values.`,
    });
  }
}

function buildJsonbObject(types: readonly SqlType[]): Impl {
  return (args, ctx) => {
    evenArguments(args.length, 'jsonb_build_object');
    const pairs: [string, Json][] = [];
    for (let i = 0; i < args.length; i += 2) pairs.push([jsonKey(types[i], args[i], i + 1, ctx, true), toJsonb(types[i + 1], args[i + 1], ctx)]);
    return writeJsonb(makeObject(pairs));
  };
}

function buildJsonObject(types: readonly SqlType[]): Impl {
  return (args, ctx) => {
    evenArguments(args.length, 'json_build_object');
    const pairs: string[] = [];
    for (let i = 0; i < args.length; i += 2) pairs.push(`${toJsonText({ kind: 'text' }, jsonKey(types[i], args[i], i + 1, ctx, false), ctx)} : ${toJsonText(types[i + 1], args[i + 1], ctx)}`);
    return `{${pairs.join(', ')}}`;
  };
}

const buildOptions = { variadic: 'any', strict: false, ...stable } as const;
fn('jsonb_build_object', [], 'jsonb', { build: buildJsonbObject }, buildOptions);
fn('jsonb_build_object', [], 'jsonb', () => '{}', { strict: false });
fn('json_build_object', [], 'json', { build: buildJsonObject }, buildOptions);
fn('json_build_object', [], 'json', () => '{}', { strict: false });
fn('jsonb_build_array', [], 'jsonb', { build: (types) => (args, ctx) => writeJsonb(args.map((value: Value, i) => toJsonb(types[i], value, ctx))) }, buildOptions);
fn('jsonb_build_array', [], 'jsonb', () => '[]', { strict: false });
fn('json_build_array', [], 'json', { build: (types) => (args, ctx) => `[${args.map((value: Value, i) => toJsonText(types[i], value, ctx)).join(', ')}]` }, buildOptions);
fn('json_build_array', [], 'json', () => '[]', { strict: false });

