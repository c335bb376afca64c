import { Counter as PromCounter, Gauge as PromGauge, Histogram as PromHistogram, Registry } from 'prom-client';
import { processMetrics } from './process-metrics.ts';

/**
 * Metrics through prom-client, behind the small interface the services use.
 * Each service (the router, each subgraph) has its own Registry, never
 * prom-client's global one: the embedded mode and the tests run several
 * services in one process, and each must report only its own series.
 * What belongs to the process rather than to a service (prom-client's default
 * process and Node.js runtime metrics) lives in one registry per process,
 * collected once however many services start, and is appended to every
 * service's `/metrics`.
 *
 * Label values must never be personal data (no identities, addresses or
 * variables): `/metrics` has no authentication of its own.
 */
export type Labels = Record<string, string>;

/** Past this many label combinations a metric folds new ones into `other`, so a client cannot blow up the series count. */
const MAX_SERIES = 500;

/**
 * Latency buckets (seconds) for whole GraphQL operations, from what bench/results/2026-12-04-routers.md
 * measured through the router under load: a popular page under a burst p50 10 ms / p99 22 ms, light
 * catalogue pages p50 99 ms / p99 204 ms, OrderDetail p50 155 / p99 351 ms, placeOrder on a hot SKU
 * p50 518 / p99 592 ms, heavy staff screens p50 1.5 s / p99 10 s. The buckets are dense from 10 ms to
 * 1 s, where those p50s and p99s fall and where an SLO on page latency is drawn, with 1.5 s for the heavy
 * screens' p50, and sparse beyond.
 */
export const OPERATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2.5, 5, 10, 20];

/**
 * Latency buckets (seconds) for one router→subgraph fetch. A light page of p50 99 ms makes about two
 * subgraph requests (same bench: "subgraph requests per answer" 2.0), each a few to tens of ms under
 * load; one SQL statement takes about a millisecond. Hence dense from 1 ms to 250 ms, with the
 * subgraph timeout range (seconds) kept coarse.
 */
export const FETCH_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10];

export type Counter = { inc(labels?: Labels, by?: number): void };
export type Gauge = { set(value: number, labels?: Labels): void };
export type Histogram = { observe(seconds: number, labels?: Labels): void };
/** A value read when scraped (an open-connection count, a database query); may resolve several labelled samples. */
export type GaugeReader = () => number | readonly GaugeSample[] | Promise<number | readonly GaugeSample[]>;
export type GaugeSample = { labels?: Labels; value: number };

/** The labels a metric's samples carry: prom-client refuses a label it was not told of. */
export type MetricOptions = { labelNames?: readonly string[] };
export type HistogramOptions = MetricOptions & { buckets?: readonly number[] };

export type MetricsRegistry = {
  counter(name: string, help: string, options?: MetricOptions): Counter;
  gauge(name: string, help: string, options?: MetricOptions): Gauge;
  /** A gauge whose value is read at every scrape; a reader that fails reports nothing for that scrape. */
  gaugeReader(name: string, help: string, read: GaugeReader, options?: MetricOptions): void;
  /** A counter kept elsewhere (a total since start), read at every scrape like a gaugeReader. */
  counterReader(name: string, help: string, read: GaugeReader, options?: MetricOptions): void;
  histogram(name: string, help: string, options?: HistogramOptions): Histogram;
  /** The text exposition of this service's metrics followed by the process's. */
  render(): Promise<string>;
  /** The exposition's content type, as prom-client gives it. */
  readonly contentType: string;
};

export { processMetrics };

export function createMetricsRegistry(): MetricsRegistry {
  const register = new Registry();
  const shared = processMetrics();
  const common = (name: string, help: string, labelNames: readonly string[] | undefined) => {
    // prom-client refuses a name twice in one registry; this also refuses one the process registry holds.
    if (shared.getSingleMetric(name)) throw new Error(`metric ${name} is a process metric already`);
    return { name, help, labelNames: [...(labelNames ?? [])], registers: [register] };
  };
  /**
   * A reader's metric answers a scrape with exactly what the reader returned: prom-client would report an
   * unlabelled metric as 0 when nothing is set, and a reader that fails (a database away) must report
   * nothing that scrape rather than a 0 that reads as "no lag", or fail the whole scrape.
   */
  const readAtScrape = (metric: PromGauge | PromCounter, name: string, help: string, read: GaugeReader) => {
    const declared = { name, help, type: metric instanceof PromGauge ? 'gauge' : 'counter', aggregator: 'sum' };
    metric.get = async () => {
      let value: number | readonly GaugeSample[] = [];
      try {
        value = await read();
      } catch {
        // reported without samples
      }
      const samples = typeof value === 'number' ? [{ value }] : value;
      const values = samples.map((sample) => ({ labels: sample.labels ?? {}, value: sample.value }));
      return { ...declared, values } as unknown as Awaited<ReturnType<typeof metric.get>>;
    };
  };

  return {
    counter(name, help, options = {}) {
      const metric = new PromCounter(common(name, help, options.labelNames));
      const bounded = boundedLabels(options.labelNames);
      return { inc: (labels = {}, by = 1) => metric.inc(bounded(labels), by) };
    },
    gauge(name, help, options = {}) {
      const metric = new PromGauge(common(name, help, options.labelNames));
      const bounded = boundedLabels(options.labelNames);
      return { set: (value, labels = {}) => metric.set(bounded(labels), value) };
    },
    gaugeReader(name, help, read, options = {}) {
      readAtScrape(new PromGauge(common(name, help, options.labelNames)), name, help, read);
    },
    counterReader(name, help, read, options = {}) {
      readAtScrape(new PromCounter(common(name, help, options.labelNames)), name, help, read);
    },
    histogram(name, help, options = {}) {
      const buckets = [...(options.buckets ?? OPERATION_BUCKETS)];
      const metric = new PromHistogram({ ...common(name, help, options.labelNames), buckets });
      const bounded = boundedLabels(options.labelNames);
      return { observe: (seconds, labels = {}) => metric.observe(bounded(labels), seconds) };
    },
    async render() {
      return (await register.metrics()) + (await shared.metrics());
    },
    contentType: register.contentType,
  };
}

/** Keeps a metric under MAX_SERIES label sets: once full, a label set not seen before is counted as all `other`. */
function boundedLabels(labelNames: readonly string[] | undefined): (labels: Labels) => Labels {
  if (!labelNames?.length) return (labels) => labels;
  const seen = new Set<string>();
  const other = Object.fromEntries(labelNames.map((label) => [label, 'other']));
  return (labels) => {
    const key = labelNames.map((label) => labels[label]).join('\u0000');
    if (seen.has(key)) return labels;
    if (seen.size >= MAX_SERIES) return other;
    seen.add(key);
    return labels;
  };
}
