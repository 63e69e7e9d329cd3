/**
 * The system relations as the executor reads them: each one's columns (PostgreSQL 15's names,
 * types and order) and its rows for a session, computed from the SQL catalog when read.
 */
import type { Row } from '../../engine/types.ts';
import { SYSTEM_RELATIONS, type SystemSchema } from './catalog-relations.ts';
import type { SystemColumn } from './columns.ts';
import type { SystemContext } from './context.ts';
import { procRows } from './procs.ts';
import { DESCRIPTION_CATALOGS } from './relations/descriptions.ts';
import { GLOBAL_CATALOGS } from './relations/global-catalogs.ts';
import { INFORMATION_SCHEMA } from './relations/information-schema.ts';
import { OPCLASS_CATALOGS } from './relations/opclasses.ts';
import { OPERATOR_CATALOGS } from './relations/operators.ts';
import { RELATION_CATALOGS } from './relations/relation-catalogs.ts';
import type { RowObject, RowSources } from './relations/rows.ts';
import { SYSTEM_VIEWS } from './relations/system-views.ts';

export interface SystemRelation {
  readonly columns: readonly SystemColumn[];
  rows(ctx: SystemContext): Iterable<Row>;
}

const SOURCES: RowSources = {
  ...RELATION_CATALOGS,
  ...DESCRIPTION_CATALOGS,
  ...GLOBAL_CATALOGS,
  ...OPCLASS_CATALOGS,
  ...OPERATOR_CATALOGS,
  ...SYSTEM_VIEWS,
  ...INFORMATION_SCHEMA,
  'pg_catalog.pg_proc': procRows,
};

function relationOf(columns: readonly SystemColumn[], source: (ctx: SystemContext) => Iterable<RowObject>, key: string): SystemRelation {
  const names = columns.map((c) => c.name);
  return {
    columns,
    *rows(ctx) {
      for (const object of source(ctx)) {
        yield names.map((name) => {
          const value = object[name];
          if (value === undefined) throw new Error(`system relation ${key} computed no value for column ${name}`);
          return value;
        });
      }
    },
  };
}

const RELATIONS = new Map<string, SystemRelation>();
for (const key of Object.keys(SOURCES)) {
  if (!SYSTEM_RELATIONS.some((info) => `${info.schema}.${info.name}` === key)) throw new Error(`rows for ${key}, which is not a system relation`);
}
for (const info of SYSTEM_RELATIONS) {
  const key = `${info.schema}.${info.name}`;
  const source = SOURCES[key];
  if (source === undefined) throw new Error(`system relation ${key} has no rows`);
  RELATIONS.set(key, relationOf(info.columns, source, key));
}

/** A system relation by schema and name, or undefined when ScratchBird does not have it. */
export function systemRelation(schema: SystemSchema, name: string): SystemRelation | undefined {
  return RELATIONS.get(`${schema}.${name}`);
}

/** Every system relation, with its PostgreSQL OID. */
export function* systemRelations(): Iterable<{ readonly schema: SystemSchema; readonly name: string; readonly oid: number; readonly relation: SystemRelation }> {
  for (const info of SYSTEM_RELATIONS) {
    const relation = RELATIONS.get(`${info.schema}.${info.name}`);
    if (relation !== undefined) yield { schema: info.schema, name: info.name, oid: info.oid, relation };
  }
}
