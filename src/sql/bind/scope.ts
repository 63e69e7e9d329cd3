/**
 * Name resolution: the FROM items visible to an expression, each with its columns at known
 * positions of the row the FROM clause produces, and the enclosing queries' scopes for
 * correlated references.
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import type { SqlType } from '../types/sql-type.ts';

export interface ScopeColumn {
  readonly name: string;
  readonly type: SqlType;
  /** Position in the scope's row. */
  readonly index: number;
  /** Hidden columns (the row id) are not part of `*`, and not found by name. */
  readonly hidden?: boolean;
  /** For RowDescription: the table and attribute number it comes from. */
  readonly source?: { readonly tableOid: number; readonly attnum: number };
}

export interface ScopeItem {
  readonly alias: string;
  readonly schema?: string;
  readonly columns: readonly ScopeColumn[];
  /** A JOIN … USING / NATURAL merged column hides the same-named ones of its sides. */
  readonly merged?: ReadonlySet<string>;
}

/** A JOIN … USING / NATURAL merged column: the join's row starts at position `from`. */
export interface MergedColumn {
  readonly column: ScopeColumn;
  readonly from: number;
}

export type Resolved =
  | { readonly kind: 'column'; readonly column: ScopeColumn; readonly depth: number }
  | { readonly kind: 'star'; readonly columns: readonly ScopeColumn[]; readonly depth: number };

export class Scope {
  readonly items: ScopeItem[] = [];
  /** Columns produced by JOIN … USING, outer joins' before inner ones' (each named once, before
   * its join's other columns in `*`). */
  private readonly usingColumns: MergedColumn[] = [];

  constructor(readonly parent: Scope | null) {}

  add(item: ScopeItem): void {
    if (this.items.some((i) => i.alias === item.alias && i.schema === item.schema && item.alias !== '')) {
      throw new EngineError(SqlState.duplicateAlias, `table name "${item.alias}" specified more than once`);
    }
    this.items.push(item);
  }

  /**
   * Adds the merged columns of a join whose row starts at `from`: they replace the same-named
   * merged columns of joins nested in it, and come before every merged column of those.
   */
  addMerged(columns: readonly ScopeColumn[], from: number): void {
    const names = new Set(columns.map((c) => c.name));
    const kept = this.usingColumns.filter((u) => u.from < from || !names.has(u.column.name));
    const at = kept.findIndex((u) => u.from >= from);
    const added = columns.map((column) => ({ column, from }));
    this.usingColumns.splice(0, this.usingColumns.length, ...(at < 0 ? [...kept, ...added] : [...kept.slice(0, at), ...added, ...kept.slice(at)]));
  }

  /** The merged column `name` of a join whose row starts within [from, to), the outermost. */
  mergedColumn(name: string, from: number, to: number): ScopeColumn | undefined {
    return this.usingColumns.find((u) => u.column.name === name && u.from >= from && u.from < to)?.column;
  }

  /** The merged columns of joins whose rows start at or after `from`. */
  mergedFrom(from: number): MergedColumn[] {
    return this.usingColumns.filter((u) => u.from >= from);
  }

  /** Resolves `a`, `t.a`, `s.t.a`, `t.*` through this scope and its parents. */
  resolve(fields: readonly string[], star: boolean, position?: number): Resolved {
    let depth = 0;
    for (let scope: Scope | null = this; scope !== null; scope = scope.parent, depth++) {
      const found = scope.resolveHere(fields, star, position);
      if (found !== undefined) return found.kind === 'column' ? { ...found, depth } : { ...found, depth };
    }
    if (star) throw new EngineError(SqlState.undefinedTable, `missing FROM-clause entry for table "${fields[fields.length - 1]}"`, { position });
    if (fields.length === 1) throw new EngineError(SqlState.undefinedColumn, `column "${fields[0]}" does not exist`, { position });
    const table = fields[fields.length - 2];
    const anyTable = this.chain().some((s) => s.items.some((i) => i.alias === table));
    if (!anyTable) throw new EngineError(SqlState.undefinedTable, `missing FROM-clause entry for table "${table}"`, { position });
    throw new EngineError(SqlState.undefinedColumn, `column ${fields.join('.')} does not exist`, { position });
  }

  private chain(): Scope[] {
    const out: Scope[] = [];
    for (let s: Scope | null = this; s !== null; s = s.parent) out.push(s);
    return out;
  }

  private resolveHere(fields: readonly string[], star: boolean, position?: number): Resolved | undefined {
    if (star) {
      const [schema, table] = fields.length === 2 ? fields : [undefined, fields[0]];
      const item = this.items.find((i) => i.alias === table && (schema === undefined || i.schema === schema));
      return item === undefined ? undefined : { kind: 'star', columns: item.columns.filter((c) => c.hidden !== true), depth: 0 };
    }
    if (fields.length === 1) {
      const name = fields[0];
      // A merged column hides the sides' columns it merges, not other items' of that name.
      let found = this.usingColumns.find((u) => u.column.name === name)?.column;
      for (const item of this.items) {
        if (item.merged?.has(name) === true) continue;
        for (const c of item.columns) {
          if (c.name !== name || c.hidden === true) continue;
          if (found !== undefined) throw new EngineError(SqlState.ambiguousColumn, `column reference "${name}" is ambiguous`, { position });
          found = c;
        }
      }
      return found === undefined ? undefined : { kind: 'column', column: found, depth: 0 };
    }
    const name = fields[fields.length - 1];
    const table = fields[fields.length - 2];
    const schema = fields.length >= 3 ? fields[fields.length - 3] : undefined;
    const item = this.items.find((i) => i.alias === table && (schema === undefined || i.schema === schema));
    if (item === undefined) return undefined;
    const column = item.columns.find((c) => c.name === name && c.hidden !== true);
    if (column === undefined) {
      throw new EngineError(SqlState.undefinedColumn, `column ${table}.${name} does not exist`, { position });
    }
    return { kind: 'column', column, depth: 0 };
  }

  /** Every visible column, as `SELECT *` lists them. */
  allColumns(): ScopeColumn[] {
    const out: ScopeColumn[] = [];
    let next = 0;
    for (const item of this.items) {
      const first = item.columns[0]?.index ?? Infinity;
      for (; next < this.usingColumns.length && this.usingColumns[next].from <= first; next++) out.push(this.usingColumns[next].column);
      for (const c of item.columns) if (c.hidden !== true && !(item.merged?.has(c.name) ?? false)) out.push(c);
    }
    for (; next < this.usingColumns.length; next++) out.push(this.usingColumns[next].column);
    return out;
  }
}
