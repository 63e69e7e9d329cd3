/**
 * Session settings (GUCs): the ones clients and tools read or set, with PostgreSQL's names,
 * defaults, validation and SHOW spelling. `reported` ones are sent as ParameterStatus at
 * startup and whenever they change.
 */
import { EngineError, SqlState } from '../engine/errors.ts';
import { sessionTimeZone } from '../sql/types/index.ts';

export const SERVER_VERSION = '15.18 (ScratchBird 0.1.0)';
export const SERVER_VERSION_NUM = '150018';

interface Setting {
  readonly default: string;
  readonly reported?: boolean;
  /** Fixed at server start: SET fails with 55P02. */
  readonly readOnly?: boolean;
  readonly category: string;
  readonly description: string;
  readonly unit?: 'ms' | 's';
  /** Returns the canonical value, or throws 22023 for a bad one. */
  readonly check?: (value: string) => string;
}

function oneOf(name: string, allowed: readonly string[]): (value: string) => string {
  return (value) => {
    const v = value.toLowerCase();
    const found = allowed.find((a) => a.toLowerCase() === v);
    if (found === undefined) throw new EngineError(SqlState.invalidParameterValue, `invalid value for parameter "${name}": "${value}"`, { hint: `Available values: ${allowed.join(', ')}.` });
    return found;
  };
}

function milliseconds(name: string): (value: string) => string {
  return (value) => {
    const m = /^\s*(-?\d+(?:\.\d+)?)\s*(ms|s|min|h|d)?\s*$/i.exec(value);
    if (m === null) throw new EngineError(SqlState.invalidParameterValue, `invalid value for parameter "${name}": "${value}"`);
    const factor = { ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 'ms').toLowerCase() as 'ms'];
    const ms = Math.round(Number(m[1]) * factor);
    if (ms < 0 || ms > 2_147_483_647) throw new EngineError(SqlState.invalidParameterValue, `${ms} ms is outside the valid range for parameter "${name}" (0 .. 2147483647)`);
    return String(ms);
  };
}

function boolean(name: string): (value: string) => string {
  return (value) => {
    const v = value.toLowerCase();
    if (['on', 'true', 'yes', '1', 't', 'y'].includes(v)) return 'on';
    if (['off', 'false', 'no', '0', 'f', 'n'].includes(v)) return 'off';
    throw new EngineError(SqlState.invalidParameterValue, `parameter "${name}" requires a Boolean value`);
  };
}

