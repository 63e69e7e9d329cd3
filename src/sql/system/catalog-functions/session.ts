/**
 * The session's and server's facts as functions: settings (current_setting, set_config),
 * version(), the search path (current_schema, current_schemas), who and where
 * (current_user, session_user, current_database, pg_backend_pid, inet_server_addr, …).
 */
import { EngineError, SqlState } from '../../../engine/errors.ts';
import type { Value } from '../../../engine/types.ts';
import type { CatalogFunctionContext } from '../context.ts';
import { currentSchema, effectiveSearchPath, namespaceName } from '../lookup.ts';
import { PG_CATALOG_NAMESPACE } from '../../catalog/model.ts';
import { BOOL, INT4, INT8, NAME, TEXT, TIMESTAMPTZ, scalar, type CatalogFunction } from './define.ts';

const NAME_ARRAY = { kind: 'array', element: { kind: 'name' } } as const;

function currentSetting(args: readonly Value[], ctx: CatalogFunctionContext): Value {
  const [name, missingOk] = args as [string, boolean | undefined];
  const wanted = name.toLowerCase();
  for (const setting of ctx.settings) if (setting.name.toLowerCase() === wanted) return setting.display ?? setting.setting;
  if (missingOk === true) return null;
  throw new EngineError(SqlState.undefinedObject, `unrecognized configuration parameter "${name}"`);
}

function setConfig(args: readonly Value[], ctx: CatalogFunctionContext): Value {
  const [name, value, isLocal] = args as [string | null, string | null, boolean | null];
  if (name === null) throw new EngineError(SqlState.nullValueNotAllowed, 'SET requires parameter name');
  return ctx.setConfig(name, value, isLocal === true);
}

/** current_schemas(include_implicit): the search path's existing schemas; with true, also
 * pg_catalog where PostgreSQL searches it implicitly. */
function currentSchemas(args: readonly Value[], ctx: CatalogFunctionContext): Value {
  const includeImplicit = args[0] as boolean;
  const explicit = ctx.searchPath.some((entry) => entry === 'pg_catalog');
  return effectiveSearchPath(ctx)
    .filter((oid) => includeImplicit || oid !== PG_CATALOG_NAMESPACE || explicit)
    .map((oid) => namespaceName(ctx.catalog, oid) ?? String(oid));
}

function version(ctx: CatalogFunctionContext): string {
  const arch = process.arch === 'x64' ? 'x86_64' : process.arch === 'arm64' ? 'aarch64' : process.arch;
  return `PostgreSQL ${ctx.serverVersion} (ScratchBird) on ${arch}-pc-${process.platform}-gnu, compiled by Node.js ${process.versions.node}, 64-bit`;
}

export const SESSION_FUNCTIONS: readonly CatalogFunction[] = [
  scalar({ oid: 2077, name: 'current_setting', args: [TEXT], returns: TEXT }, currentSetting),
  scalar({ oid: 3294, name: 'current_setting', args: [TEXT, BOOL], returns: TEXT }, currentSetting),
  scalar({ oid: 2078, name: 'set_config', args: [TEXT, TEXT, BOOL], returns: TEXT, volatility: 'volatile', strict: false }, setConfig),
  scalar({ oid: 89, name: 'version', args: [], returns: TEXT }, (_args, ctx) => version(ctx)),
  scalar({ oid: 1403, name: 'current_schemas', args: [BOOL], returns: NAME_ARRAY }, currentSchemas),
  scalar({ oid: 1402, name: 'current_schema', args: [], returns: NAME }, (_args, ctx) => currentSchema(ctx)),
  scalar({ oid: 861, name: 'current_database', args: [], returns: NAME }, (_args, ctx) => ctx.database),
  scalar({ oid: 745, name: 'current_user', args: [], returns: NAME }, (_args, ctx) => ctx.currentUser),
  scalar({ oid: 746, name: 'session_user', args: [], returns: NAME }, (_args, ctx) => ctx.sessionUser),
  // ScratchBird speaks UTF8 only, to the server and to every client.
  scalar({ oid: 1039, name: 'getdatabaseencoding', args: [], returns: NAME }, () => 'UTF8'),
  scalar({ oid: 810, name: 'pg_client_encoding', args: [], returns: NAME }, () => 'UTF8'),
  scalar({ oid: 2026, name: 'pg_backend_pid', args: [], returns: INT4 }, (_args, ctx) => ctx.backendPid),
  scalar({ oid: 2560, name: 'pg_postmaster_start_time', args: [], returns: TIMESTAMPTZ }, (_args, ctx) => ctx.serverStartTime),
  scalar({ oid: 2198, name: 'inet_server_addr', args: [], returns: TEXT, strict: false }, (_args, ctx) => ctx.serverAddress),
  scalar({ oid: 2199, name: 'inet_server_port', args: [], returns: INT4, strict: false }, (_args, ctx) => ctx.serverPort),
  scalar({ oid: 2196, name: 'inet_client_addr', args: [], returns: TEXT, strict: false }, (_args, ctx) => ctx.clientAddress),
  scalar({ oid: 2197, name: 'inet_client_port', args: [], returns: INT4, strict: false }, (_args, ctx) => ctx.clientPort),
  scalar({ oid: 3810, name: 'pg_is_in_recovery', args: [], returns: BOOL, volatility: 'volatile' }, (_args, ctx) => ctx.inRecovery),
  scalar({ oid: 2943, name: 'txid_current', args: [], returns: INT8, volatility: 'volatile' }, (_args, ctx) => ctx.transactionId()),
];
