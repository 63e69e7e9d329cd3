/**
 * One client connection, from the first byte to the close: the startup phase (startup.ts),
 * authentication (authentication.ts), then the query loop, which answers the simple and the
 * extended protocol by calling the Session, one call at a time, in the order the messages came.
 *
 * Errors follow PostgreSQL: an error in a Query message is reported and followed by
 * ReadyForQuery; an error in an extended-protocol message is reported and every message up to
 * the next Sync is skipped; a fatal error (a broken message frame, a session error marked fatal,
 * a lost client, shutdown, the idle-in-transaction timeout) is reported as FATAL and ends the
 * connection. Whatever happens, `run` settles normally and the session is closed.
 */
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import { EngineError, SqlState } from '../engine/errors.ts';
import type { QueryEngine, Session, TransactionState } from '../session/contract.ts';
import { authenticate } from './authentication.ts';
import type { TransactionStatus } from './backend.ts';
import type { BackendKey, CancelKeys } from './cancel.ts';
import { adminShutdown, asEngineError, errorFields, fatalProtocolViolation } from './error-fields.ts';
import { ProtocolViolation, type RegularMessage } from './frontend.ts';
import { MessageSource, type Interruption } from './input.ts';
import type { PgServerLogger } from './logger.ts';
import { ConnectionOutput } from './output.ts';
import { fieldDescriptions, sqlTypeOid } from './result-encoder.ts';
import { WireResultSink } from './result-sink.ts';
import { connectionInfo, negotiateProtocol, readStartupMessage } from './startup.ts';

/** What a connection needs from its server. */
export interface ConnectionContext {
  readonly engine: QueryEngine;
  readonly logger: PgServerLogger;
  readonly secureContext: SecureContext | undefined;
  readonly scramMockSecret: Uint8Array;
  readonly cancelKeys: CancelKeys;
  /** How long a client may take from connecting to its session being open. */
  readonly authenticationTimeoutMs: number;
  /** Counts a client that sent a StartupMessage in; false when the server is full. */
  admit(): boolean;
  /** The admitted client has gone. */
  release(): void;
}

/** Messages whose errors make the connection skip to the next Sync. */
const EXTENDED_MESSAGES: ReadonlySet<RegularMessage['type']> = new Set(['Parse', 'Bind', 'Describe', 'Execute', 'Close', 'Flush']);
/** Messages answered with ReadyForQuery. */
const READY_AFTER: ReadonlySet<RegularMessage['type']> = new Set(['Query', 'Sync', 'FunctionCall']);

