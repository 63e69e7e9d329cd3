/**
 * A node's configuration. Every setting can come from a flag (`--http-port 9187`), an
 * environment variable (`SCRATCHBIRD_HTTP_PORT=9187`) or a key of a JSON config file given by
 * `--config FILE` (`{ "http-port": 9187 }`, the flag's own name); a flag beats the
 * environment, which beats the file, which beats the default. One table below describes every
 * setting, so parsing, validation and `--help` cannot drift apart.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { AuthPolicy } from '../coordinator/database.ts';
import { EngineError, SqlState } from '../engine/errors.ts';
import { LOG_LEVELS, type LogLevel } from '../ops/observability/logger.ts';

export type { AuthPolicy };
const AUTH_POLICIES: readonly AuthPolicy[] = ['trust-loopback', 'scram-sha-256'];

/** TLS on the pg port: off (SSLRequest answered 'N'), a self-signed certificate kept in the
 * data directory, or the user's own files. */
export type TlsSetting =
  | { readonly mode: 'off' }
  | { readonly mode: 'self-signed' }
  | { readonly mode: 'files'; readonly certPath: string; readonly keyPath: string };

export interface NodeConfig {
  /** Absolute. */
  readonly dataDir: string;
  /** Listen addresses as given: host names, IP addresses, `localhost` (the loopback
   * addresses) or `*` (every interface). */
  readonly listen: readonly string[];
  readonly port: number;
  readonly httpPort: number;
  readonly shards: number;
  readonly auth: AuthPolicy;
  readonly tls: TlsSetting;
  readonly logLevel: LogLevel;
  /** Absent: the id stored in the data directory (generated there on first start). */
  readonly nodeId?: string;
  readonly maxConnections: number;
}

export interface SettingSpec {
  /** The flag without dashes, which is also the config-file key. */
  readonly name: string;
  readonly env: string;
  /** How `--help` shows the value, e.g. DIR or PORT. */
  readonly metavar: string;
  /** The default as `--help` shows it; undefined when there is none. */
  readonly defaultValue?: string;
  readonly help: string;
}

export const SETTINGS = [
  { name: 'config', env: 'SCRATCHBIRD_CONFIG', metavar: 'FILE', help: 'JSON file of settings keyed by flag name, e.g. {"port": 5433}; relative paths in it are relative to the file' },
  { name: 'data', env: 'SCRATCHBIRD_DATA', metavar: 'DIR', defaultValue: './data', help: 'data directory: shards, node id, generated TLS certificate' },
  { name: 'host', env: 'SCRATCHBIRD_HOST', metavar: 'ADDRS', defaultValue: 'localhost', help: 'where to listen, comma-separated: host names, IP addresses, localhost (127.0.0.1 and ::1) or * (every interface)' },
  { name: 'port', env: 'SCRATCHBIRD_PORT', metavar: 'PORT', defaultValue: '5432', help: 'PostgreSQL wire protocol port (0 = any free port)' },
  { name: 'http-port', env: 'SCRATCHBIRD_HTTP_PORT', metavar: 'PORT', defaultValue: '9187', help: 'HTTP port for GET /health and GET /metrics (0 = any free port)' },
  { name: 'shards', env: 'SCRATCHBIRD_SHARDS', metavar: 'N', defaultValue: '16', help: 'number of shards, fixed when the data directory is created' },
  { name: 'auth', env: 'SCRATCHBIRD_AUTH', metavar: 'POLICY', defaultValue: 'trust-loopback', help: 'trust-loopback: loopback connections need no password, others need SCRAM; scram-sha-256: every connection needs SCRAM' },
  { name: 'tls', env: 'SCRATCHBIRD_TLS', metavar: 'on|off', defaultValue: 'on', help: 'TLS on the pg port; without --tls-cert a self-signed certificate is generated into DIR/tls on first start' },
  { name: 'tls-cert', env: 'SCRATCHBIRD_TLS_CERT', metavar: 'FILE', help: 'PEM certificate (chain) to serve instead of the self-signed one; needs --tls-key' },
  { name: 'tls-key', env: 'SCRATCHBIRD_TLS_KEY', metavar: 'FILE', help: 'PEM private key of --tls-cert' },
  { name: 'log-level', env: 'SCRATCHBIRD_LOG_LEVEL', metavar: 'LEVEL', defaultValue: 'info', help: `JSON log lines on stdout from this level up: ${LOG_LEVELS.join(', ')}` },
  { name: 'node-id', env: 'SCRATCHBIRD_NODE_ID', metavar: 'UUID', help: 'node identity; default: a UUIDv7 generated on first start and kept in DIR/node-id' },
  { name: 'max-connections', env: 'SCRATCHBIRD_MAX_CONNECTIONS', metavar: 'N', defaultValue: '1100', help: 'client connections allowed at once' },
] as const satisfies readonly SettingSpec[];