export const SETTINGS: Readonly<Record<string, Setting>> = {
  server_version: { default: SERVER_VERSION, reported: true, readOnly: true, category: 'Preset Options', description: 'Shows the server version.' },
  server_version_num: { default: SERVER_VERSION_NUM, readOnly: true, category: 'Preset Options', description: 'Shows the server version as an integer.' },
  server_encoding: { default: 'UTF8', reported: true, readOnly: true, category: 'Preset Options', description: 'Shows the server (database) character set encoding.' },
  client_encoding: { default: 'UTF8', reported: true, category: 'Client Connection Defaults', description: "Sets the client's character set encoding.", check: oneOf('client_encoding', ['UTF8']) },
  DateStyle: { default: 'ISO, MDY', reported: true, category: 'Client Connection Defaults', description: 'Sets the display format for date and time values.', check: (v) => {
    if (!/^\s*iso\s*(,\s*(mdy|dmy|ymd)\s*)?$/i.test(v) && !/^\s*(mdy|dmy|ymd)\s*(,\s*iso\s*)?$/i.test(v)) throw new EngineError(SqlState.featureNotSupported, `DateStyle "${v}" is not supported`, { hint: 'ScratchBird prints dates in ISO style.' });
    return 'ISO, MDY';
  } },
  IntervalStyle: { default: 'postgres', reported: true, category: 'Client Connection Defaults', description: 'Sets the display format for interval values.', check: oneOf('IntervalStyle', ['postgres']) },
  TimeZone: { default: 'UTC', reported: true, category: 'Client Connection Defaults', description: 'Sets the time zone for displaying and interpreting time stamps.', check: (v) => {
    try {
      sessionTimeZone(v);
    } catch {
      throw new EngineError(SqlState.invalidParameterValue, `invalid value for parameter "TimeZone": "${v}"`);
    }
    return v;
  } },
  integer_datetimes: { default: 'on', reported: true, readOnly: true, category: 'Preset Options', description: 'Shows whether datetimes are integer based.' },
  standard_conforming_strings: { default: 'on', reported: true, category: 'Version and Platform Compatibility', description: "Causes '...' strings to treat backslashes literally.", check: oneOf('standard_conforming_strings', ['on']) },
  application_name: { default: '', reported: true, category: 'Reporting and Logging', description: 'Sets the application name to be reported in statistics and logs.', check: (v) => v.slice(0, 63) },
  is_superuser: { default: 'on', reported: true, readOnly: true, category: 'Preset Options', description: 'Shows whether the current user is a superuser.' },
  session_authorization: { default: '', reported: true, readOnly: true, category: 'Preset Options', description: 'Sets the session user name.' },
  search_path: { default: '"$user", public', category: 'Client Connection Defaults', description: 'Sets the schema search order for names that are not schema-qualified.' },
  statement_timeout: { default: '0', unit: 'ms', category: 'Client Connection Defaults', description: 'Sets the maximum allowed duration of any statement.', check: milliseconds('statement_timeout') },
  lock_timeout: { default: '0', unit: 'ms', category: 'Client Connection Defaults', description: 'Sets the maximum allowed duration of any wait for a lock.', check: milliseconds('lock_timeout') },
  idle_in_transaction_session_timeout: { default: '0', unit: 'ms', category: 'Client Connection Defaults', description: 'Sets the maximum allowed idle time between queries, when in a transaction.', check: milliseconds('idle_in_transaction_session_timeout') },
  extra_float_digits: { default: '1', category: 'Client Connection Defaults', description: 'Sets the number of digits displayed for floating-point values.', check: (v) => {
    if (!/^-?\d+$/.test(v.trim()) || Number(v) < -15 || Number(v) > 3) throw new EngineError(SqlState.invalidParameterValue, `invalid value for parameter "extra_float_digits": "${v}"`);
    return String(Number(v));
  } },
  bytea_output: { default: 'hex', category: 'Client Connection Defaults', description: 'Sets the output format for bytea.', check: oneOf('bytea_output', ['hex']) },
  default_transaction_isolation: { default: 'read committed', category: 'Client Connection Defaults', description: 'Sets the transaction isolation level of each new transaction.', check: oneOf('default_transaction_isolation', ['read committed', 'repeatable read', 'serializable', 'read uncommitted']) },
  transaction_isolation: { default: 'read committed', category: 'Client Connection Defaults', description: "Sets the current transaction's isolation level." },
  default_transaction_read_only: { default: 'off', category: 'Client Connection Defaults', description: 'Sets the default read-only status of new transactions.', check: boolean('default_transaction_read_only') },
  transaction_read_only: { default: 'off', category: 'Client Connection Defaults', description: "Sets the current transaction's read-only status." },
  client_min_messages: { default: 'notice', category: 'Client Connection Defaults', description: 'Sets the message levels that are sent to the client.', check: oneOf('client_min_messages', ['debug5', 'debug4', 'debug3', 'debug2', 'debug1', 'log', 'notice', 'warning', 'error']) },
  max_connections: { default: '1100', readOnly: true, category: 'Connections and Authentication', description: 'Sets the maximum number of concurrent connections.' },
  max_identifier_length: { default: '63', readOnly: true, category: 'Preset Options', description: 'Shows the maximum identifier length.' },
  lc_collate: { default: 'C', readOnly: true, category: 'Preset Options', description: 'Shows the collation order locale.' },
  lc_ctype: { default: 'C', readOnly: true, category: 'Preset Options', description: 'Shows the character classification and case conversion locale.' },
  lc_messages: { default: 'C', category: 'Client Connection Defaults', description: 'Sets the language in which messages are displayed.' },
  lc_monetary: { default: 'C', category: 'Client Connection Defaults', description: 'Sets the locale for formatting monetary amounts.' },
  lc_numeric: { default: 'C', category: 'Client Connection Defaults', description: 'Sets the locale for formatting numbers.' },
  lc_time: { default: 'C', category: 'Client Connection Defaults', description: 'Sets the locale for formatting date and time values.' },
  synchronous_commit: { default: 'on', category: 'Write-Ahead Log', description: 'Sets the current transaction\'s synchronization level.', check: oneOf('synchronous_commit', ['on']) },
  block_size: { default: '8192', readOnly: true, category: 'Preset Options', description: 'Shows the size of a disk block.' },
  data_directory_mode: { default: '0700', readOnly: true, category: 'Preset Options', description: 'Shows the mode of the data directory.' },
  work_mem: { default: '4MB', category: 'Resource Usage / Memory', description: 'Sets the maximum memory to be used for query workspaces.' },
  maintenance_work_mem: { default: '64MB', category: 'Resource Usage / Memory', description: 'Sets the maximum memory to be used for maintenance operations.' },
  row_security: { default: 'on', category: 'Client Connection Defaults', description: 'Enable row security.', check: boolean('row_security') },
  check_function_bodies: { default: 'on', category: 'Client Connection Defaults', description: 'Check routine bodies during CREATE FUNCTION and CREATE PROCEDURE.', check: boolean('check_function_bodies') },
  xmloption: { default: 'content', category: 'Client Connection Defaults', description: 'Sets whether XML data in implicit parsing and serialization operations is to be considered as documents or content fragments.' },
  jit: { default: 'off', category: 'Query Tuning', description: 'Allow JIT compilation.', check: boolean('jit') },
};

