/**
 * Expressions after PostgreSQL's parse analysis, as far as printing them needs: every node
 * has its type, implicit casts are explicit nodes, literals carry their resolved type and the
 * text its output function prints. The shapes mirror PostgreSQL's node types, because
 * ruleutils' rules for parentheses and casts depend on them.
 */
import { parseType, type ColumnType } from '../../../engine/types.ts';
import { typeModifier, typeOid } from '../../types/oids.ts';
import { builtinType } from '../builtin-types.ts';

/** An expression construct the printer does not reproduce: callers print the SQL as written. */
export class NotPrintable extends Error {}

/** A type as pg_attribute.atttypid/atttypmod give it. */
export interface TypeRef {
  readonly oid: number;
  readonly typmod: number;
}

export const T = {
  bool: 16, bytea: 17, char: 18, name: 19, int8: 20, int2: 21, int4: 23, regproc: 24, text: 25, oid: 26,
  json: 114, float4: 700, float8: 701, unknown: 705, bpchar: 1042, varchar: 1043, date: 1082, time: 1083,
  timestamp: 1114, timestamptz: 1184, interval: 1186, numeric: 1700, regclass: 2205, uuid: 2950, jsonb: 3802,
} as const;

export function typeRef(oid: number, typmod = -1): TypeRef {
  return { oid, typmod };
}

export const UNKNOWN_TYPE = typeRef(T.unknown);

export function engineTypeRef(type: ColumnType): TypeRef {
  return typeRef(typeOid(type), typeModifier(type));
}

/** A column type as the SQL catalog spells it ('varchar(20)', 'int4[]'). */
export function columnTypeRef(spelled: string): TypeRef {
  return engineTypeRef(parseType(spelled));
}

export function arrayOf(element: TypeRef): TypeRef {
  const array = builtinType(element.oid)?.array ?? 0;
  if (array === 0) throw new NotPrintable(`array of type ${element.oid}`);
  return typeRef(array, element.typmod);
}

/** The element type of an array type (int2vector and oidvector count as arrays, as in PostgreSQL). */
export function elementOf(array: TypeRef): TypeRef | undefined {
  const type = builtinType(array.oid);
  return type !== undefined && type.category === 'A' && type.element !== 0 ? typeRef(type.element, array.typmod) : undefined;
}

/** How a cast is carried out, which decides PostgreSQL's node type and so its parentheses. */
export type CastVia = 'function' | 'relabel' | 'io';

export type TNode =
  | { readonly k: 'var'; readonly text: string; readonly type: TypeRef }
  /** `value` is the output function's text, null for NULL. */
  | { readonly k: 'const'; readonly type: TypeRef; readonly value: string | null }
  | { readonly k: 'cast'; readonly arg: TNode; readonly type: TypeRef; readonly implicit: boolean; readonly via: CastVia }
  /** A binary operator, or a prefix one when `left` is null. */
  | { readonly k: 'op'; readonly op: string; readonly left: TNode | null; readonly right: TNode; readonly type: TypeRef }
  | { readonly k: 'func'; readonly name: string; readonly args: readonly TNode[]; readonly type: TypeRef; readonly star?: boolean; readonly distinct?: boolean }
  | { readonly k: 'bool'; readonly op: 'AND' | 'OR' | 'NOT'; readonly args: readonly TNode[] }
  | { readonly k: 'nullTest'; readonly arg: TNode; readonly negated: boolean }
  | { readonly k: 'boolTest'; readonly arg: TNode; readonly test: string }
  | { readonly k: 'distinct'; readonly left: TNode; readonly right: TNode }
  /** x op ANY/ALL (array). */
  | { readonly k: 'arrayOp'; readonly op: string; readonly all: boolean; readonly left: TNode; readonly right: TNode }
  | { readonly k: 'array'; readonly elements: readonly TNode[]; readonly type: TypeRef }
  | { readonly k: 'case'; readonly arg: TNode | null; readonly whens: readonly { readonly when: TNode; readonly then: TNode }[]; readonly otherwise: TNode; readonly type: TypeRef }
  | { readonly k: 'coalesce' | 'greatest' | 'least'; readonly args: readonly TNode[]; readonly type: TypeRef }
  | { readonly k: 'nullif'; readonly left: TNode; readonly right: TNode; readonly type: TypeRef }
  /** CURRENT_TIMESTAMP and its kin (SQLValueFunction). */
  | { readonly k: 'keyword'; readonly text: string; readonly type: TypeRef }
  | { readonly k: 'subscript'; readonly arg: TNode; readonly index: TNode; readonly type: TypeRef }
  | { readonly k: 'collate'; readonly arg: TNode; readonly collation: string; readonly type: TypeRef };

export function typeOf(node: TNode): TypeRef {
  switch (node.k) {
    case 'bool':
    case 'nullTest':
    case 'boolTest':
    case 'distinct':
    case 'arrayOp':
      return typeRef(T.bool);
    default:
      return node.type;
  }
}

const INTEGER_RANK: Record<number, number> = { [T.int2]: 1, [T.int4]: 2, [T.int8]: 3 };
/** Numeric types by PostgreSQL's implicit-cast order. */
const NUMERIC_RANK: Record<number, number> = { ...INTEGER_RANK, [T.numeric]: 4, [T.float4]: 5, [T.float8]: 6 };
const DATETIME_RANK: Record<number, number> = { [T.date]: 1, [T.timestamp]: 2, [T.timestamptz]: 3 };
const STRING_TYPES = new Set<number>([T.text, T.varchar, T.bpchar, T.name]);

export function isInteger(oid: number): boolean {
  return oid in INTEGER_RANK;
}

export function isNumber(oid: number): boolean {
  return oid in NUMERIC_RANK;
}

export function isFloat(oid: number): boolean {
  return oid === T.float4 || oid === T.float8;
}

export function isString(oid: number): boolean {
  return STRING_TYPES.has(oid);
}

export function isDatetime(oid: number): boolean {
  return oid in DATETIME_RANK;
}

export function numericRank(oid: number): number {
  return NUMERIC_RANK[oid] ?? 0;
}

/** select_common_type for the cases catalog expressions meet: unknown literals follow the
 * others (text when all are unknown), numbers and datetimes widen, mixed strings become text. */
export function commonType(types: readonly TypeRef[]): TypeRef {
  const known = types.filter((t) => t.oid !== T.unknown);
  if (known.length === 0) return typeRef(T.text);
  const first = known[0];
  if (known.every((t) => t.oid === first.oid)) return known.every((t) => t.typmod === first.typmod) ? first : typeRef(first.oid);
  if (known.every((t) => isNumber(t.oid))) return typeRef(known.reduce((a, b) => (numericRank(b.oid) > numericRank(a.oid) ? b : a)).oid);
  if (known.every((t) => isDatetime(t.oid))) return typeRef(known.reduce((a, b) => (DATETIME_RANK[b.oid] > DATETIME_RANK[a.oid] ? b : a)).oid);
  if (known.every((t) => isString(t.oid))) return typeRef(T.text);
  return first;
}

/** PostgreSQL's node for a cast: binary-compatible strings relabel, to text from elsewhere goes
 * through I/O, the rest are cast functions. */
export function castVia(from: TypeRef, to: TypeRef): CastVia {
  const relabels = (a: number, b: number) => (a === T.varchar && b === T.text) || (a === T.text && b === T.varchar);
  if (relabels(from.oid, to.oid)) return 'relabel';
  if ((to.oid === T.text || to.oid === T.varchar) && !isString(from.oid)) return 'io';
  return 'function';
}
