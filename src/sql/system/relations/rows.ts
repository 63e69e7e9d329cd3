/**
 * How the relation modules hand over rows: one object per row, keyed by column name, turned
 * into arrays in the relation's column order by the registry. Plus the per-type facts several
 * catalogs repeat (pg_attribute's attlen, attalign, … come from pg_type).
 */
import type { Value } from '../../../engine/types.ts';
import { sqlTypeOid } from '../../functions/type-info.ts';
import { typeModifier } from '../../types/oids.ts';
import { isColumnType, type SqlType } from '../../types/sql-type.ts';
import { builtinType } from '../builtin-types.ts';
import type { SystemContext } from '../context.ts';
import { typeRef, type TypeRef } from '../expression/typed.ts';

export type RowObject = Readonly<Record<string, Value>>;

/** The rows of one system relation, keyed `schema.name`. */
export type RowSources = Readonly<Record<string, (ctx: SystemContext) => Iterable<RowObject>>>;

export interface TypeFacts {
  readonly length: number;
  readonly byValue: boolean;
  readonly align: string;
  readonly storage: string;
  readonly collation: number;
}

const UNKNOWN_FACTS: TypeFacts = { length: -1, byValue: false, align: 'i', storage: 'x', collation: 0 };

export function typeFacts(type: TypeRef): TypeFacts {
  const found = builtinType(type.oid);
  if (found === undefined) return UNKNOWN_FACTS;
  return { length: found.length, byValue: found.byValue, align: found.align, storage: found.storage, collation: found.collation };
}

/** A SqlType as pg_attribute records it. */
export function sqlTypeRef(type: SqlType): TypeRef {
  return typeRef(sqlTypeOid(type), isColumnType(type) ? typeModifier(type) : -1);
}

/** Counts are int8 in the statistics views. */
export function count(value: number | undefined): bigint {
  return BigInt(value ?? 0);
}

/** The rows of a catalog of things ScratchBird does not have (triggers, policies, foreign
 * servers, …): the relation exists so that tools' queries run, and is empty. */
export function* noRows(): Iterable<RowObject> {
  yield* [];
}
