/**
 * Errors as users must see them: the engine names stored tables, indexes and columns by OID
 * and position (`r16384`, `i16390`, `c0`); these are put back to the SQL names.
 */
import { EngineError } from '../engine/errors.ts';
import type { CatalogSnapshot } from '../sql/catalog/snapshot.ts';

export function translateError(error: unknown, catalog: CatalogSnapshot): unknown {
  if (!(error instanceof EngineError)) return error;
  let table: string | undefined;
  let columns: readonly { name: string }[] = [];
  const rename = (text: string | undefined): string | undefined => {
    if (text === undefined) return undefined;
    return text
      .replace(/"r(\d+)_pkey"/g, (m, oid: string) => {
        const t = catalog.get(Number(oid));
        const key = t?.kind === 'table' ? t.indexes.find((ix) => ix.storageKey) : undefined;
        if (t?.kind !== 'table' || key === undefined) return m;
        table = t.name;
        columns = t.columns;
        return `"${key.name}"`;
      })
      .replace(/relation "r(\d+)"/g, (m, oid: string) => {
        const t = catalog.get(Number(oid));
        if (t === undefined) return m;
        table = t.name;
        if (t.kind === 'table') columns = t.columns;
        return `relation "${t.name}"`;
      })
      .replace(/"i(\d+)"/g, (m, oid: string) => {
        for (const object of catalog.all()) {
          if (object.kind !== 'table') continue;
          const ix = object.indexes.find((i) => i.oid === Number(oid));
          if (ix !== undefined) {
            table ??= object.name;
            columns = object.columns;
            return `"${ix.name}"`;
          }
        }
        return m;
      })
      .replace(/\bc(\d+)\b/g, (m, at: string) => columns[Number(at)]?.name ?? m);
  };
  const message = rename(error.message) as string;
  const detail = rename(error.detail);
  if (message === error.message && detail === error.detail) return error;
  return new EngineError(error.code, message, {
    detail, hint: error.hint, position: error.position, schema: error.schema, table: table ?? error.table, column: error.column, constraint: error.constraint, fatal: error.fatal, cause: error,
  });
}
