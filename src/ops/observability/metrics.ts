/**
 * The node's Prometheus metrics, on a registry of their own (so tests and several nodes in one
 * process never collide in prom-client's global registry).
 *
 * The hot path only bumps plain numbers: prom-client hashes label values into a string on
 * every `inc`/`observe`, even through a `labels()` child, which costs more than the rest of a
 * cheap point query's bookkeeping. The counters and gauges copy those numbers in through
 * prom-client's `collect` hook at scrape time; the duration histogram is a small collector of
 * our own that hands prom-client finished bucket counts to format.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry, type Metric, type MetricValueWithName } from 'prom-client';

/** How a statement is counted: the `type` label of the query metrics. */
export const STATEMENT_KINDS = ['select', 'insert', 'update', 'delete', 'ddl', 'utility', 'copy'] as const;
export type StatementKind = (typeof STATEMENT_KINDS)[number];
export type QueryStatus = 'ok' | 'error';

/** Upper bounds in seconds, 100 µs to 10 s: a point query lands in the first buckets, a slow
 * scan or COPY in the last. */
export const QUERY_DURATION_BUCKETS: readonly number[] = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** One statement kind's tallies. */
interface KindTally {
  ok: number;
  error: number;
  /** Non-cumulative: `buckets[i]` counts durations in (bound[i-1], bound[i]]; the last slot is +Inf. */
  readonly buckets: Float64Array;
  sum: number;
}

export interface MetricsOptions {
  /** prom-client's process metrics (CPU, memory, event loop lag, GC, handles); default true. */
  readonly processMetrics?: boolean;
}

export class Metrics {
  private readonly registry = new Registry();
  private readonly kinds: Record<StatementKind, KindTally>;
  private activeQueries = 0;
  private transactionsStarted = 0;
  private transactionsCommitted = 0;
  private transactionsRolledBack = 0;
  private connections = 0;

  constructor(options: MetricsOptions = {}) {
    const kinds = {} as Record<StatementKind, KindTally>;
    for (const kind of STATEMENT_KINDS) kinds[kind] = { ok: 0, error: 0, buckets: new Float64Array(QUERY_DURATION_BUCKETS.length + 1), sum: 0 };
    this.kinds = kinds;
    this.register();
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  queryStarted(): void {
    this.activeQueries++;
  }

  /** A statement ended (pair it with `queryStarted`): counts it and records its duration. */
  queryFinished(kind: StatementKind, status: QueryStatus, seconds: number): void {
    this.activeQueries--;
    const tally = this.kinds[kind];
    if (status === 'ok') tally.ok++;
    else tally.error++;
    tally.buckets[bucketIndex(seconds)]++;
    tally.sum += seconds;
  }

  transactionStarted(): void {
    this.transactionsStarted++;
  }

  transactionCommitted(): void {
    this.transactionsCommitted++;
  }

  transactionRolledBack(): void {
    this.transactionsRolledBack++;
  }

  setConnections(count: number): void {
    this.connections = count;
  }

  /** The Prometheus text exposition of every metric, with its Content-Type. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private register(): void {
    const registers = [this.registry];
    const kinds = this.kinds;
    new Counter({
      name: 'scratchbird_queries_total',
      help: 'Statements executed, by statement type and outcome.',
      labelNames: ['type', 'status'] as const,
      registers,
      collect() {
        this.reset();
        for (const kind of STATEMENT_KINDS) {
          this.inc({ type: kind, status: 'ok' }, kinds[kind].ok);
          this.inc({ type: kind, status: 'error' }, kinds[kind].error);
        }
      },
    });
    this.registry.registerMetric(durationHistogram(kinds) as unknown as Metric);
    const gauge = (name: string, help: string, read: () => number) => new Gauge({ name, help, registers, collect() { this.set(read()); } });
    const counter = (name: string, help: string, read: () => number) => new Counter({
      name, help, registers,
      collect() {
        this.reset();
        this.inc(read());
      },
    });
    gauge('scratchbird_active_queries', 'Statements running now.', () => this.activeQueries);
    gauge('scratchbird_connections', 'Client connections open now.', () => this.connections);
    counter('scratchbird_transactions_started_total', 'Transactions begun, explicit and implicit.', () => this.transactionsStarted);
    counter('scratchbird_transactions_committed_total', 'Transactions committed.', () => this.transactionsCommitted);
    counter('scratchbird_transactions_rolled_back_total', 'Transactions rolled back, by the client or after an error.', () => this.transactionsRolledBack);
  }
}

function bucketIndex(seconds: number): number {
  let i = 0;
  while (i < QUERY_DURATION_BUCKETS.length && seconds > QUERY_DURATION_BUCKETS[i]) i++;
  return i;
}

const BUCKET_LABELS = [...QUERY_DURATION_BUCKETS.map(String), '+Inf'];

/**
 * `scratchbird_query_duration_seconds` as a collector prom-client's registry can format: the
 * registry only needs a name and `get()` returning the values, which is the shape its own
 * histogram produces (cumulative `_bucket` lines per `le`, then `_sum` and `_count`).
 */
function durationHistogram(kinds: Record<StatementKind, KindTally>) {
  const name = 'scratchbird_query_duration_seconds';
  const help = 'Statement execution time in seconds, by statement type.';
  const base = { name, help, type: 'histogram' as const, aggregator: 'sum' as const };
  return {
    ...base,
    async get(): Promise<typeof base & { values: MetricValueWithName<'type' | 'le'>[] }> {
      const values: MetricValueWithName<'type' | 'le'>[] = [];
      for (const type of STATEMENT_KINDS) {
        const tally = kinds[type];
        let cumulative = 0;
        for (let i = 0; i < tally.buckets.length; i++) {
          cumulative += tally.buckets[i];
          values.push({ metricName: `${name}_bucket`, labels: { le: BUCKET_LABELS[i], type }, value: cumulative });
        }
        values.push({ metricName: `${name}_sum`, labels: { type }, value: tally.sum });
        values.push({ metricName: `${name}_count`, labels: { type }, value: cumulative });
      }
      return { ...base, values };
    },
  };
}
