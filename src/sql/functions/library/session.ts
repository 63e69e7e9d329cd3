/**
 * Functions about the session and the values themselves: pg_typeof, current_setting, the
 * current user/database/schema functions, and gen_random_uuid.
 */
import { randomUUID } from 'node:crypto';
import { EngineError, FnState } from '../errors.ts';
import { fn, unary } from '../registry.ts';
import { sqlTypeOid } from '../type-info.ts';

const stable = { volatility: 'stable', strict: false } as const;

fn('pg_typeof', ['any'], 'regtype', { build: (types) => () => sqlTypeOid(types[0]) }, stable);

function setting(name: string, missingOk: boolean, value: string | undefined): string | null {
  if (value !== undefined) return value;
  if (missingOk) return null;
  throw new EngineError(FnState.undefinedObject, `unrecognized configuration parameter "${name}"`);
}
fn('current_setting', ['text'], 'text', unary<string>((name, ctx) => setting(name, false, ctx.setting(name))), { volatility: 'stable' });
fn('current_setting', ['text', 'bool'], 'text', (args, ctx) => {
  const [name, missingOk] = args as [string | null, boolean | null];
  return name === null || missingOk === null ? null : setting(name, missingOk, ctx.setting(name));
}, stable);

fn('current_database', [], 'name', (_args, ctx) => ctx.currentDatabase, stable);
fn('current_user', [], 'name', (_args, ctx) => ctx.currentUser, stable);
fn('session_user', [], 'name', (_args, ctx) => ctx.sessionUser, stable);
fn('current_schema', [], 'name', (_args, ctx) => ctx.searchPath[0] ?? null, stable);
fn('current_schemas', ['bool'], 'name[]', unary<boolean>((implicit, ctx) => (implicit ? ['pg_catalog', ...ctx.searchPath.filter((s) => s !== 'pg_catalog')] : [...ctx.searchPath])), {
  volatility: 'stable',
});

fn('gen_random_uuid', [], 'uuid', () => randomUUID(), { volatility: 'volatile', strict: false });
