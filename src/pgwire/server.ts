/**
 * The PostgreSQL wire protocol server: listens on TCP, gives each client a Connection, and on
 * close ends every connection with FATAL 57P01 and waits for their sessions to close.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { createSecureContext } from 'node:tls';
import type { QueryEngine } from '../session/contract.ts';
import { CancelKeys } from './cancel.ts';
import { Connection, type ConnectionContext } from './connection.ts';
import { SILENT_LOGGER, type PgServerLogger } from './logger.ts';

export interface PgServerOptions {
  readonly host: string;
  /** 0 picks a free port; `PgServer.port` tells which. */
  readonly port: number;
  readonly engine: QueryEngine;
  /** PEM certificate and key; without them SSLRequest is answered 'N'. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** Clients served at once; one more gets FATAL 53300. Default: no limit. */
  readonly maxConnections?: number;
  readonly logger?: PgServerLogger;
  /** Called with the number of clients whenever it changes (for a connections gauge). */
  readonly onConnectionCountChange?: (connections: number) => void;
  /**
   * Secret behind the made-up SCRAM salts of unknown roles, at least 16 bytes. It should be
   * kept across restarts (a new one changes those salts, which tells a prober the role does not
   * exist); default: 32 random bytes per server.
   */
  readonly scramMockSecret?: Uint8Array;
  /** Time from connecting to a usable session (PostgreSQL's authentication_timeout). Default 60 s. */
  readonly authenticationTimeoutMs?: number;
}

export interface PgServer {
  /** The port listened on. */
  readonly port: number;
  /** Clients connected now (from their StartupMessage until they leave). */
  connections(): number;
  /** Stops listening, ends every connection with FATAL 57P01 and waits until their sessions are closed. */
  close(): Promise<void>;
}

const DEFAULT_AUTHENTICATION_TIMEOUT_MS = 60_000;
/** Room for a burst of connection attempts (1,000 clients starting at once) before the kernel
 * drops SYNs and clients wait a second to retry. */
const LISTEN_BACKLOG = 2048;

export async function startPgServer(options: PgServerOptions): Promise<PgServer> {
  const logger = options.logger ?? SILENT_LOGGER;
  const maxConnections = options.maxConnections ?? Infinity;
  const open = new Set<Connection>();
  let clients = 0;
  let closing: Promise<void> | null = null;

  const countChanged = (): void => {
    try {
      options.onConnectionCountChange?.(clients);
    } catch (error) {
      logger.error({ err: error }, 'onConnectionCountChange failed');
    }
  };

  const context: ConnectionContext = {
    engine: options.engine,
    logger,
    secureContext: options.tls === undefined ? undefined : createSecureContext({ cert: options.tls.cert, key: options.tls.key }),
    scramMockSecret: options.scramMockSecret ?? randomBytes(32),
    cancelKeys: new CancelKeys(),
    authenticationTimeoutMs: options.authenticationTimeoutMs ?? DEFAULT_AUTHENTICATION_TIMEOUT_MS,
    admit: () => {
      if (clients >= maxConnections) return false;
      clients++;
      countChanged();
      return true;
    },
    release: () => {
      clients--;
      countChanged();
    },
  };

  const server = createServer({ noDelay: true, keepAlive: true }, (socket: Socket) => {
    if (closing !== null) {
      socket.destroy();
      return;
    }
    const connection = new Connection(socket, context);
    open.add(connection);
    void connection.done.then(() => open.delete(connection));
  });
  server.on('error', (error) => logger.error({ err: error }, 'pg wire server error'));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host, port: options.port, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('pg wire server: no TCP address after listen');
  logger.info({ host: options.host, port: address.port, tls: options.tls !== undefined }, 'pg wire server listening');

  return {
    port: address.port,
    connections: () => clients,
    close: () => {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        const connections = [...open];
        for (const connection of connections) connection.terminate();
        await Promise.all(connections.map((connection) => connection.done));
        await stopped;
        logger.info({ port: address.port }, 'pg wire server closed');
      })();
      return closing;
    },
  };
}
