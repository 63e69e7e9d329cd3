/**
 * Input and output of the OID alias types regclass, regtype, regnamespace and regrole, as
 * PostgreSQL's regclassin/regclassout etc. do them: names resolve through the search path
 * (quoted parts keep their case), a number is taken as the OID itself, '-' is 0; output is the
 * name, qualified only when the search path would not find it, or the number for an OID that
 * names nothing. regproc is in procs.ts, with the functions it names.
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import { builtinTypeNamed } from './builtin-types.ts';
import { formatType } from './format-type.ts';
import { quoteIdent, splitQualifiedName } from './identifiers.ts';
import { findRelation, qualifiedParts, relationByOid, relationDisplayName, roleById, namespaceName, type NameContext } from './lookup.ts';
import { parseTypeName } from './parse.ts';
import { names } from '../bind/ast.ts';

const INVALID_OID = '-';

/** The OID a numeric input names directly, or undefined when the text is a name. */
function numericOid(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === INVALID_OID) return 0;
  if (!/^\d+$/.test(trimmed)) return undefined;
  const oid = Number(trimmed);
  if (oid > 0xffff_ffff) throw new EngineError(SqlState.numericValueOutOfRange, `value "${trimmed}" is out of range for type oid`);
  return oid;
}

function oidText(oid: number, name: string | undefined): string {
  if (oid === 0) return INVALID_OID;
  return name ?? String(oid);
}

export function regclassIn(text: string, ctx: NameContext): number {
  const oid = numericOid(text);
  if (oid !== undefined) return oid;
  const parts = splitQualifiedName(text);
  const found = findRelation(ctx, parts);
  if (found === undefined) throw new EngineError(SqlState.undefinedTable, `relation "${parts.join('.')}" does not exist`);
  return found.oid;
}

export function regclassOut(oid: number, ctx: NameContext): string {
  const relation = relationByOid(ctx.catalog, oid);
  return oidText(oid, relation === undefined ? undefined : relationDisplayName(ctx, relation));
}

/** A built-in type by a name as SQL writes it: 'integer', 'character varying(10)', 'int4[]',
 * '_int4', 'pg_catalog.int8', '"char"'; modifiers are read and dropped. */
export function regtypeIn(text: string, ctx: NameContext): number {
  const oid = numericOid(text);
  if (oid !== undefined) return oid;
  const typeName = parseTypeName(text);
  const parts = names(typeName.names);
  const isArray = (typeName.arrayBounds ?? []).length > 0;
  const shown = `${parts.join('.')}${isArray ? '[]' : ''}`;
  const { schema, name } = qualifiedParts(ctx, parts, 'type');
  const type = schema === undefined || schema === 'pg_catalog' ? builtinTypeNamed(name) : undefined;
  const found = isArray ? type?.array || undefined : type?.oid;
  if (found === undefined) throw new EngineError(SqlState.undefinedObject, `type "${shown}" does not exist`);
  return found;
}

export function regtypeOut(oid: number): string {
  return oidText(oid, formatType(oid, null));
}

export function regnamespaceIn(text: string, ctx: NameContext): number {
  const oid = numericOid(text);
  if (oid !== undefined) return oid;
  const parts = splitQualifiedName(text);
  if (parts.length !== 1) throw new EngineError(SqlState.invalidName, 'invalid name syntax');
  const namespace = ctx.catalog.namespace(parts[0]);
  if (namespace === undefined) throw new EngineError(SqlState.invalidSchemaName, `schema "${parts[0]}" does not exist`);
  return namespace.oid;
}

export function regnamespaceOut(oid: number, ctx: NameContext): string {
  const name = namespaceName(ctx.catalog, oid);
  return oidText(oid, name === undefined ? undefined : quoteIdent(name));
}

export function regroleIn(text: string, ctx: NameContext): number {
  const oid = numericOid(text);
  if (oid !== undefined) return oid;
  const parts = splitQualifiedName(text);
  if (parts.length !== 1) throw new EngineError(SqlState.invalidName, 'invalid name syntax');
  const role = ctx.catalog.role(parts[0]);
  if (role === undefined) throw new EngineError(SqlState.undefinedObject, `role "${parts[0]}" does not exist`);
  return role.oid;
}

export function regroleOut(oid: number, ctx: NameContext): string {
  const role = roleById(ctx.catalog, oid);
  return oidText(oid, role === undefined ? undefined : quoteIdent(role.name));
}
