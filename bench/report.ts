import type { LoadResult } from './load.ts';
import type { RouterUnderTest } from './routers.ts';

/** One measured run: one router on one workload in one round. */
export type Run = {
  workload: string;
  router: string;
  round: number;
  result: LoadResult;
  peakRss: number;
  /** Busy cores during the counted window (1 = one core all the time): the router's process, and the subgraphs' process. */
  routerCores: number;
  subgraphCores: number;
  /** Requests the subgraphs received per answer in the counted window. */
  subgraphFetches: number;
};

export type BenchSettings = {
  quick: boolean;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  rounds: number;
  orders: number;
  notes: string[];
};

export type WorkloadSummary = { workload: string; description: string; rows: RouterSummary[] };

export type RouterSummary = {
  router: RouterUnderTest;
  /** Mean over rounds. */
  requestsPerSecond: number;
  perRound: number[];
  /** Median over rounds of each round's percentile. */
  p50Ms: number;
  p99Ms: number;
  errors: number;
  requests: number;
  peakRss: number;
  routerCores: number;
  subgraphCores: number;
  subgraphFetches: number;
  errorSamples: string[];
};

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export function summarize(runs: Run[], workload: { name: string; description: string }, routers: RouterUnderTest[]): WorkloadSummary {
  const rows = routers.flatMap((router) => {
    const mine = runs.filter((run) => run.workload === workload.name && run.router === router.key);
    if (mine.length === 0) return [];
    const perRound = mine.map((run) => run.result.requestsPerSecond);
    return [
      {
        router,
        perRound,
        requestsPerSecond: perRound.reduce((a, b) => a + b, 0) / perRound.length,
        p50Ms: median(mine.map((run) => run.result.p50Ms)),
        p99Ms: median(mine.map((run) => run.result.p99Ms)),
        errors: mine.reduce((sum, run) => sum + run.result.errors, 0),
        requests: mine.reduce((sum, run) => sum + run.result.requests, 0),
        peakRss: Math.max(...mine.map((run) => run.peakRss)),
        routerCores: median(mine.map((run) => run.routerCores)),
        subgraphCores: median(mine.map((run) => run.subgraphCores)),
        subgraphFetches: median(mine.map((run) => run.subgraphFetches)),
        errorSamples: [...new Set(mine.flatMap((run) => run.result.errorSamples))].slice(0, 3),
      },
    ];
  });
  return { workload: workload.name, description: workload.description, rows };
}

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
const rate = (value: number) => (value >= 100 ? Math.round(value).toString() : value.toFixed(1));
const ms = (value: number) => (value >= 100 ? Math.round(value).toString() : value.toFixed(1));
const cores = (value: number) => `${Math.round(value * 100)}%`;
const ratio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}x` : 'n/a');

/** ours ÷ this for requests/s (above 1: ours is faster), this ÷ ours for memory (above 1: this needs more). */
export function ratios(summary: WorkloadSummary, row: RouterSummary) {
  const ours = summary.rows.find((candidate) => candidate.router.key === 'ours');
  if (!ours) return { speed: Number.NaN, memory: Number.NaN };
  return { speed: ours.requestsPerSecond / row.requestsPerSecond, memory: row.peakRss / ours.peakRss };
}

/** The one-line progress report of a run. */
export function runLine(run: Run, label: string): string {
  const { result } = run;
  return `    ${label.padEnd(20)} ${rate(result.requestsPerSecond).padStart(7)} req/s  p50 ${ms(result.p50Ms).padStart(6)} ms  p99 ${ms(result.p99Ms).padStart(6)} ms  errors ${result.errors}  peak RSS ${mb(run.peakRss)}  CPU router ${cores(run.routerCores)} subgraphs ${cores(run.subgraphCores)}  subgraph requests/answer ${run.subgraphFetches.toFixed(1)}`;
}

export function markdownReport(summaries: WorkloadSummary[], settings: BenchSettings, environment: string, chartFile: string): string {
  const lines = [
    `# Routers on our supergraph, ${new Date().toISOString()}${settings.quick ? ' (quick mode: too short to compare)' : ''}`,
    '',
    `${environment}. ${settings.connections} connections with keep-alive; per run ${settings.warmupSeconds} s warm-up (not counted) then ${settings.seconds} s counted; ${settings.rounds} round(s), routers alternating within each round, each run on a freshly started router process. ${settings.orders} paid orders seeded. Every answer compared with the reference captured from our router; an answer with \`errors\` counts as an error.`,
    '',
    '"ours ÷ this" above 1.00x means our router served more requests/s; "RSS this ÷ ours" above 1.00x means this router needed more memory. Per round: requests/s of each round in order, so drift shows. CPU: the busy share of one core during the counted window, of the router\'s process and of the subgraphs\' process (both near 100% means the machine\'s two cores are used up). Subgraph requests: HTTP requests the subgraphs received per answer, counted in the same window (a router that merges identical in-flight fetches sends fewer).',
    '',
  ];
  for (const summary of summaries) {
    lines.push(`## ${summary.workload}`, '', summary.description, '');
    lines.push(
      '| router | req/s | per round | p50 ms | p99 ms | errors / answers | peak RSS | ours ÷ this | RSS this ÷ ours | CPU router / subgraphs | subgraph requests per answer |',
    );
    lines.push('|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const row of summary.rows) {
      const { speed, memory } = ratios(summary, row);
      lines.push(
        `| ${row.router.label} | ${rate(row.requestsPerSecond)} | ${row.perRound.map(rate).join(' / ')} | ${ms(row.p50Ms)} | ${ms(row.p99Ms)} | ${row.errors} / ${row.requests} | ${mb(row.peakRss)} | ${ratio(speed)} | ${ratio(memory)} | ${cores(row.routerCores)} / ${cores(row.subgraphCores)} | ${row.subgraphFetches.toFixed(1)} |`,
      );
    }
    const failing = summary.rows.filter((row) => row.errorSamples.length);
    if (failing.length) {
      lines.push('', 'Errors (samples):', '');
      for (const row of failing)
        for (const sample of row.errorSamples) lines.push(`- ${row.router.label}: \`${sample.replaceAll('`', "'")}\``);
    }
    lines.push('');
  }
  if (settings.notes.length) lines.push('## Notes', '', ...settings.notes.map((note) => `- ${note}`), '');
  lines.push(`![requests per second](${chartFile})`, '');
  return lines.join('\n');
}

