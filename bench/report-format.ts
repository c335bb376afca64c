import type { RouterUnderTest } from './routers.ts';

/** How the reports write numbers, and what every measured run records besides its own result. */
export const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
export const rate = (value: number) => (value >= 100 ? Math.round(value).toString() : value.toFixed(1));
export const ms = (value: number) => (value >= 100 ? Math.round(value).toString() : value.toFixed(1));
export const cores = (value: number) => `${Math.round(value * 100)}%`;
export const ratio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}x` : 'n/a');
/** CPU milliseconds per answer: two decimals below 1 ms, where most cheap answers are. */
export const cpuMs = (value: number) => value.toFixed(value < 1 ? 2 : 1);
/** Per-answer counts; "n/a" where the count was not available. */
export const perAnswer = (value: number | null) => (value === null ? 'n/a' : value.toFixed(value < 10 ? 2 : 1));

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
export const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
export const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** What the harness measured around a run, beside the workload's own numbers. */
export type Usage = {
  /** The router process's peak resident memory (VmHWM), start-up included. */
  peakRss: number;
  /** Busy cores during the measured window (1 = one core all the time): the router's process, and the subgraphs' process. */
  routerCores: number;
  subgraphCores: number;
  /**
   * CPU milliseconds per answer of the router's process and of the subgraphs' process: unlike req/s, these
   * ratios hold from one machine to another, so they are what a change of per-request cost is judged by.
   */
  routerCpuMsPerAnswer: number;
  subgraphCpuMsPerAnswer: number;
  /** Requests the subgraphs received, and SQL statements they ran (null: not counted), per answer in the measured window. */
  subgraphFetches: number;
  sqlStatements: number | null;
};

/** The medians over rounds of a router's usage, and its peak memory over all of them. */
export function usageOf(runs: Usage[]): Usage {
  const sql = runs.map((run) => run.sqlStatements);
  return {
    peakRss: Math.max(...runs.map((run) => run.peakRss)),
    routerCores: median(runs.map((run) => run.routerCores)),
    subgraphCores: median(runs.map((run) => run.subgraphCores)),
    routerCpuMsPerAnswer: median(runs.map((run) => run.routerCpuMsPerAnswer)),
    subgraphCpuMsPerAnswer: median(runs.map((run) => run.subgraphCpuMsPerAnswer)),
    subgraphFetches: median(runs.map((run) => run.subgraphFetches)),
    sqlStatements: sql.every((value) => value !== null) ? median(sql as number[]) : null,
  };
}

/** The usage columns every table ends with. */
export const USAGE_HEADER =
  'peak RSS | CPU router / subgraphs | CPU ms per answer router / subgraphs | subgraph requests per answer | SQL per answer';
export const USAGE_ALIGN = '---:|---:|---:|---:|---:|';
export const usageCells = (usage: Usage) =>
  `${mb(usage.peakRss)} | ${cores(usage.routerCores)} / ${cores(usage.subgraphCores)} | ${cpuMs(usage.routerCpuMsPerAnswer)} / ${cpuMs(usage.subgraphCpuMsPerAnswer)} | ${perAnswer(usage.subgraphFetches)} | ${perAnswer(usage.sqlStatements)}`;
export const usageLine = (usage: Usage) =>
  `peak RSS ${mb(usage.peakRss)}  CPU router ${cores(usage.routerCores)} subgraphs ${cores(usage.subgraphCores)}  CPU ms/answer router ${cpuMs(usage.routerCpuMsPerAnswer)} subgraphs ${cpuMs(usage.subgraphCpuMsPerAnswer)}  subgraph requests/answer ${perAnswer(usage.subgraphFetches)}  SQL/answer ${perAnswer(usage.sqlStatements)}`;

/** One bar of a chart panel. */
export type Bar = { router: RouterUnderTest; value: number; note: string };
export type Panel = { title: string; unit: string; bars: Bar[] };

/** ours ÷ this of a rate (above 1: ours is faster); NaN without our router. */
export function speedRatio<T extends { router: RouterUnderTest }>(rows: T[], row: T, rateOf: (row: T) => number): number {
  const ours = rows.find((candidate) => candidate.router.key === 'ours');
  return ours ? rateOf(ours) / rateOf(row) : Number.NaN;
}

/** Error samples under a table. */
export function errorList(rows: { router: RouterUnderTest; errorSamples: string[] }[]): string[] {
  const failing = rows.filter((row) => row.errorSamples.length);
  if (!failing.length) return [];
  const lines = ['', 'Errors (samples):', ''];
  for (const row of failing) for (const sample of row.errorSamples) lines.push(`- ${row.router.label}: \`${sample.replaceAll('`', "'")}\``);
  return lines;
}
