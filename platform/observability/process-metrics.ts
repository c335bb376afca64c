import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { Gauge, Histogram, Registry } from 'prom-client';
import heapSizeAndUsed from 'prom-client/lib/metrics/heapSizeAndUsed.js';
import heapSpacesSizeAndUsed from 'prom-client/lib/metrics/heapSpacesSizeAndUsed.js';
import osMemoryHeap from 'prom-client/lib/metrics/osMemoryHeap.js';
import processCpuTotal from 'prom-client/lib/metrics/processCpuTotal.js';
import processHandles from 'prom-client/lib/metrics/processHandles.js';
import processMaxFileDescriptors from 'prom-client/lib/metrics/processMaxFileDescriptors.js';
import processOpenFileDescriptors from 'prom-client/lib/metrics/processOpenFileDescriptors.js';
import processRequests from 'prom-client/lib/metrics/processRequests.js';
import processResources from 'prom-client/lib/metrics/processResources.js';
import processStartTime from 'prom-client/lib/metrics/processStartTime.js';
import version from 'prom-client/lib/metrics/version.js';

/**
 * The process's own metrics, in one registry per process (metrics.ts appends it to every service's
 * `/metrics`): prom-client's default metrics, of which two are made here rather than by
 * `collectDefaultMetrics`, plus two names the dashboards read since before prom-client.
 *
 * prom-client's GC metric subscribes a PerformanceObserver and its event-loop metric enables a
 * `monitorEventLoopDelay` timer, and neither can be stopped (it returns no handle). Both are
 * process-wide in Node, outside any module registry: under Jest, where each test file loads its own
 * copy of this module, every file's observer stayed subscribed, and its callback held that file's
 * whole context (its modules, and through Jest's state its test system) for the rest of the run.
 * So the GC histogram and the event-loop gauges are made here, same names and meanings, with a
 * `stopProcessMetrics` that ends them; Jest calls it when a file ends (test/support/jest-setup.ts).
 * The other defaults only read the process when scraped, so prom-client's own collectors are used.
 */
let running: { registry: Registry; stop(): void } | undefined;

export function processMetrics(): Registry {
  running ??= startProcessMetrics();
  return running.registry;
}

/** Ends the GC observer and the event-loop timer; the next `processMetrics()` starts afresh. */
export function stopProcessMetrics(): void {
  running?.stop();
  running = undefined;
}

function startProcessMetrics(): { registry: Registry; stop(): void } {
  const registry = new Registry();
  for (const collect of [
    processCpuTotal,
    processStartTime,
    osMemoryHeap,
    processOpenFileDescriptors,
    processMaxFileDescriptors,
    processResources,
    processHandles,
    processRequests,
    heapSizeAndUsed,
    heapSpacesSizeAndUsed,
    version,
  ])
    collect(registry, {});
  const gc = gcDurations(registry);
  const eventLoop = eventLoopLag(registry);
  new Gauge({
    name: 'nodejs_heap_used_bytes',
    help: 'V8 heap in use, in bytes.',
    registers: [registry],
    collect() {
      this.set(process.memoryUsage().heapUsed);
    },
  });
  new Gauge({
    name: 'process_uptime_seconds',
    help: 'Seconds since the process started.',
    registers: [registry],
    collect() {
      this.set(Math.round(process.uptime()));
    },
  });
  return {
    registry,
    stop() {
      gc.disconnect();
      eventLoop.disable();
    },
  };
}

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/** prom-client's nodejs_gc_duration_seconds (same name, help, buckets and `kind` label), every entry counted. */
function gcDurations(registry: Registry): PerformanceObserver {
  const durations = new Histogram({
    name: 'nodejs_gc_duration_seconds',
    help: 'Garbage collection duration by kind, one of major, minor, incremental or weakcb.',
    labelNames: ['kind'],
    buckets: [0.001, 0.01, 0.1, 1, 2, 5],
    registers: [registry],
  });
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      // Node's GC entries carry their kind in `detail`, which the PerformanceEntry type does not declare.
      const kind = GC_KINDS[(entry as { detail?: { kind?: number } }).detail?.kind ?? -1];
      durations.observe({ kind: kind ?? 'unknown' }, entry.duration / 1000);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return observer;
}

/**
 * prom-client's event-loop metrics (same names): nodejs_eventloop_lag_seconds is how late a
 * setImmediate ran at the previous scrape, the others summarise the delays sampled every 10 ms
 * since that scrape.
 */
function eventLoopLag(registry: Registry): ReturnType<typeof monitorEventLoopDelay> {
  const delays = monitorEventLoopDelay({ resolution: 10 });
  delays.enable();
  const summaries = [
    ['min', 'The minimum recorded event loop delay.', () => delays.min],
    ['max', 'The maximum recorded event loop delay.', () => delays.max],
    ['mean', 'The mean of the recorded event loop delays.', () => delays.mean],
    ['stddev', 'The standard deviation of the recorded event loop delays.', () => delays.stddev],
    ['p50', 'The 50th percentile of the recorded event loop delays.', () => delays.percentile(50)],
    ['p90', 'The 90th percentile of the recorded event loop delays.', () => delays.percentile(90)],
    ['p99', 'The 99th percentile of the recorded event loop delays.', () => delays.percentile(99)],
  ] as const;
  const gauges = summaries.map(
    ([name, help, read]) => [new Gauge({ name: `nodejs_eventloop_lag_${name}_seconds`, help, registers: [registry] }), read] as const,
  );
  const lag = new Gauge({
    name: 'nodejs_eventloop_lag_seconds',
    help: 'Lag of event loop in seconds.',
    registers: [registry],
    // One collect sets them all, then starts the next period.
    collect() {
      const start = process.hrtime.bigint();
      setImmediate(() => lag.set(Number(process.hrtime.bigint() - start) / 1e9));
      for (const [gauge, read] of gauges) gauge.set(read() / 1e9);
      delays.reset();
    },
  });
  return delays;
}
