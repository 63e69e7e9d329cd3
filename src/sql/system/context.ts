/**
 * What the system catalogs and catalog functions read besides the SQL catalog: the session
 * (user, database, search path, settings) and the server (sessions, table statistics, sizes).
 * The executor builds one per statement.
 */
import type { CatalogSnapshot } from '../catalog/snapshot.ts';

/** One row of pg_settings, as SHOW ALL knows it. Optional fields are NULL when absent. */
export interface SettingInfo {
  readonly name: string;
  /** pg_settings.setting: the value counted in `unit` ('16384' with unit '8kB' for 128MB). */
  readonly setting: string;
  /** The value as SHOW and current_setting print it ('128MB'); absent: `setting`. */
  readonly display?: string;
  readonly unit?: string | null;
  readonly category: string;
  readonly shortDesc: string;
  readonly extraDesc?: string | null;
  /** internal, postmaster, sighup, superuser-backend, backend, superuser, user. */
  readonly context: string;
  /** bool, enum, integer, real, string. */
  readonly vartype: string;
  /** default, configuration file, session, client, … */
  readonly source: string;
  readonly minVal?: string | null;
  readonly maxVal?: string | null;
  readonly enumVals?: readonly string[] | null;
  readonly bootVal?: string | null;
  readonly resetVal?: string | null;
  readonly pendingRestart?: boolean;
}

/** One connection, for pg_stat_activity. Times are µs since 2000-01-01 UTC. */
export interface SessionInfo {
  readonly pid: number;
  readonly user: string;
  readonly application: string;
  readonly clientAddr: string | null;
  readonly clientPort?: number | null;
  readonly backendStart: bigint;
  readonly xactStart: bigint | null;
  readonly queryStart: bigint | null;
  readonly stateChange?: bigint | null;
  /** active, idle, idle in transaction, idle in transaction (aborted). */
  readonly state: string | null;
  readonly query: string;
  readonly waitEventType?: string | null;
  readonly waitEvent?: string | null;
}

/** Activity counters of one table (pg_stat_user_tables); absent counters read as 0. */
export interface TableStats {
  readonly liveRows: number;
  readonly deadRows?: number;
  readonly inserted?: number;
  readonly updated?: number;
  readonly deleted?: number;
  readonly seqScans?: number;
  readonly seqRowsRead?: number;
  readonly indexScans?: number;
  readonly indexRowsFetched?: number;
  readonly modifiedSinceAnalyze?: number;
  readonly insertedSinceSweep?: number;
  /** When SWEEP last ran on it (µs since 2000), shown as last_vacuum. */
  readonly lastSweep?: bigint | null;
  readonly lastAutoSweep?: bigint | null;
  readonly sweeps?: number;
  readonly autoSweeps?: number;
}

export interface AdvisoryLockRow {
  readonly pid: number;
  readonly classid: number;
  readonly objid: number;
  readonly objsubid: number;
  readonly mode: string;
  readonly granted: boolean;
}

export interface SystemContext {
  readonly catalog: CatalogSnapshot;
  readonly currentUser: string;
  /** The name the session connected with: ScratchBird's one database goes by it. */
  readonly database: string;
  /** The search_path setting's schemas in order, '$user' included as written. */
  readonly searchPath: readonly string[];
  readonly settings: Iterable<SettingInfo>;
  sessions(): Iterable<SessionInfo>;
  /** Advisory locks held or waited for, by session pid, for pg_locks. */
  advisoryLocks(): Iterable<AdvisoryLockRow>;
  tableStats(oid: number): TableStats | undefined;
  /** Bytes a table or index takes (all shards); 0 when unknown. */
  relationSize(oid: number): number;
  /** Bytes the database takes in storage, catalog included. */
  databaseSize(): number;
  /** server_version, e.g. '15.0'. */
  readonly serverVersion: string;
  /** A sequence's last value, or null when it has never been read. Absent: always null. */
  sequenceLastValue?(oid: number): bigint | null;
}

/** What catalog functions need beyond the system catalogs' context: this session's own facts. */
export interface CatalogFunctionContext extends SystemContext {
  readonly sessionUser: string;
  readonly backendPid: number;
  /** µs since 2000-01-01 UTC. */
  readonly serverStartTime: bigint;
  /** The address and port this connection reached, or null over a unix socket. */
  readonly serverAddress: string | null;
  readonly serverPort: number | null;
  readonly clientAddress: string | null;
  readonly clientPort: number | null;
  readonly inRecovery: boolean;
  /** The TimeZone setting, for constants of type timestamptz in printed expressions. */
  readonly timeZone: string;
  /** set_config: changes a setting for the session (or the transaction when `isLocal`; `value`
   * null resets it) and returns its new value as SHOW prints it; throws as SET would. */
  setConfig(name: string, value: string | null, isLocal: boolean): string;
  /** txid_current: the current transaction's id, assigning one if it has none yet. */
  transactionId(): bigint;
}