/** A message the reader could not decode but skipped whole; its type tells how to go on. */
type MalformedMessage = ProtocolViolation & { readonly messageType: RegularMessage['type'] };
/** setTimeout's limit; PostgreSQL's timeouts stop at INT_MAX milliseconds too. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

const READY_STATUS: Record<TransactionState, TransactionStatus> = { idle: 'I', 'in transaction': 'T', failed: 'E' };

export class Connection {
  /** Settles (never rejects) when the connection is closed and its session with it. */
  readonly done: Promise<void>;
  private socket: Socket;
  private readonly input = new MessageSource();
  private readonly output: ConnectionOutput;
  private session: Session | null = null;
  private key: BackendKey | null = null;
  private admitted = false;
  /** Set by `terminate`: the FATAL error that ends the connection at the next opportunity. */
  private terminating: EngineError | null = null;
  private readonly remoteAddress: string;

  constructor(
    socket: Socket,
    private readonly context: ConnectionContext,
  ) {
    this.socket = socket;
    this.remoteAddress = socket.remoteAddress ?? '';
    this.output = new ConnectionOutput(socket);
    this.watchErrors(socket);
    this.input.attach(socket);
    // run() catches everything it can foresee; only a throwing logger could get past it.
    this.done = this.run().catch((error: unknown) => context.logger.error({ err: error }, 'connection failed'));
  }

  /** Ends the connection with FATAL 57P01 (server shutdown): at once when it waits for the
   * client, after cancelling the running statement otherwise. */
  terminate(): void {
    if (this.terminating !== null) return;
    this.terminating = adminShutdown();
    this.input.interrupt();
    this.output.stopWaiting();
    this.cancel();
  }

  /** A CancelRequest with this connection's key. */
  cancel(): void {
    try {
      this.session?.cancel();
    } catch (error) {
      this.context.logger.error({ err: error }, 'session.cancel failed');
    }
  }

  private async run(): Promise<void> {
    let fatal: EngineError | null = null;
    try {
      const session = await this.open();
      if (session !== null) fatal = await this.serve(session);
    } catch (error) {
      fatal = asEngineError(error, this.context.logger);
      this.context.logger.debug({ err: fatal, remoteAddress: this.remoteAddress }, 'connection ended by an error');
    }
    await this.close(fatal ?? this.terminating);
  }

  /** Startup and authentication; the open session, or null when the client left first. */
  private async open(): Promise<Session | null> {
    const { context } = this;
    const timer = setTimeout(() => {
      context.logger.debug({ remoteAddress: this.remoteAddress }, 'authentication timed out');
      this.socket.destroy();
    }, context.authenticationTimeoutMs);
    try {
      const startup = await readStartupMessage({
        input: this.input,
        output: this.output,
        logger: context.logger,
        cancelKeys: context.cancelKeys,
        tlsAvailable: context.secureContext !== undefined,
        startTls: () => this.startTls(),
      });
      if (startup === null) return null;
      const info = connectionInfo(startup, this.remoteAddress, this.socket instanceof TLSSocket);
      negotiateProtocol(startup, this.output);
      if (!context.admit()) throw new EngineError(SqlState.tooManyConnections, 'sorry, too many clients already', { fatal: true });
      this.admitted = true;
      const method = context.engine.authenticationFor(info);
      const link = { input: this.input, output: this.output, logger: context.logger, scramMockSecret: context.scramMockSecret };
      if (!(await authenticate(link, info, method))) return null;
      if (this.terminating !== null) return null;
      const session = context.engine.openSession(info);
      this.session = session;
      this.key = context.cancelKeys.register(this);
      const writer = this.output.writer;
      for (const [name, value] of session.initialParameters()) writer.parameterStatus(name, value);
      writer.backendKeyData(this.key.processId, this.key.secretKey);
      context.logger.debug({ user: info.user, database: info.database, remoteAddress: info.remoteAddress, processId: this.key.processId }, 'session opened');
      return session;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Upgrades the socket to TLS after answering 'S' on it; runs between two reads, so no byte
   * can reach the plain socket's reader meanwhile. */
  private startTls(): void {
    const plain = this.socket;
    this.input.detach();
    this.output.writer.encryptionResponse(true);
    this.output.flush();
    const secure = new TLSSocket(plain, { isServer: true, secureContext: this.context.secureContext });
    this.watchErrors(secure);
    this.socket = secure;
    this.output.switchTo(secure);
    this.input.attach(secure);
  }

  private watchErrors(socket: Socket): void {
    socket.on('error', (error) => this.context.logger.debug({ err: error, remoteAddress: this.remoteAddress }, 'client socket error'));
  }

  /**
   * The query loop. Returns the FATAL error that ends the connection, or null when the client
   * terminated or went away.
   */
  private async serve(session: Session): Promise<EngineError | null> {
    let skippingToSync = false;
    let idleTimeout = this.readyForQuery(session);
    for (;;) {
      // A client that does not read its results is not read from either.
      if (this.output.congested) await this.output.drained();
      const next = await this.nextMessage(idleTimeout);
      idleTimeout = 0;
      if (next === 'eof') return null;
      if (next === 'interrupted') return this.terminating;
      if (next === 'timeout') {
        return new EngineError(SqlState.idleInTransactionSessionTimeout, 'terminating connection due to idle-in-transaction timeout', { fatal: true });
      }
      const type = next instanceof ProtocolViolation ? next.messageType : next.type;
      if (type === 'Terminate') return null;
      if (skippingToSync && type !== 'Sync') continue;
      skippingToSync = false;
      let error: unknown = next instanceof ProtocolViolation ? next : null;
      if (!(next instanceof ProtocolViolation)) {
        try {
          await this.dispatch(session, next);
        } catch (thrown) {
          error = thrown;
        }
      }
      if (this.terminating !== null) return this.terminating;
      if (error !== null) {
        const extended = EXTENDED_MESSAGES.has(type);
        const fatal = this.report(session, error, extended);
        if (fatal !== null) return fatal;
        skippingToSync = extended;
      }
      if ((error !== null && !skippingToSync) || READY_AFTER.has(type)) idleTimeout = this.readyForQuery(session);
    }
  }

  /** The next message, or the non-fatal violation a malformed one became (a fatal one throws). */
  private async nextMessage(timeoutMs: number): Promise<RegularMessage | Interruption | MalformedMessage> {
    try {
      return await this.input.nextRegular(timeoutMs);
    } catch (error) {
      if (error instanceof ProtocolViolation && !error.fatal && error.messageType !== undefined) return error as MalformedMessage;
      throw error;
    }
  }

  /** Answers one message (Terminate never gets here); errors are thrown, for `serve` to report. */
  private async dispatch(session: Session, message: RegularMessage): Promise<void> {
    const { input, output } = this;
    const writer = output.writer;
    switch (message.type) {
      case 'Query':
        await session.simpleQuery(message.sql, WireResultSink.forSimpleQuery(output, input, session.output));
        break;
      case 'Parse':
        session.parse(message.statement, message.sql, message.paramTypes);
        writer.parseComplete();
        break;
      case 'Bind':
        session.bind(message.portal, message.statement, message.paramFormats, message.params, message.resultFormats);
        writer.bindComplete();
        break;
      case 'Describe':
        if (message.target === 'S') {
          const description = session.describeStatement(message.name);
          writer.parameterDescription(description.parameterTypes.map(sqlTypeOid));
          if (description.columns === null) writer.noData();
          else writer.rowDescription(fieldDescriptions(description.columns, []));
        } else {
          const { columns, formats } = session.describePortal(message.name);
          if (columns === null) writer.noData();
          else writer.rowDescription(fieldDescriptions(columns, formats));
        }
        break;
      case 'Execute': {
        const { columns, formats } = session.describePortal(message.portal);
        const sink = WireResultSink.forPortal(output, input, session.output, columns, formats);
        if ((await session.execute(message.portal, message.maxRows, sink)) === 'suspended') writer.portalSuspended();
        break;
      }
      case 'Close':
        if (message.target === 'S') session.closeStatement(message.name);
        else session.closePortal(message.name);
        writer.closeComplete();
        break;
      case 'Sync':
        await session.sync();
        break;
      case 'Flush':
        output.flush();
        break;
      case 'FunctionCall':
        throw new EngineError(SqlState.featureNotSupported, 'fast-path function calls are not supported', {
          hint: 'Call the function in a query instead.',
        });
      case 'CopyData':
      case 'CopyDone':
      case 'CopyFail':
        // Left over from a COPY that failed; PostgreSQL ignores them too.
        break;
      case 'PasswordMessage':
        throw fatalProtocolViolation('invalid frontend message type 112');
    }
  }

  /**
   * Sends an error as ERROR and flushes (as PostgreSQL does, so the client learns of it even
   * while it waits for something else); an extended-protocol error fails the session's
   * transaction. Returns the error instead when it must end the connection.
   */
  private report(session: Session, error: unknown, extended: boolean): EngineError | null {
    const engineError = asEngineError(error, this.context.logger);
    if (engineError.fatal) return engineError;
    this.output.writer.errorResponse(errorFields(engineError, 'ERROR'));
    this.output.flush();
    if (extended) session.failed(engineError);
    return null;
  }

  /** ReadyForQuery with the session's transaction state, flushed. Returns how long the client
   * may now stay silent: idle_in_transaction_session_timeout inside a transaction block. */
  private readyForQuery(session: Session): number {
    const state = session.transactionState();
    this.output.writer.readyForQuery(READY_STATUS[state]);
    this.output.flush();
    if (state === 'idle') return 0;
    let setting: string;
    try {
      setting = session.setting('idle_in_transaction_session_timeout');
    } catch (error) {
      this.context.logger.warn({ err: error }, 'idle_in_transaction_session_timeout cannot be read, so it is not enforced');
      return 0;
    }
    const timeout = Number(setting);
    return Number.isFinite(timeout) && timeout > 0 ? Math.min(timeout, MAX_TIMEOUT_MS) : 0;
  }

  /** Sends the FATAL error if there is one and the client is still there, then closes the
   * socket, the session and the connection's slot. */
  private async close(fatal: EngineError | null): Promise<void> {
    const { writer } = this.output;
    writer.abandonMessage();
    if (fatal !== null && !this.output.lost) writer.errorResponse(errorFields(fatal, 'FATAL'));
    this.output.end();
    this.input.interrupt();
    if (this.key !== null) this.context.cancelKeys.unregister(this.key);
    if (this.session !== null) {
      try {
        await this.session.close();
      } catch (error) {
        this.context.logger.error({ err: error }, 'session.close failed');
      }
    }
    if (this.admitted) this.context.release();
  }
}
