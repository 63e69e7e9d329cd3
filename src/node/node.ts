/**
 * One node of the embedded default (ENGINE + COORDINATOR in one process): the database over
 * its shards, the PostgreSQL front door, and the operations HTTP endpoint, with their logs,
 * metrics and TLS certificate, started in that order and stopped in the reverse one.
 */
import { mkdirSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import { openDatabase, type Database } from '../coordinator/database.ts';
import { EngineError, SqlState } from '../engine/errors.ts';
import { createLogger, type Logger } from '../ops/observability/logger.ts';
import { startHttpServer } from '../ops/observability/http.ts';
import { Metrics } from '../ops/observability/metrics.ts';
import { startPgServer } from '../pgwire/server.ts';
import { ensureServerCertificate, loadCertificatePair, type TlsCredentials } from '../security/tls.ts';
import type { NodeConfig } from './config.ts';
import { ensureNodeId } from './node-id.ts';
import { ensureScramMockSecret } from './scram-secret.ts';
import { SCRATCHBIRD_VERSION } from './version.ts';

export interface RunningNode {
  readonly nodeId: string;
  readonly pgPort: number;
  readonly httpPort: number;
  readonly logger: Logger;
  /** Stops accepting, closes the sessions, the database and the HTTP endpoint; safe to call twice. */
  stop(): Promise<void>;
}

export interface StartNodeOptions {
  /** Instead of a logger on stdout at the configured level (tests pass a quiet one). */
  readonly logger?: Logger;
}

interface Listener {
  readonly port: number;
  close(): Promise<void>;
}

export async function startNode(config: NodeConfig, options: StartNodeOptions = {}): Promise<RunningNode> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const nodeId = ensureNodeId(config.dataDir, config.nodeId);
  const logger = (options.logger ?? createLogger({ level: config.logLevel })).child({ nodeId });
  const metrics = new Metrics();
  const tls = await serverCertificate(config, logger);
  const scramMockSecret = ensureScramMockSecret(config.dataDir);
  const addresses = listenAddresses(config.listen);

  // Each step's undo, run in reverse if a later step fails or when the node stops.
  const undo: (() => Promise<void>)[] = [];
  const unwind = async () => {
    for (const step of undo.splice(0).reverse()) await step();
  };
  try {
    const database: Database = await openDatabase({ dataDir: config.dataDir, shardCount: config.shards, auth: config.auth, logger, metrics, nodeId });
    undo.push(() => database.close());

    const connections = addresses.map(() => 0);
    const pgServers = await listenOnEach(addresses, config.port, (host, port, index) => startPgServer({
      host,
      port,
      engine: database,
      ...(tls === undefined ? {} : { tls: { cert: tls.cert, key: tls.key } }),
      maxConnections: config.maxConnections,
      scramMockSecret,
      logger: logger.child({ listener: 'pg' }),
      onConnectionCountChange: (count: number) => {
        connections[index] = count;
        metrics.setConnections(connections.reduce((sum, n) => sum + n, 0));
      },
    }).catch((error: unknown) => {
      throw listenError(error, host, port);
    }));
    undo.push(() => closeAll(pgServers));
    const pgPort = pgServers[0].port; // each pg server logs its own listening line

    const httpServers = await listenOnEach(addresses, config.httpPort, (host, port) => startHttpServer({
      host,
      port,
      metrics,
      health: () => ({ nodeId, version: SCRATCHBIRD_VERSION, shardsOpen: database.shardsOpen(), connections: pgServers.reduce((sum, server) => sum + server.connections(), 0) }),
    }));
    undo.push(() => closeAll(httpServers));
    const httpPort = httpServers[0].port;
    for (const address of addresses) logger.info({ listener: 'http', address, port: httpPort, paths: ['/health', '/metrics'] }, 'serving health and metrics');

    if (config.auth === 'trust-loopback') {
      logger.warn({ auth: config.auth }, 'loopback connections are trusted without a password; use --auth scram-sha-256 to require one from every client');
    }
    logger.info({ version: SCRATCHBIRD_VERSION, dataDir: config.dataDir, shards: config.shards, pgPort, httpPort }, 'node started');

    let stopping: Promise<void> | undefined;
    return {
      nodeId, pgPort, httpPort, logger,
      stop: () => {
        stopping ??= unwind().then(() => logger.info('node stopped'));
        return stopping;
      },
    };
  } catch (error) {
    await unwind();
    throw error;
  }
}