type SettingName = (typeof SETTINGS)[number]['name'];
/** Raw values by setting name, as flags or environment variables give them. */
export type RawSettings = Readonly<Partial<Record<SettingName, string>>>;

export interface ParsedArguments {
  readonly help: boolean;
  readonly flags: RawSettings;
}

/** `scratchbird start` flags. Unknown flags and stray arguments are errors. */
export function parseStartArguments(argv: readonly string[]): ParsedArguments {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const setting of SETTINGS) options[setting.name] = { type: 'string' };
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new EngineError(SqlState.invalidParameterValue, (error as Error).message.split('\n', 1)[0], { hint: 'See scratchbird start --help.' });
  }
  const { help, ...flags } = parsed.values as Record<string, string | boolean | undefined>;
  return { help: help === true, flags: flags as RawSettings };
}

/** Where a raw value came from, for error messages. */
interface Sourced {
  readonly value: unknown;
  readonly where: string;
  /** Relative paths resolve against this directory. */
  readonly base: string;
}

export interface ConfigSources {
  readonly flags: RawSettings;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Relative paths given by flags and environment variables resolve against it. */
  readonly cwd: string;
}

export function resolveNodeConfig(sources: ConfigSources): NodeConfig {
  const configFile = pick(sources, undefined, 'config');
  const file = configFile === undefined ? undefined : readConfigFile(resolve(configFile.base, text(configFile)));
  const setting = (name: SettingName) => pick(sources, file, name);

  const dataDir = setting('data');
  const tlsCert = setting('tls-cert');
  const tlsKey = setting('tls-key');
  const tls = setting('tls');
  const nodeId = setting('node-id');
  const config: NodeConfig = {
    dataDir: dataDir === undefined ? resolve(sources.cwd, 'data') : resolve(dataDir.base, text(dataDir)),
    listen: listenAddresses(setting('host')),
    port: integer(setting('port'), 5432, 0, 65535, 'a port number from 1 to 65535 (0 picks a free port)'),
    httpPort: integer(setting('http-port'), 9187, 0, 65535, 'a port number from 1 to 65535 (0 picks a free port)'),
    shards: integer(setting('shards'), 16, 1, 1024, 'a shard count from 1 to 1024'),
    auth: oneOf(setting('auth'), 'trust-loopback', AUTH_POLICIES),
    tls: tlsSetting(tls === undefined || onOff(tls), tlsCert, tlsKey),
    logLevel: oneOf(setting('log-level'), 'info', LOG_LEVELS),
    ...(nodeId === undefined ? {} : { nodeId: uuid(nodeId) }),
    maxConnections: integer(setting('max-connections'), 1100, 1, 1_000_000, 'a connection count of at least 1'),
  };
  if (config.port !== 0 && config.port === config.httpPort) {
    throw new EngineError(SqlState.invalidParameterValue, `the pg port and the HTTP port are both ${config.port}`, { hint: 'Give --port and --http-port different values.' });
  }
  return config;
}

