/**
 * Operator and function resolution for the expressions catalogs print: which casts
 * PostgreSQL's resolution adds to each argument and what type comes out, for the operators and
 * built-in functions defaults, CHECK constraints and views use.
 */
import { T, arrayOf, elementOf, isDatetime, isFloat, isInteger, isNumber, isString, numericRank, typeOf, typeRef, type TNode, type TypeRef } from './typed.ts';

const COMPARISON = new Set(['=', '<>', '<', '>', '<=', '>=']);
const ARITHMETIC = new Set(['+', '-', '*', '/', '%']);
const PATTERN = new Set(['~~', '!~~', '~~*', '!~~*', '~', '!~', '~*', '!~*']);
const JSON_TEXT_KEY = new Set(['->>', '->', '#>', '#>>', '?', '?|', '?&', '-']);

// ---- operators --------------------------------------------------------------------------------

export interface Resolved {
  readonly left: TypeRef | null;
  readonly right: TypeRef | null;
  readonly result: TypeRef;
}

const BOOL = typeRef(T.bool);
const TEXT = typeRef(T.text);
const FLOAT8 = typeRef(T.float8);
const NUMERIC = typeRef(T.numeric);
const INTERVAL = typeRef(T.interval);

/** Both sides of a comparison-like operator: which casts each needs. */
export function compareTypes(left: TypeRef, right: TypeRef): [TypeRef | null, TypeRef | null] {
  const l = left.oid;
  const r = right.oid;
  if (l === T.unknown && r === T.unknown) return [TEXT, TEXT];
  if (l === T.unknown) return r === T.varchar ? [TEXT, TEXT] : [typeRef(r), null];
  if (r === T.unknown) return l === T.varchar ? [TEXT, TEXT] : [null, typeRef(l)];
  if (l === r) return l === T.varchar ? [TEXT, TEXT] : [null, null];
  if (isInteger(l) && isInteger(r)) return [null, null];
  if (isNumber(l) && isNumber(r)) {
    if (isFloat(l) && isFloat(r)) return [null, null];
    if (isFloat(l)) return [null, FLOAT8];
    if (isFloat(r)) return [FLOAT8, null];
    return l === T.numeric ? [null, NUMERIC] : [NUMERIC, null];
  }
  if (isString(l) && isString(r)) {
    if (l === T.name || r === T.name) return [l === T.varchar ? TEXT : null, r === T.varchar ? TEXT : null];
    if (l === T.bpchar && r === T.varchar) return [null, typeRef(T.bpchar)];
    if (r === T.bpchar && l === T.varchar) return [typeRef(T.bpchar), null];
    return [l === T.text ? null : TEXT, r === T.text ? null : TEXT];
  }
  return [null, null];
}

function arithmetic(op: string, left: TypeRef, right: TypeRef): Resolved {
  let l = left;
  let r = right;
  if (l.oid === T.unknown && r.oid === T.unknown) return { left: TEXT, right: TEXT, result: TEXT };
  if (r.oid === T.unknown) r = isDatetime(l.oid) || l.oid === T.interval ? INTERVAL : typeRef(l.oid);
  if (l.oid === T.unknown) l = r.oid === T.interval ? INTERVAL : typeRef(r.oid);
  const leftCast = left.oid === T.unknown ? l : null;
  const rightCast = right.oid === T.unknown ? r : null;
  if (isInteger(l.oid) && isInteger(r.oid)) {
    const wider = numericRank(l.oid) >= numericRank(r.oid) ? l : r;
    if (op === '%' && l.oid !== r.oid) return { left: l.oid === wider.oid ? leftCast : typeRef(wider.oid), right: r.oid === wider.oid ? rightCast : typeRef(wider.oid), result: typeRef(wider.oid) };
    return { left: leftCast, right: rightCast, result: typeRef(wider.oid) };
  }
  if (isNumber(l.oid) && isNumber(r.oid)) {
    const [lc, rc] = compareTypes(l, r);
    const result = isFloat(l.oid) || isFloat(r.oid) ? (l.oid === T.float4 && r.oid === T.float4 ? typeRef(T.float4) : FLOAT8) : NUMERIC;
    return { left: lc ?? leftCast, right: rc ?? rightCast, result };
  }
  return { left: leftCast, right: rightCast, result: datetimeArithmetic(op, l, r) };
}

