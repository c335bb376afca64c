/**
 * A small Prometheus registry: counters, gauges (set, or read at scrape time)
 * and histograms with labels, rendered in the text exposition format (0.0.4).
 * Hand-written rather than prom-client: this is all the services need, and it
 * adds no dependency. Each server has its own registry, so the embedded mode's
 * seven services in one process each report only themselves.
 *
 * Label values must never be personal data (no identities, addresses or
 * variables): `/metrics` has no authentication of its own.
 */
export type Labels = Record<string, string>;

/** Past this many label combinations a metric folds new ones into `other`, so a client cannot blow up the series count. */
const MAX_SERIES = 500;

export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export type Counter = { inc(labels?: Labels, by?: number): void };
export type Gauge = { set(value: number, labels?: Labels): void };
export type Histogram = { observe(seconds: number, labels?: Labels): void };
/** A value read when scraped (an open-connection count, a database query); may resolve several labelled samples. */
export type GaugeReader = () => number | readonly GaugeSample[] | Promise<number | readonly GaugeSample[]>;
export type GaugeSample = { labels?: Labels; value: number };

type Series = { labels: Labels; value: number; buckets?: number[]; sum?: number };
type Metric = {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  series: Map<string, Series>;
  bucketBounds?: readonly number[];
  read?: GaugeReader;
};

export type MetricsRegistry = {
  counter(name: string, help: string): Counter;
  gauge(name: string, help: string): Gauge;
  /** A gauge whose value is read at every scrape; a reader that fails reports nothing for that scrape. */
  gaugeReader(name: string, help: string, read: GaugeReader): void;
  /** A counter kept elsewhere (a total since start), read at every scrape like a gaugeReader. */
  counterReader(name: string, help: string, read: GaugeReader): void;
  histogram(name: string, help: string, buckets?: readonly number[]): Histogram;
  /** The text exposition of every metric. */
  render(): Promise<string>;
};

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function createMetricsRegistry(): MetricsRegistry {
  const metrics = new Map<string, Metric>();
  const define = (name: string, help: string, type: Metric['type'], extra: Partial<Metric> = {}): Metric => {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new Error(`invalid metric name ${name}`);
    if (metrics.has(name)) throw new Error(`metric ${name} is defined twice`);
    const metric: Metric = { name, help, type, series: new Map(), ...extra };
    metrics.set(name, metric);
    return metric;
  };
  const seriesOf = (metric: Metric, labels: Labels): Series => {
    let key = labelKey(labels);
    let series = metric.series.get(key);
    if (series) return series;
    let kept = labels;
    if (metric.series.size >= MAX_SERIES) {
      kept = Object.fromEntries(Object.keys(labels).map((label) => [label, 'other']));
      key = labelKey(kept);
      series = metric.series.get(key);
      if (series) return series;
    }
    series = { labels: kept, value: 0 };
    if (metric.bucketBounds) {
      series.buckets = metric.bucketBounds.map(() => 0);
      series.sum = 0;
    }
    metric.series.set(key, series);
    return series;
  };

  return {
    counter(name, help) {
      const metric = define(name, help, 'counter');
      return {
        inc: (labels = {}, by = 1) => {
          seriesOf(metric, labels).value += by;
        },
      };
    },
    gauge(name, help) {
      const metric = define(name, help, 'gauge');
      return {
        set: (value, labels = {}) => {
          seriesOf(metric, labels).value = value;
        },
      };
    },
    gaugeReader(name, help, read) {
      define(name, help, 'gauge', { read });
    },
    counterReader(name, help, read) {
      define(name, help, 'counter', { read });
    },
    histogram(name, help, buckets = DEFAULT_BUCKETS) {
      const metric = define(name, help, 'histogram', { bucketBounds: [...buckets].sort((a, b) => a - b) });
      return {
        observe: (seconds, labels = {}) => {
          const series = seriesOf(metric, labels);
          series.value += 1;
          series.sum = (series.sum ?? 0) + seconds;
          const bounds = metric.bucketBounds ?? [];
          for (let i = 0; i < bounds.length; i++) if (seconds <= (bounds[i] ?? 0)) series.buckets![i]! += 1;
        },
      };
    },
    async render() {
      const blocks = await Promise.all([...metrics.values()].map(renderMetric));
      return blocks.join('');
    },
  };
}

async function renderMetric(metric: Metric): Promise<string> {
  let lines = `# HELP ${metric.name} ${metric.help.replaceAll('\\', '\\\\').replaceAll('\n', '\\n')}\n# TYPE ${metric.name} ${metric.type}\n`;
  if (metric.read) {
    let samples: readonly GaugeSample[];
    try {
      const value = await metric.read();
      samples = typeof value === 'number' ? [{ value }] : value;
    } catch {
      return lines;
    }
    for (const sample of samples) lines += `${metric.name}${labelText(sample.labels ?? {})} ${number(sample.value)}\n`;
    return lines;
  }
  for (const series of metric.series.values()) {
    if (metric.type !== 'histogram') {
      lines += `${metric.name}${labelText(series.labels)} ${number(series.value)}\n`;
      continue;
    }
    // Buckets are counted per bound above; the exposition wants them cumulative, which they already are (<= bound).
    const bounds = metric.bucketBounds ?? [];
    for (let i = 0; i < bounds.length; i++) {
      lines += `${metric.name}_bucket${labelText({ ...series.labels, le: number(bounds[i] ?? 0) })} ${series.buckets?.[i] ?? 0}\n`;
    }
    lines += `${metric.name}_bucket${labelText({ ...series.labels, le: '+Inf' })} ${series.value}\n`;
    lines += `${metric.name}_sum${labelText(series.labels)} ${number(series.sum ?? 0)}\n`;
    lines += `${metric.name}_count${labelText(series.labels)} ${series.value}\n`;
  }
  return lines;
}

/** The series key of a label set: entries in name order. A plain comparison: localeCompare (ICU) showed up in profiles, at three calls a request. */
function labelKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  const escaped = entries.map(
    ([name, value]) => `${name}="${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`,
  );
  return `{${escaped.join(',')}}`;
}

function number(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}