/** The highest-precedence source that sets `name`: flag, then environment, then file. */
function pick(sources: ConfigSources, file: ConfigFile | undefined, name: SettingName): Sourced | undefined {
  const spec: SettingSpec = SETTINGS.find((s) => s.name === name) as SettingSpec;
  const flag = sources.flags[name];
  if (flag !== undefined) return { value: flag, where: `--${name}`, base: sources.cwd };
  const env = sources.env[spec.env];
  if (env !== undefined && env !== '') return { value: env, where: spec.env, base: sources.cwd };
  if (file !== undefined && file.values[name] !== undefined) return { value: file.values[name], where: `"${name}" in ${file.path}`, base: dirname(file.path) };
  return undefined;
}

interface ConfigFile {
  readonly path: string;
  readonly values: Readonly<Record<string, unknown>>;
}

function readConfigFile(path: string): ConfigFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new EngineError(SqlState.configFileError, `could not read config file "${path}": ${(error as Error).message}`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new EngineError(SqlState.configFileError, `config file "${path}" must hold a JSON object`, { hint: 'For example {"port": 5433, "shards": 8}.' });
  }
  const known = new Set<string>(SETTINGS.map((s) => s.name).filter((name) => name !== 'config'));
  const unknown = Object.keys(parsed).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw new EngineError(SqlState.configFileError, `config file "${path}" has unknown setting${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}`, {
      hint: `Keys are flag names: ${[...known].join(', ')}.`,
    });
  }
  return { path, values: parsed as Record<string, unknown> };
}

function invalid(source: Sourced, hint: string): EngineError {
  return new EngineError(SqlState.invalidParameterValue, `invalid value for ${source.where}: ${JSON.stringify(source.value)}`, { hint: `Give ${hint}.` });
}

function text(source: Sourced): string {
  if (typeof source.value !== 'string' || source.value.trim() === '') throw invalid(source, 'a non-empty string');
  return source.value;
}

function integer(source: Sourced | undefined, fallback: number, min: number, max: number, hint: string): number {
  if (source === undefined) return fallback;
  const { value } = source;
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) throw invalid(source, hint);
  return number;
}

function oneOf<T extends string>(source: Sourced | undefined, fallback: T, allowed: readonly T[]): T {
  if (source === undefined) return fallback;
  if (!allowed.includes(source.value as T)) throw invalid(source, `one of ${allowed.join(', ')}`);
  return source.value as T;
}

function onOff(source: Sourced): boolean {
  const { value } = source;
  if (value === true || value === 'on' || value === 'true') return true;
  if (value === false || value === 'off' || value === 'false') return false;
  throw invalid(source, 'on or off');
}

function tlsSetting(on: boolean, cert: Sourced | undefined, key: Sourced | undefined): TlsSetting {
  if (cert === undefined && key === undefined) return on ? { mode: 'self-signed' } : { mode: 'off' };
  if (!on) {
    throw new EngineError(SqlState.invalidParameterValue, `${(cert ?? key as Sourced).where} is set but TLS is off`, { hint: 'Drop the certificate settings or turn TLS on.' });
  }
  if (cert === undefined || key === undefined) {
    throw new EngineError(SqlState.invalidParameterValue, `${(cert ?? key as Sourced).where} is set without ${cert === undefined ? '--tls-cert' : '--tls-key'}`, {
      hint: 'Give both the certificate and its private key.',
    });
  }
  return { mode: 'files', certPath: resolve(cert.base, text(cert)), keyPath: resolve(key.base, text(key)) };
}

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

function listenAddresses(source: Sourced | undefined): readonly string[] {
  if (source === undefined) return ['localhost'];
  const entries = text(source).split(',').map((entry) => entry.trim());
  if (entries.some((entry) => entry !== '*' && isIP(entry) === 0 && !HOST_NAME.test(entry))) {
    throw invalid(source, 'host names or IP addresses separated by commas, localhost, or * for every interface');
  }
  return [...new Set(entries)];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function uuid(source: Sourced): string {
  if (typeof source.value !== 'string' || !UUID.test(source.value)) throw invalid(source, 'a UUID such as 0190a5f2-7c3e-7d41-9a6b-2f1e8c4d5b6a');
  return source.value.toLowerCase();
}
