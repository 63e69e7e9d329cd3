import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type HttpServer } from '../../src/ops/observability/http.ts';
import { Metrics } from '../../src/ops/observability/metrics.ts';

let server: HttpServer;
let base: string;
const metrics = new Metrics();

beforeAll(async () => {
  server = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    metrics,
    health: () => ({ nodeId: '0190a5f2-7c3e-7d41-9a6b-2f1e8c4d5b6a', version: '9.9.9', shardsOpen: 16, connections: 3 }),
  });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.close());

/** Sends raw bytes and returns whatever comes back before the server closes the socket. */
function raw(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => socket.end(bytes));
    let reply = '';
    socket.on('data', (chunk) => (reply += chunk.toString()));
    socket.on('close', () => resolve(reply));
    socket.on('error', reject);
  });
}

describe('operations HTTP endpoint', () => {
  it('GET /health answers JSON with node id, uptime, shards open and version', async () => {
    const response = await fetch(`${base}/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = await response.json() as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'ok', nodeId: '0190a5f2-7c3e-7d41-9a6b-2f1e8c4d5b6a', shardsOpen: 16, version: '9.9.9', connections: 3 });
    expect(body.uptimeSeconds).toBeTypeOf('number');
  });

  it('GET /metrics answers the Prometheus exposition', async () => {
    metrics.setConnections(5);
    const response = await fetch(`${base}/metrics?x=1`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await response.text();
    expect(body).toContain('scratchbird_connections 5');
    expect(body).toContain('scratchbird_queries_total');
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`)).status).toBe(404);
    const post = await fetch(`${base}/health`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const head = await fetch(`${base}/health`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('survives malformed requests', async () => {
    expect(await raw('NOT HTTP AT ALL\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw('GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw('\u0000\u00ff\u0001garbage\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it('reports a port already in use clearly', async () => {
    await expect(startHttpServer({ host: '127.0.0.1', port: server.port, metrics, health: () => ({ nodeId: 'x', version: 'x', shardsOpen: 0 }) }))
      .rejects.toMatchObject({ message: expect.stringContaining(`could not listen for HTTP on 127.0.0.1:${server.port}`), hint: expect.stringContaining('--http-port') });
  });
});