function datetimeArithmetic(op: string, l: TypeRef, r: TypeRef): TypeRef {
  if (l.oid === T.date && isInteger(r.oid)) return typeRef(T.date);
  if (l.oid === T.date && r.oid === T.date) return typeRef(T.int4);
  if (l.oid === T.date && r.oid === T.interval) return typeRef(T.timestamp);
  if (isDatetime(l.oid) && isDatetime(r.oid) && op === '-') return INTERVAL;
  if (l.oid === T.interval && isNumber(r.oid)) return INTERVAL;
  return typeRef(l.oid);
}

function concatenation(left: TypeRef, right: TypeRef): Resolved {
  const leftArray = elementOf(left) !== undefined;
  const rightArray = elementOf(right) !== undefined;
  if (leftArray || rightArray) {
    const array = leftArray ? left : right;
    return { left: left.oid === T.unknown ? array : null, right: right.oid === T.unknown ? array : null, result: typeRef(array.oid) };
  }
  const side = (type: TypeRef): TypeRef | null => (type.oid === T.unknown || type.oid === T.varchar || type.oid === T.bpchar ? TEXT : null);
  const stringy = (type: TypeRef) => type.oid === T.unknown || isString(type.oid);
  if (stringy(left) && stringy(right)) return { left: side(left), right: side(right), result: TEXT };
  return { left: left.oid === T.unknown ? TEXT : null, right: right.oid === T.unknown ? TEXT : null, result: TEXT };
}

export function resolveBinary(op: string, left: TypeRef, right: TypeRef): Resolved {
  if (COMPARISON.has(op)) {
    const [l, r] = compareTypes(left, right);
    return { left: l, right: r, result: BOOL };
  }
  if (ARITHMETIC.has(op) && !(left.oid === T.jsonb && op === '-')) return arithmetic(op, left, right);
  if (op === '||') return concatenation(left, right);
  if (PATTERN.has(op)) {
    const leftCast = left.oid === T.unknown || left.oid === T.varchar ? TEXT : null;
    return { left: leftCast, right: right.oid === T.text ? null : TEXT, result: BOOL };
  }
  if (left.oid === T.jsonb) {
    const key = right.oid === T.unknown ? (JSON_TEXT_KEY.has(op) ? TEXT : typeRef(T.jsonb)) : null;
    const result = op === '->' || op === '#>' || op === '-' ? typeRef(T.jsonb) : op === '->>' || op === '#>>' ? TEXT : BOOL;
    return { left: null, right: key, result };
  }
  if (elementOf(left) !== undefined || elementOf(right) !== undefined) {
    return { left: left.oid === T.unknown ? right : null, right: right.oid === T.unknown ? left : null, result: BOOL };
  }
  return { left: left.oid === T.unknown ? right : null, right: right.oid === T.unknown ? left : null, result: typeRef(left.oid === T.unknown ? right.oid : left.oid) };
}

// ---- functions --------------------------------------------------------------------------------

/** A built-in function's arguments ('same': the argument's own type, not cast) and result
 * ('arg': the first argument's type). */
export interface Signature {
  readonly args: readonly (number | 'same')[];
  readonly result: number | 'arg';
}

const sig = (args: readonly (number | 'same')[], result: number | 'arg'): Signature => ({ args, result });
const TEXT_FN = [sig([T.text], T.text)];
const LENGTH_FN = [sig([T.text], T.int4)];
const NOW_FN = [sig([], T.timestamptz)];