const COLORS: Record<string, string> = { ours: '#2f6fde', apollo: '#7a7a7a', hive: '#e08a1e', 'hive-jit': '#f2b35c' };
const xmlText = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** Horizontal bars of requests/s, one panel per workload with its own scale. */
export function svgChart(summaries: WorkloadSummary[], title: string): string {
  const width = 820;
  const labelWidth = 170;
  const barArea = width - labelWidth - 290;
  const barHeight = 22;
  const parts: string[] = [];
  let y = 40;
  for (const summary of summaries) {
    parts.push(`<text x="10" y="${y}" font-weight="bold">${xmlText(summary.workload)}</text>`);
    y += 12;
    const max = Math.max(...summary.rows.map((row) => row.requestsPerSecond), 1);
    for (const row of summary.rows) {
      const length = Math.max(1, (row.requestsPerSecond / max) * barArea);
      const { speed } = ratios(summary, row);
      const note = row.router.key === 'ours' ? '' : ` (ours ÷ this ${ratio(speed)})`;
      const errors = row.errors ? `, ${row.errors} errors` : '';
      parts.push(
        `<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end">${xmlText(row.router.label)}</text>`,
        `<rect x="${labelWidth}" y="${y + 2}" width="${length.toFixed(1)}" height="${barHeight}" fill="${COLORS[row.router.key] ?? '#999'}"/>`,
        `<text x="${(labelWidth + length + 6).toFixed(1)}" y="${y + 16}">${rate(row.requestsPerSecond)} req/s${xmlText(note)}${errors}</text>`,
      );
      y += barHeight + 6;
    }
    y += 22;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">${xmlText(title)}</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