const CANONICAL = new Map(Object.keys(SETTINGS).map((k) => [k.toLowerCase(), k]));

export function canonicalName(name: string): string {
  const found = CANONICAL.get(name.toLowerCase());
  if (found === undefined) throw new EngineError(SqlState.undefinedObject, `unrecognized configuration parameter "${name}"`);
  return found;
}

export class Settings {
  private readonly values = new Map<string, string>();

  /** search_path as last resolved: every statement asks for it. */
  private resolvedSearchPath: { readonly setting: string; readonly user: string; readonly path: readonly string[] } | null = null;

  constructor(private readonly overrides: ReadonlyMap<string, string> = new Map()) {}

  get(name: string): string {
    // Sessions ask by the canonical name on every statement: skip the case folding then.
    const key = Object.hasOwn(SETTINGS, name) ? name : canonicalName(name);
    return this.values.get(key) ?? this.overrides.get(key) ?? SETTINGS[key].default;
  }

  /** Sets a value (null: back to the default); returns the canonical name and whether clients
   * must be told. */
  set(name: string, value: string | null): { name: string; reported: boolean } {
    const key = canonicalName(name);
    const setting = SETTINGS[key];
    if (setting.readOnly === true) throw new EngineError(SqlState.cantChangeRuntimeParam, `parameter "${key}" cannot be changed`);
    if (value === null) this.values.delete(key);
    else this.values.set(key, setting.check === undefined ? value : setting.check(value));
    return { name: key, reported: setting.reported === true };
  }

  reported(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [name, s] of Object.entries(SETTINGS)) if (s.reported === true) out.set(name, this.get(name));
    return out;
  }

  /** SHOW's spelling: durations with units as PostgreSQL prints them. */
  show(name: string): string {
    const key = canonicalName(name);
    const value = this.get(key);
    if (SETTINGS[key].unit === 'ms') {
      const ms = Number(value);
      if (ms === 0) return '0';
      if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
      if (ms % 60_000 === 0) return `${ms / 60_000}min`;
      if (ms % 1000 === 0) return `${ms / 1000}s`;
      return `${ms}ms`;
    }
    return value;
  }

  all(): { name: string; setting: string; category: string; description: string; unit?: string; readOnly: boolean }[] {
    return Object.entries(SETTINGS).map(([name, s]) => ({ name, setting: this.get(name), category: s.category, description: s.description, unit: s.unit, readOnly: s.readOnly === true }));
  }

  /** search_path as schema names, "$user" resolved. */
  searchPath(user: string): readonly string[] {
    const setting = this.get('search_path');
    const last = this.resolvedSearchPath;
    if (last !== null && last.setting === setting && last.user === user) return last.path;
    const path = setting
      .split(',')
      .map((s) => s.trim().replace(/^"(.*)"$/, '$1'))
      .filter((s) => s !== '')
      .map((s) => (s === '$user' ? user : s));
    this.resolvedSearchPath = { setting, user, path };
    return path;
  }
}