/**
 * Resolves once a SIGINT or SIGTERM has stopped the node. A second signal during the stop exits
 * at once. A process that still has open handles after a clean stop is made to exit, so a
 * lingering timer or socket never keeps a stopped server alive.
 */
export function stopOnSignals(node: RunningNode): Promise<void> {
  return new Promise((resolve, reject) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      process.once('SIGINT', exitNow);
      process.once('SIGTERM', exitNow);
      node.logger.info({ signal }, 'shutting down: no new connections, closing sessions and shards');
      node.stop().then(() => {
        setTimeout(() => process.exit(process.exitCode ?? 0), 5_000).unref();
        resolve();
      }, reject);
    };
    const exitNow = (signal: NodeJS.Signals) => {
      node.logger.warn({ signal }, 'second signal: exiting without finishing the shutdown');
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}

async function serverCertificate(config: NodeConfig, logger: Logger): Promise<TlsCredentials | undefined> {
  const { tls } = config;
  if (tls.mode === 'off') return undefined;
  const credentials = tls.mode === 'files'
    ? loadCertificatePair(tls.certPath, tls.keyPath)
    : await ensureServerCertificate(config.dataDir, { hostnames: certificateNames(config.listen) });
  const details = { certPath: credentials.certPath, fingerprint: credentials.fingerprint, notAfter: credentials.notAfter.toISOString() };
  if (credentials.generated) logger.info(details, 'generated a self-signed TLS certificate; clients that verify the server can name certPath as their root certificate (sslrootcert)');
  if (credentials.notAfter.getTime() < Date.now()) {
    logger.warn(details, tls.mode === 'files'
      ? 'the TLS certificate has expired; clients that verify it will refuse to connect'
      : 'the self-signed TLS certificate has expired; delete its directory to have a new one generated');
  }
  return credentials;
}

/** The names a client may use to reach this node, for the self-signed certificate's SANs. */
function certificateNames(listen: readonly string[]): string[] {
  return [hostname(), ...listen.filter((entry) => entry !== '*' && entry !== 'localhost' && entry !== '0.0.0.0' && entry !== '::')];
}

/**
 * Socket addresses for the listen entries: `localhost` is 127.0.0.1 plus ::1 where the loopback
 * interface has IPv6 (PostgreSQL's listen_addresses = 'localhost' binds both), `*` is every
 * interface (dual-stack :: where IPv6 exists).
 */
function listenAddresses(listen: readonly string[]): string[] {
  const ipv6 = Object.values(networkInterfaces()).some((list) => list?.some((entry) => entry.family === 'IPv6' && entry.internal));
  if (listen.includes('*')) return [ipv6 ? '::' : '0.0.0.0'];
  const addresses = listen.flatMap((entry) => (entry === 'localhost' ? (ipv6 ? ['127.0.0.1', '::1'] : ['127.0.0.1']) : [entry]));
  return [...new Set(addresses.map((address) => (isIP(address) === 6 ? address.toLowerCase() : address)))];
}

/** Starts one listener per address on one port: the first picks it when `port` is 0. If one
 * fails, those already started are closed. */
async function listenOnEach<T extends Listener>(addresses: readonly string[], port: number, start: (host: string, port: number, index: number) => Promise<T>): Promise<T[]> {
  const started: T[] = [];
  try {
    for (const [index, host] of addresses.entries()) started.push(await start(host, index === 0 ? port : started[0].port, index));
    return started;
  } catch (error) {
    await closeAll(started);
    throw error;
  }
}

function listenError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (error instanceof EngineError || code === undefined) return error;
  return new EngineError(SqlState.systemError, `could not listen for PostgreSQL connections on ${host}:${port}: ${(error as Error).message}`, {
    cause: error,
    hint: code === 'EADDRINUSE' ? 'Is another node or PostgreSQL server running on that port? Choose another with --port.'
      : code === 'EADDRNOTAVAIL' ? 'That address is not one of this machine\'s; check --host.'
      : undefined,
  });
}

async function closeAll(listeners: readonly Listener[]): Promise<void> {
  await Promise.all(listeners.map((listener) => listener.close()));
}
