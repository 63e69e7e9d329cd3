/**
 * The functions tools call to describe objects: format_type, pg_get_*def, pg_get_expr,
 * descriptions (comments), owner names, encodings, serial sequences.
 */
import { EngineError, SqlState } from '../../../engine/errors.ts';
import type { Value } from '../../../engine/types.ts';
import type { CatalogFunctionContext } from '../context.ts';
import { constraintByOid, constraintDefinition, indexDefinition, viewDefinition, viewRuleDefinition } from '../definitions.ts';
import { printCheck, printDefault, printTableExpression, readNodeTree } from '../expression/stored.ts';
import { formatType } from '../format-type.ts';
import { quoteQualified, splitQualifiedName } from '../identifiers.ts';
import { findRelation, namespaceName, relationByOid, roleById } from '../lookup.ts';
import { relationDescription, sharedDescription } from '../relations/descriptions.ts';
import { UTF8_ENCODING, syntheticOid } from '../well-known.ts';
import { BOOL, INT4, NAME, OID, TEXT, scalar, type CatalogFunction } from './define.ts';

function formatTypeFunction(args: readonly Value[]): Value {
  const [oid, typmod] = args as [number | null, number | null];
  if (oid === null) return null;
  return formatType(oid, typmod) ?? '???';
}

function indexDef(args: readonly Value[], ctx: CatalogFunctionContext): Value {
  const [oid, column, pretty] = args as [number, number | undefined, boolean | undefined];
  const relation = relationByOid(ctx.catalog, oid);
  if (relation?.kind !== 'index') return null;
  return indexDefinition(ctx, relation.table, relation.index, column ?? 0, pretty ?? false);
}

function constraintDef(args: readonly Value[], ctx: CatalogFunctionContext): Value {
  const [oid, pretty] = args as [number, boolean | undefined];
  const constraint = constraintByOid(ctx.catalog, oid);
  return constraint === undefined ? null : constraintDefinition(ctx, constraint, pretty ?? false);
}

/** pg_get_expr: our node trees name a default or CHECK constraint; other text is read as an
 * expression over the relation's columns. A relation OID that names nothing gives NULL. */
function expressionText(args: readonly Value[], ctx: CatalogFunctionContext): Value {
  const [tree, relid, pretty] = args as [string, number, boolean | undefined];
  const relation = relid === 0 ? undefined : relationByOid(ctx.catalog, relid);
  if (relid !== 0 && relation === undefined) return null;
  const ref = readNodeTree(tree);
  if (ref?.kind === 'default') {
    const owner = relationByOid(ctx.catalog, ref.relid);
    const table = owner?.kind === 'table' ? owner.table : undefined;
    return table?.columns[ref.attnum - 1]?.default == null ? null : printDefault(table, ref.attnum - 1, ctx, pretty ?? false);
  }
  if (ref?.kind === 'check') {
    const constraint = constraintByOid(ctx.catalog, ref.oid);
    return constraint?.kind === 'check' ? printCheck(constraint.table, constraint.check.expr, ctx, pretty ?? false) : null;
  }
  return printTableExpression(relation?.kind === 'table' ? relation.table : undefined, tree, ctx, pretty ?? false);
}

function viewOf(ctx: CatalogFunctionContext, oid: number) {
  const relation = relationByOid(ctx.catalog, oid);
  return relation?.kind === 'view' ? relation.view : undefined;
}

function viewDefByOid(args: readonly Value[], ctx: CatalogFunctionContext): Value {
  const [oid, pretty] = args as [number, boolean | undefined];
  const view = viewOf(ctx, oid);
  return view === undefined ? null : viewDefinition(ctx, view, pretty ?? false);
}

function viewDefByName(args: readonly Value[], ctx: CatalogFunctionContext): Value {
  const [name, pretty] = args as [string, boolean | undefined];
  const parts = splitQualifiedName(name);
  const relation = findRelation(ctx, parts);
  if (relation === undefined) throw new EngineError(SqlState.undefinedTable, `relation "${parts.join('.')}" does not exist`);
  return relation.kind === 'view' ? viewDefinition(ctx, relation.view, pretty ?? false) : null;
}

function ruleDef(args: readonly Value[], ctx: CatalogFunctionContext): Value {
  const [oid, pretty] = args as [number, boolean | undefined];
  for (const object of ctx.catalog.all()) {
    if (object.kind === 'view' && syntheticOid(object.oid, 0) === oid) return viewRuleDefinition(ctx, object, pretty ?? false);
  }
  return null;
}

function userById(args: readonly Value[], ctx: CatalogFunctionContext): Value {
  const oid = args[0] as number;
  return roleById(ctx.catalog, oid)?.name ?? `unknown (OID=${oid})`;
}

