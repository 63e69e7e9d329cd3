/**
 * The node's operations endpoint: `GET /health` (JSON) for load balancers and orchestrators,
 * `GET /metrics` (Prometheus text) for scrapers. Nothing else is served; whatever a client
 * sends gets an HTTP answer or a closed socket, never an exception in the process.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EngineError, SqlState } from '../../engine/errors.ts';
import type { Metrics } from './metrics.ts';

/** What the node reports about itself; `/health` adds its uptime. */
export interface HealthReport {
  readonly nodeId: string;
  readonly version: string;
  readonly shardsOpen: number;
  readonly [field: string]: unknown;
}

export interface HttpServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly health: () => HealthReport;
  readonly metrics: Metrics;
}

export interface HttpServer {
  readonly port: number;
  /** Stops listening and drops open connections (keep-alive scrapers included). */
  close(): Promise<void>;
}

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const startedAt = performance.now();
  const server = createServer((request, response) => {
    respond(request, response, options, startedAt).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', `internal error: ${(error as Error).message}\n`);
      else response.destroy();
    });
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  await listen(server, options.host, options.port);
  return {
    port: (server.address() as AddressInfo).port,
    close: () => closeServer(server),
  };
}

async function respond(request: IncomingMessage, response: ServerResponse, options: HttpServerOptions, startedAt: number): Promise<void> {
  const path = (request.url ?? '').split('?', 1)[0];
  if (path !== '/health' && path !== '/metrics') {
    send(response, 404, 'text/plain; charset=utf-8', 'not found: try /health or /metrics\n');
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    send(response, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    return;
  }
  if (path === '/health') {
    const report = {
      status: 'ok',
      uptimeSeconds: Math.round((performance.now() - startedAt) / 1000),
      ...options.health(),
    };
    send(response, 200, 'application/json', `${JSON.stringify(report)}\n`);
    return;
  }
  const { contentType, body } = await options.metrics.exposition();
  send(response, 200, contentType, body);
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(new EngineError(SqlState.systemError, `could not listen for HTTP on ${host}:${port}: ${error.message}`, {
        cause: error,
        hint: error.code === 'EADDRINUSE' ? 'Is another node already running there? Choose another port with --http-port.' : undefined,
      }));
    });
    server.listen({ host, port }, () => resolve());
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