const FUNCTIONS: Record<string, readonly Signature[]> = {
  now: NOW_FN, statement_timestamp: NOW_FN, clock_timestamp: NOW_FN, transaction_timestamp: NOW_FN,
  timeofday: [sig([], T.text)],
  nextval: [sig([T.regclass], T.int8)], currval: [sig([T.regclass], T.int8)], lastval: [sig([], T.int8)],
  setval: [sig([T.regclass, T.int8], T.int8), sig([T.regclass, T.int8, T.bool], T.int8)],
  gen_random_uuid: [sig([], T.uuid)],
  lower: TEXT_FN, upper: TEXT_FN, initcap: TEXT_FN, md5: TEXT_FN, reverse: TEXT_FN, quote_ident: TEXT_FN, quote_literal: TEXT_FN,
  btrim: [sig([T.text], T.text), sig([T.text, T.text], T.text)],
  ltrim: [sig([T.text], T.text), sig([T.text, T.text], T.text)],
  rtrim: [sig([T.text], T.text), sig([T.text, T.text], T.text)],
  length: LENGTH_FN, char_length: LENGTH_FN, character_length: LENGTH_FN, octet_length: LENGTH_FN,
  substr: [sig([T.text, T.int4], T.text), sig([T.text, T.int4, T.int4], T.text)],
  replace: [sig([T.text, T.text, T.text], T.text)],
  split_part: [sig([T.text, T.text, T.int4], T.text)],
  left: [sig([T.text, T.int4], T.text)], right: [sig([T.text, T.int4], T.text)], repeat: [sig([T.text, T.int4], T.text)],
  lpad: [sig([T.text, T.int4], T.text), sig([T.text, T.int4, T.text], T.text)],
  rpad: [sig([T.text, T.int4], T.text), sig([T.text, T.int4, T.text], T.text)],
  strpos: [sig([T.text, T.text], T.int4)],
  abs: [sig(['same'], 'arg')], sign: [sig(['same'], 'arg')], mod: [sig(['same', 'same'], 'arg')],
  round: [sig([T.numeric], T.numeric), sig([T.float8], T.float8), sig([T.numeric, T.int4], T.numeric)],
  trunc: [sig([T.numeric], T.numeric), sig([T.float8], T.float8), sig([T.numeric, T.int4], T.numeric)],
  ceil: [sig([T.numeric], T.numeric), sig([T.float8], T.float8)],
  floor: [sig([T.numeric], T.numeric), sig([T.float8], T.float8)],
  array_length: [sig(['same', T.int4], T.int4)], array_upper: [sig(['same', T.int4], T.int4)], array_lower: [sig(['same', T.int4], T.int4)],
  cardinality: [sig(['same'], T.int4)],
  date_trunc: [sig([T.text, T.timestamptz], T.timestamptz), sig([T.text, T.timestamp], T.timestamp), sig([T.text, T.interval], T.interval)],
  date_part: [sig([T.text, T.timestamptz], T.float8), sig([T.text, T.timestamp], T.float8), sig([T.text, T.interval], T.float8)],
  to_char: [sig(['same', T.text], T.text)],
  jsonb_typeof: [sig([T.jsonb], T.text)], jsonb_array_length: [sig([T.jsonb], T.int4)],
  current_setting: [sig([T.text], T.text), sig([T.text, T.bool], T.text)],
  count: [sig([], T.int8), sig(['same'], T.int8)],
  min: [sig(['same'], 'arg')], max: [sig(['same'], 'arg')],
  string_agg: [sig([T.text, T.text], T.text)],
  bool_and: [sig([T.bool], T.bool)], bool_or: [sig([T.bool], T.bool)], every: [sig([T.bool], T.bool)],
};

/** sum and avg widen: integers to bigint / numeric, floats stay floats. */
export function aggregateResult(name: string, arg: TypeRef): TypeRef | undefined {
  if (name === 'sum') {
    if (arg.oid === T.int2 || arg.oid === T.int4) return typeRef(T.int8);
    if (arg.oid === T.int8) return NUMERIC;
    return typeRef(arg.oid);
  }
  if (name === 'avg') return isFloat(arg.oid) ? FLOAT8 : arg.oid === T.interval ? INTERVAL : NUMERIC;
  if (name === 'array_agg') return arrayOf(typeRef(arg.oid));
  return undefined;
}

/** The signature whose arguments the actual ones reach with the fewest casts; ties go to the
 * first listed (float8 before numeric for integers, as PostgreSQL prefers it). */
export function pickSignature(candidates: readonly Signature[], args: readonly TNode[]): Signature | undefined {
  let best: Signature | undefined;
  let bestCost = Infinity;
  for (const candidate of candidates) {
    if (candidate.args.length !== args.length) continue;
    let cost = 0;
    for (let i = 0; i < args.length; i++) {
      const wanted = candidate.args[i];
      const have = typeOf(args[i]).oid;
      if (wanted === 'same' || wanted === have || have === T.unknown) continue;
      if (isNumber(have) && isNumber(wanted as number) && numericRank(have) > numericRank(wanted as number)) cost = Infinity;
      else cost += wanted === T.float8 && isInteger(have) ? 1 : 2;
    }
    if (cost < bestCost) {
      best = candidate;
      bestCost = cost;
    }
  }
  return best;
}

/** The built-in signatures of a function name the analyzer knows. */
export function functionSignatures(name: string): readonly Signature[] {
  return FUNCTIONS[name] ?? [];
}
