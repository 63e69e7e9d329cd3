/**
 * ScratchBird's system catalogs as PostgreSQL tools read them: the pg_catalog relations and
 * information_schema views (computed from the SQL catalog when read), the catalog functions
 * tools call, and the reg* types' input and output.
 *
 *   const relation = systemRelation('pg_catalog', 'pg_class');   // columns + rows(ctx)
 *   for (const fn of catalogFunctions()) library.register(fn);   // name, types, impl(args, ctx)
 *   regclassIn('public.t', ctx) → 16385; regclassOut(16385, ctx) → 't'
 */
export { catalogNames } from './catalog-names.ts';
export type { SystemSchema } from './catalog-relations.ts';
export type { CatalogFunction, ScalarCatalogFunction, SetCatalogFunction, Volatility } from './catalog-functions/define.ts';
export type { SystemColumn } from './columns.ts';
export type { CatalogFunctionContext, SessionInfo, SettingInfo, SystemContext, TableStats } from './context.ts';
export { formatType } from './format-type.ts';
export { quoteIdent, quoteQualified, splitQualifiedName } from './identifiers.ts';
export type { NameContext } from './lookup.ts';
export { catalogFunctions, regprocIn, regprocOut } from './procs.ts';
export { operatorFunctions } from './relations/operators.ts';
export { regclassIn, regclassOut, regnamespaceIn, regnamespaceOut, regroleIn, regroleOut, regtypeIn, regtypeOut } from './reg-types.ts';
export { systemRelation, systemRelations, type SystemRelation } from './registry.ts';
