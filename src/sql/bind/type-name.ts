/**
 * Type names as statements write them (`TypeName` nodes) to SqlTypes: `int`, `varchar(20)`,
 * `numeric(10,2)`, `timestamp with time zone`, `text[]`, `"char"`, `regclass`, …
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import { parseType } from '../../engine/types.ts';
import type { SqlOnlyKind, SqlScalarType, SqlType } from '../types/sql-type.ts';
import { constantOf, list, names, positionOf, type Body } from './ast.ts';

const SQL_ONLY: Record<string, SqlOnlyKind> = {
  oid: 'oid', regclass: 'regclass', regtype: 'regtype', regproc: 'regproc', regprocedure: 'regproc',
  regnamespace: 'regnamespace', regrole: 'regrole', name: 'name', json: 'json', unknown: 'unknown',
  int2vector: 'int2vector', oidvector: 'oidvector', record: 'record', void: 'void',
};

/** The type a TypeName names, with its modifiers. `offset` places error positions. */
export function typeFromName(typeName: Body, offset = 0): SqlType {
  const parts = names(typeName.names);
  const qualified = parts.length > 1 && parts[0] === 'pg_catalog';
  const name = parts[parts.length - 1];
  const position = positionOf(typeName, offset);
  const modifiers = list(typeName.typmods).map((m) => {
    const c = constantOf(m.A_Const ?? {});
    if (c.kind !== 'int') throw new EngineError(SqlState.syntaxError, `type modifiers must be simple constants or identifiers`, { position });
    return c.value as number;
  });
  let base: SqlType;
  // `"char"` (however qualified) is the one-byte type; the keyword `char` arrives as bpchar.
  if (name === 'char' && (parts.length === 1 || qualified)) {
    base = { kind: 'char1' };
  } else if (name in SQL_ONLY && (parts.length === 1 || qualified)) {
    base = { kind: SQL_ONLY[name] };
  } else {
    const spelled = name === 'bpchar' ? 'char' : name;
    const text = modifiers.length === 0 || name === 'interval' || name.startsWith('time') ? spelled : `${spelled}(${modifiers.join(',')})`;
    try {
      base = parseType(text);
    } catch (error) {
      if (error instanceof EngineError) throw new EngineError(error.code, error.message, { position });
      throw error;
    }
  }
  if (list(typeName.arrayBounds).length === 0) return base;
  if (base.kind === 'array') return base;
  if (!isArrayElement(base)) throw new EngineError(SqlState.featureNotSupported, `arrays of type ${name} are not supported`, { position });
  return { kind: 'array', element: base };
}

/** Types PostgreSQL has an array type of (int2vector[] and oidvector[] exist but nothing here needs them). */
function isArrayElement(type: SqlType): type is SqlScalarType {
  return !(type.kind in NO_ARRAY);
}

const NO_ARRAY: Record<string, true> = { array: true, unknown: true, record: true, void: true, int2vector: true, oidvector: true };
