import { describe, expect, it } from 'vitest';
import { Metrics } from '../../src/ops/observability/metrics.ts';

function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Metrics', () => {
  it('exposes every ScratchBird metric in the Prometheus text format', async () => {
    const { contentType, body } = await new Metrics().exposition();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      'scratchbird_queries_total', 'scratchbird_query_duration_seconds', 'scratchbird_active_queries',
      'scratchbird_transactions_started_total', 'scratchbird_transactions_committed_total',
      'scratchbird_transactions_rolled_back_total', 'scratchbird_connections',
    ]) expect(body).toContain(`# TYPE ${name} `);
    expect(body).toContain('# TYPE scratchbird_query_duration_seconds histogram');
    expect(body).toContain('process_cpu_seconds_total'); // prom-client's default process metrics
  });

  it('counts queries by type and outcome, and their durations in buckets from 100µs to 10s', async () => {
    const metrics = new Metrics({ processMetrics: false });
    metrics.queryStarted();
    metrics.queryFinished('select', 'ok', 0.00004);
    metrics.queryStarted();
    metrics.queryFinished('select', 'ok', 0.003);
    metrics.queryStarted();
    metrics.queryFinished('insert', 'error', 42);
    metrics.queryStarted(); // still running
    const { body } = await metrics.exposition();
    expect(sample(body, 'scratchbird_queries_total{type="select",status="ok"}')).toBe(2);
    expect(sample(body, 'scratchbird_queries_total{type="insert",status="error"}')).toBe(1);
    expect(sample(body, 'scratchbird_queries_total{type="ddl",status="ok"}')).toBe(0);
    expect(sample(body, 'scratchbird_active_queries')).toBe(1);
    expect(sample(body, 'scratchbird_query_duration_seconds_bucket{le="0.0001",type="select"}')).toBe(1);
    expect(sample(body, 'scratchbird_query_duration_seconds_bucket{le="0.0025",type="select"}')).toBe(1);
    expect(sample(body, 'scratchbird_query_duration_seconds_bucket{le="0.005",type="select"}')).toBe(2);
    expect(sample(body, 'scratchbird_query_duration_seconds_bucket{le="10",type="insert"}')).toBe(0);
    expect(sample(body, 'scratchbird_query_duration_seconds_bucket{le="+Inf",type="insert"}')).toBe(1);
    expect(sample(body, 'scratchbird_query_duration_seconds_count{type="select"}')).toBe(2);
    expect(sample(body, 'scratchbird_query_duration_seconds_sum{type="select"}')).toBeCloseTo(0.00304, 10);
  });

  it('counts transactions and reports the connection count', async () => {
    const metrics = new Metrics({ processMetrics: false });
    for (let i = 0; i < 3; i++) metrics.transactionStarted();
    metrics.transactionCommitted();
    metrics.transactionCommitted();
    metrics.transactionRolledBack();
    metrics.setConnections(7);
    const { body } = await metrics.exposition();
    expect(sample(body, 'scratchbird_transactions_started_total')).toBe(3);
    expect(sample(body, 'scratchbird_transactions_committed_total')).toBe(2);
    expect(sample(body, 'scratchbird_transactions_rolled_back_total')).toBe(1);
    expect(sample(body, 'scratchbird_connections')).toBe(7);
    // A second scrape reports the same totals: counters are not double-counted.
    expect(sample((await metrics.exposition()).body, 'scratchbird_transactions_started_total')).toBe(3);
  });

  it('keeps two nodes in one process apart', async () => {
    const a = new Metrics({ processMetrics: false });
    const b = new Metrics({ processMetrics: false });
    a.setConnections(1);
    b.setConnections(2);
    expect(sample((await a.exposition()).body, 'scratchbird_connections')).toBe(1);
    expect(sample((await b.exposition()).body, 'scratchbird_connections')).toBe(2);
  });
});
