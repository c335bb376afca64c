import type { Usage } from './report-format.ts';
import { cpuSecondsOf, type RunningRouter } from './routers.ts';
import type { BenchSystem } from './system.ts';

/** An error's message with its causes (fetch's own message is only "fetch failed"; the reason is in `cause`). */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  for (
    let current = error as { message?: unknown; code?: unknown; cause?: unknown } | undefined, depth = 0;
    current && depth < 4;
    depth++
  ) {
    parts.push(`${current.message ?? current}${typeof current.code === 'string' ? ` (${current.code})` : ''}`);
    current = current.cause as typeof current;
  }
  return parts.join(': ');
}

/** Measures the usage of the subgraphs' process and a router around `work`; `startWindow` restarts the window (after a warm-up). */
export async function measured<T>(
  system: BenchSystem,
  running: RunningRouter,
  work: (startWindow: () => void) => Promise<T>,
  answersOf: (value: T) => number,
): Promise<{ value: T; usage: Usage }> {
  const sample = () => ({
    at: performance.now(),
    router: running.cpuSeconds(),
    subgraphs: cpuSecondsOf(process.pid),
    fetches: system.subgraphRequests(),
    sql: system.sqlStatements(),
  });
  let from = sample();
  const value = await work(() => {
    from = sample();
  });
  const until = sample();
  const wall = Math.max(0.001, (until.at - from.at) / 1000);
  const answers = Math.max(1, answersOf(value));
  return {
    value,
    usage: {
      peakRss: running.peakRss(),
      routerCores: (until.router - from.router) / wall,
      subgraphCores: (until.subgraphs - from.subgraphs) / wall,
      routerCpuMsPerAnswer: ((until.router - from.router) * 1000) / answers,
      subgraphCpuMsPerAnswer: ((until.subgraphs - from.subgraphs) * 1000) / answers,
      subgraphFetches: (until.fetches - from.fetches) / answers,
      sqlStatements: (until.sql - from.sql) / answers,
    },
  };
}
