/**
 * A Prometheus scrape of a started node: GET /metrics must be valid text exposition format from
 * the first line to the last, with the families an operator graphs, and must move with traffic.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveNodeConfig } from '../../src/node/config.ts';
import { startNode, type RunningNode } from '../../src/node/node.ts';
import { createLogger } from '../../src/ops/observability/logger.ts';
import { parsePrometheusText, type PrometheusFamily } from '../../test/support/prometheus-text.ts';

let node: RunningNode;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sb-prometheus-'));
  const config = resolveNodeConfig({ flags: { data: dataDir, host: '127.0.0.1', port: '0', 'http-port': '0', shards: '2', tls: 'off' }, env: {}, cwd: dataDir });
  node = await startNode(config, { logger: createLogger({ level: 'silent' }) });
});

afterAll(async () => {
  await node?.stop();
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
});

async function scrape(): Promise<{ contentType: string | null; families: Map<string, PrometheusFamily> }> {
  const response = await fetch(`http://127.0.0.1:${node.httpPort}/metrics`);
  expect(response.status).toBe(200);
  return { contentType: response.headers.get('content-type'), families: parsePrometheusText(await response.text()) };
}

function total(family: PrometheusFamily | undefined): number {
  return (family?.samples ?? []).reduce((sum, sample) => sum + sample.value, 0);
}

describe('GET /metrics', () => {
  it('is Prometheus text format that parses strictly, with HELP and TYPE for every family', async () => {
    const { contentType, families } = await scrape();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(families.size).toBeGreaterThan(5);
    for (const family of families.values()) expect(family.help, family.name).toBeTruthy();
    expect(families.get('scratchbird_queries_total')?.type).toBe('counter');
    expect(families.get('scratchbird_connections')?.type).toBe('gauge');
    // A histogram with no observations yet (say, GC durations before the first GC) has no samples.
    const histograms = [...families.values()].filter((family) => family.type === 'histogram' && family.samples.length > 0);
    expect(histograms.length).toBeGreaterThan(0);
    for (const histogram of histograms) expect(histogram.samples.some((sample) => sample.labels.le === '+Inf'), histogram.name).toBe(true);
  });

  it('counts the queries clients run and the connections they hold', async () => {
    const before = (await scrape()).families;
    const client = new pg.Client({ host: '127.0.0.1', port: node.pgPort, user: 'postgres', database: 'postgres' });
    await client.connect();
    try {
      for (let i = 0; i < 25; i++) await client.query('SELECT $1::int AS n', [i]);
      const during = (await scrape()).families;
      const queries = (families: Map<string, PrometheusFamily>) => total(families.get('scratchbird_queries_total'));
      expect(queries(during) - queries(before)).toBeGreaterThanOrEqual(25);
      expect(total(during.get('scratchbird_connections'))).toBe(1);
    } finally {
      await client.end();
    }
  });
});