/** pg_get_serial_sequence(table, column): the table name is parsed as SQL, the column is not. */
function serialSequence(args: readonly Value[], ctx: CatalogFunctionContext): Value {
  const [tableName, columnName] = args as [string, string];
  const parts = splitQualifiedName(tableName);
  const relation = findRelation(ctx, parts);
  if (relation === undefined) throw new EngineError(SqlState.undefinedTable, `relation "${parts.join('.')}" does not exist`);
  const columns = relation.kind === 'table' ? relation.table.columns : relation.kind === 'view' ? relation.view.columns : [];
  const column = columns.findIndex((c) => c.name === columnName);
  if (column < 0) throw new EngineError(SqlState.undefinedColumn, `column "${columnName}" of relation "${relation.name}" does not exist`);
  for (const object of ctx.catalog.all()) {
    if (object.kind === 'sequence' && object.ownedBy?.table === relation.oid && object.ownedBy.column === column) {
      return quoteQualified(namespaceName(ctx.catalog, object.namespace) ?? null, object.name);
    }
  }
  return null;
}

function objDescription(args: readonly Value[], ctx: CatalogFunctionContext): Value {
  const [oid, catalog] = args as [number, string | undefined];
  return relationDescription(ctx.catalog, oid, 0, catalog) ?? null;
}

function colDescription(args: readonly Value[], ctx: CatalogFunctionContext): Value {
  const [oid, column] = args as [number, number];
  return relationDescription(ctx.catalog, oid, column, 'pg_class') ?? null;
}

function shobjDescription(args: readonly Value[], ctx: CatalogFunctionContext): Value {
  const [oid, catalog] = args as [number, string];
  return sharedDescription(ctx.catalog, oid, catalog) ?? null;
}

const ENCODINGS: Record<number, string> = { [UTF8_ENCODING]: 'UTF8', 0: 'SQL_ASCII' };

export const DESCRIBE_FUNCTIONS: readonly CatalogFunction[] = [
  scalar({ oid: 1081, name: 'format_type', args: [OID, INT4], returns: TEXT, strict: false }, formatTypeFunction),
  scalar({ oid: 1643, name: 'pg_get_indexdef', args: [OID], returns: TEXT }, indexDef),
  scalar({ oid: 2507, name: 'pg_get_indexdef', args: [OID, INT4, BOOL], returns: TEXT }, indexDef),
  scalar({ oid: 1387, name: 'pg_get_constraintdef', args: [OID], returns: TEXT }, constraintDef),
  scalar({ oid: 2508, name: 'pg_get_constraintdef', args: [OID, BOOL], returns: TEXT }, constraintDef),
  scalar({ oid: 1716, name: 'pg_get_expr', args: [TEXT, OID], returns: TEXT }, expressionText),
  scalar({ oid: 2509, name: 'pg_get_expr', args: [TEXT, OID, BOOL], returns: TEXT }, expressionText),
  scalar({ oid: 1641, name: 'pg_get_viewdef', args: [OID], returns: TEXT }, viewDefByOid),
  scalar({ oid: 2506, name: 'pg_get_viewdef', args: [OID, BOOL], returns: TEXT }, viewDefByOid),
  scalar({ oid: 1640, name: 'pg_get_viewdef', args: [TEXT], returns: TEXT }, viewDefByName),
  scalar({ oid: 2505, name: 'pg_get_viewdef', args: [TEXT, BOOL], returns: TEXT }, viewDefByName),
  scalar({ oid: 1573, name: 'pg_get_ruledef', args: [OID], returns: TEXT }, ruleDef),
  scalar({ oid: 2504, name: 'pg_get_ruledef', args: [OID, BOOL], returns: TEXT }, ruleDef),
  // ScratchBird has no triggers, partitioned tables in PostgreSQL's sense, or extended
  // statistics: these describe nothing, as for an OID that names none.
  scalar({ oid: 1662, name: 'pg_get_triggerdef', args: [OID], returns: TEXT }, () => null),
  scalar({ oid: 2730, name: 'pg_get_triggerdef', args: [OID, BOOL], returns: TEXT }, () => null),
  scalar({ oid: 3352, name: 'pg_get_partkeydef', args: [OID], returns: TEXT }, () => null),
  scalar({ oid: 6174, name: 'pg_get_statisticsobjdef_columns', args: [OID], returns: TEXT }, () => null),
  scalar({ oid: 1642, name: 'pg_get_userbyid', args: [OID], returns: NAME }, userById),
  scalar({ oid: 1665, name: 'pg_get_serial_sequence', args: [TEXT, TEXT], returns: TEXT }, serialSequence),
  scalar({ oid: 1215, name: 'obj_description', args: [OID, NAME], returns: TEXT }, objDescription),
  scalar({ oid: 1348, name: 'obj_description', args: [OID], returns: TEXT }, objDescription),
  scalar({ oid: 1216, name: 'col_description', args: [OID, INT4], returns: TEXT }, colDescription),
  scalar({ oid: 1993, name: 'shobj_description', args: [OID, NAME], returns: TEXT }, shobjDescription),
  scalar({ oid: 1597, name: 'pg_encoding_to_char', args: [INT4], returns: NAME }, (args) => ENCODINGS[args[0] as number] ?? ''),
  scalar({ oid: 1264, name: 'pg_char_to_encoding', args: [NAME], returns: INT4 }, (args) => {
    const name = (args[0] as string).toUpperCase().replace(/[-_]/g, '');
    return name === 'UTF8' ? UTF8_ENCODING : name === 'SQLASCII' ? 0 : -1;
  }),
  scalar({ oid: 3778, name: 'pg_tablespace_location', args: [OID], returns: TEXT }, () => ''),
];
