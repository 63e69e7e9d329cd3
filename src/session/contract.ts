/**
 * The seam between the wire protocol (`src/pgwire/`) and everything that runs SQL.
 *
 * The pgwire layer owns bytes: sockets, TLS, the authentication exchange, message framing,
 * value encoding (with `src/sql/types`), CopyData streams, BackendKeyData and cancel keys,
 * ReadyForQuery. The session owns meaning: statements, portals, transactions, settings.
 * Every method may throw an `EngineError`; the connection reports it as ErrorResponse (a
 * `fatal` one ends the connection) and, in the extended protocol, skips to the next Sync.
 */
import type { Row } from '../engine/types.ts';
import type { EngineError } from '../engine/errors.ts';
import type { SqlType } from '../sql/types/sql-type.ts';

/** What a client said at startup, plus where it came from. */
export interface ConnectionInfo {
  readonly user: string;
  readonly database: string;
  readonly applicationName: string;
  /** Every StartupMessage parameter, e.g. `options`, `client_encoding`, `DateStyle`. */
  readonly parameters: ReadonlyMap<string, string>;
  readonly remoteAddress: string;
  readonly loopback: boolean;
  readonly tls: boolean;
}

/** How a connection must prove who it is. */
export type AuthenticationMethod =
  | { readonly method: 'trust' }
  /** `verifier` is the role's stored SCRAM secret; undefined (no such role, or no password)
   * runs the exchange with a made-up verifier so it fails like a wrong password, as PostgreSQL
   * does, without telling the client which roles exist. */
  | { readonly method: 'scram-sha-256'; readonly verifier: string | undefined }
  | { readonly method: 'reject'; readonly message: string };

/** The pgwire server's view of the database behind it. */
export interface QueryEngine {
  authenticationFor(info: ConnectionInfo): AuthenticationMethod;
  /** After authentication succeeded. Throws 3D000 for an unknown database, 28000 for a role
   * that may not log in. */
  openSession(info: ConnectionInfo): Session;
}

/** A result column: its name, type and, for a plain table column, where it comes from. */
export interface ResultColumn {
  readonly name: string;
  readonly type: SqlType;
  readonly tableOid?: number;
  readonly columnAttr?: number;
}

/** How values are printed as text for this session (its DateStyle, TimeZone, … settings) and
 * how catalog-typed values (regclass, regtype, …) are named. */
export interface OutputContext {
  readonly timeZone: string;
  /** The text of a value of a type the `src/sql/types` codecs do not know (reg* types). */
  catalogText(type: SqlType, value: unknown): string;
}

export interface CopyInSpec {
  readonly format: 'text' | 'csv' | 'binary';
  readonly columns: number;
}

export interface CopyOutSpec {
  readonly format: 'text' | 'csv' | 'binary';
  readonly columns: number;
}

/**
 * Where a statement's results go. The connection encodes rows straight into its output
 * buffer (text or binary per column as the portal's result formats say) and writes each burst
 * once; `rowDescription` is only called by the simple protocol and by Describe.
 */
export interface ResultSink {
  /** Simple protocol only: a statement that returns rows announces its columns first. */
  rowDescription(columns: readonly ResultColumn[]): void;
  /** One row, values in column order. The sink must not keep the array. A promise back means
   * the client is not keeping up: await it before the next row (backpressure). */
  row(values: Row): void | Promise<void>;
  commandComplete(tag: string): void;
  emptyQuery(): void;
  notice(notice: Notice): void;
  /** A GUC reported to clients changed (SET application_name, SET TimeZone, …). */
  parameterStatus(name: string, value: string): void;
  /** COPY … FROM STDIN: sends CopyInResponse, then yields each CopyData payload until
   * CopyDone. CopyFail throws 57014 "COPY from stdin failed: <message>". */
  copyIn(spec: CopyInSpec): AsyncIterable<Uint8Array>;
  /** COPY … TO STDOUT: sends CopyOutResponse; then `copyData` per chunk and `copyDone`. */
  copyOut(spec: CopyOutSpec): void;
  /** Backpressure as for `row`. */
  copyData(chunk: Uint8Array): void | Promise<void>;
  copyDone(): void;
}

export interface Notice {
  readonly severity: 'WARNING' | 'NOTICE' | 'INFO' | 'DEBUG' | 'LOG';
  readonly code: string;
  readonly message: string;
  readonly detail?: string;
  readonly hint?: string;
}

export interface StatementDescription {
  /** Parameter type OIDs after inference (0 never appears here). */
  readonly parameterTypes: readonly SqlType[];
  /** null: the statement returns no rows (NoData). */
  readonly columns: readonly ResultColumn[] | null;
}

export type TransactionState = 'idle' | 'in transaction' | 'failed';

/** One client connection's SQL state. Calls never overlap: the connection awaits each. */
export interface Session {
  /** ParameterStatus values to send after AuthenticationOk. */
  initialParameters(): ReadonlyMap<string, string>;
  readonly output: OutputContext;
  transactionState(): TransactionState;
  /** A session setting, e.g. for the connection's idle_in_transaction_session_timeout (ms). */
  setting(name: string): string;

  /** Simple Query: every statement of the string, each result to `sink`; an implicit
   * transaction spans the string unless it manages its own. */
  simpleQuery(sql: string, sink: ResultSink): Promise<void>;

  /** Parse: `parameterTypes` are the client's OIDs (0 = infer). "" is the unnamed statement. */
  parse(name: string, sql: string, parameterTypes: readonly number[]): void;
  describeStatement(name: string): StatementDescription;
  /** Bind: parameters arrive raw; the session decodes them by type and format code. */
  bind(portal: string, statement: string, parameterFormats: readonly (0 | 1)[], parameters: readonly (Uint8Array | null)[], resultFormats: readonly (0 | 1)[]): void;
  /** The portal's columns (null: NoData) and the format of each. */
  describePortal(portal: string): { readonly columns: readonly ResultColumn[] | null; readonly formats: readonly (0 | 1)[] };
  /** Runs a portal; `maxRows` 0 = all. 'suspended' = more rows remain (PortalSuspended). */
  execute(portal: string, maxRows: number, sink: ResultSink): Promise<'complete' | 'suspended'>;
  closeStatement(name: string): void;
  closePortal(name: string): void;
  /** Sync: ends the implicit transaction of the extended protocol. */
  sync(): Promise<void>;
  /** An error was reported in the extended protocol: the session marks its transaction failed. */
  failed(error: EngineError): void;

  /** A CancelRequest with this session's key arrived: stop the running statement with 57014. */
  cancel(): void;
  /** The client went away or sent Terminate: roll back and release everything. */
  close(): Promise<void>;
}
