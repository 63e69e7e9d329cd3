/**
 * OIDs of built-in objects as PostgreSQL 15 numbers them, and the OIDs ScratchBird makes up for
 * catalog rows its SQL catalog keeps no object for.
 */
import { FIRST_USER_OID } from '../catalog/model.ts';

/** pg_class OIDs of the catalogs, as classid / classoid / refclassid columns name them. */
export const CLASS = {
  pg_class: 1259,
  pg_type: 1247,
  pg_proc: 1255,
  pg_namespace: 2615,
  pg_authid: 1260,
  pg_database: 1262,
  pg_tablespace: 1213,
  pg_constraint: 2606,
  pg_operator: 2617,
  pg_attrdef: 2604,
  pg_rewrite: 2618,
  pg_am: 2601,
  pg_language: 2612,
  pg_collation: 3456,
  pg_extension: 3079,
} as const;

export const AM = { heap: 2, btree: 403, hash: 405 } as const;

export const COLLATION = { default: 100, c: 950, posix: 951 } as const;

export const TABLESPACE = { default: 1663, global: 1664 } as const;

export const LANGUAGE = { internal: 12, c: 13, sql: 14, plpgsql: 13563 } as const;

export const PLPGSQL_EXTENSION = 13559;

/** pg_database.encoding / pg_encoding_to_char: ScratchBird speaks UTF8 only. */
export const UTF8_ENCODING = 6;

/** PostgreSQL's pg_toast namespace, which tools filter out by name; we have no rows in it. */
export const TOAST_NAMESPACE = 99;

/** pg_description's rows for built-in objects ScratchBird has: objoid, classoid, text. */
export const BUILTIN_DESCRIPTIONS: readonly [number, number, string][] = [
  [AM.heap, CLASS.pg_am, 'heap table access method'],
  [AM.btree, CLASS.pg_am, 'b-tree index access method'],
  [AM.hash, CLASS.pg_am, 'hash index access method'],
  [LANGUAGE.internal, CLASS.pg_language, 'built-in functions'],
  [LANGUAGE.c, CLASS.pg_language, 'dynamically-loaded C functions'],
  [LANGUAGE.sql, CLASS.pg_language, 'SQL-language functions'],
  [LANGUAGE.plpgsql, CLASS.pg_language, 'PL/pgSQL procedural language'],
  [COLLATION.default, CLASS.pg_collation, "database's default collation"],
  [COLLATION.c, CLASS.pg_collation, 'standard C collation'],
  [COLLATION.posix, CLASS.pg_collation, 'standard POSIX collation'],
  [PLPGSQL_EXTENSION, CLASS.pg_extension, 'PL/pgSQL procedural language'],
];

/** PostgreSQL caps columns per table at 1600 (MaxHeapAttributeNumber). */
const MAX_COLUMNS = 1600;
const SYNTHETIC_BASE = 0x8000_0000;

/**
 * The OID of an object our catalog keeps inside another (a column default, a view's rewrite
 * rule): above 2^31, where the OID counter does not reach, and distinct for each owner and
 * column (attnum 0 for the owner itself) while owners stay below 16384 + 1.3 million.
 */
export function syntheticOid(ownerOid: number, attnum: number): number {
  return SYNTHETIC_BASE + (ownerOid - FIRST_USER_OID) * MAX_COLUMNS + attnum;
}
