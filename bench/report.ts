import type { LoadResult } from './load.ts';
import { type FanoutSummary, fanoutPanels, fanoutSection } from './report-fanout.ts';
import {
  cpuMs,
  errorList,
  mean,
  median,
  ms,
  type Panel,
  perAnswer,
  rate,
  ratio,
  speedRatio,
  sum,
  USAGE_ALIGN,
  USAGE_HEADER,
  type Usage,
  usageCells,
  usageLine,
  usageOf,
} from './report-format.ts';
import { type WriteSummary, writePanel, writeSection } from './report-writes.ts';
import type { RouterUnderTest } from './routers.ts';

/** One measured run of a read workload: one router in one round. */
export type Run = Usage & { workload: string; router: string; round: number; result: LoadResult };

export type BenchSettings = {
  quick: boolean;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  rounds: number;
  /** The run's seed (--seed), which every random choice follows. */
  seed: number;
  /** Which database the subgraphs ran on. */
  database: string;
  orders: number;
  members: number;
  notes: string[];
};

/**
 * A read workload as the report needs it: its requests (each a distinct body), its callers, and whether it is the
 * burst (reported apart).
 */
export type ReadWorkloadInfo = {
  key: string;
  name: string;
  description: string;
  requests: readonly unknown[];
  callers: readonly unknown[];
  burst: boolean;
};

export type WorkloadSummary = {
  key: string;
  workload: string;
  description: string;
  bodies: number;
  callers: number;
  burst: boolean;
  rows: RouterSummary[];
};

export type RouterSummary = Usage & {
  router: RouterUnderTest;
  /** Mean over rounds. */
  requestsPerSecond: number;
  perRound: number[];
  /** Median over rounds of each round's percentile. */
  p50Ms: number;
  p99Ms: number;
  errors: number;
  requests: number;
  errorSamples: string[];
};

export function summarize(runs: Run[], workload: ReadWorkloadInfo, routers: RouterUnderTest[]): WorkloadSummary {
  const rows = routers.flatMap((router) => {
    const mine = runs.filter((run) => run.workload === workload.name && run.router === router.key);
    if (mine.length === 0) return [];
    const perRound = mine.map((run) => run.result.requestsPerSecond);
    return [
      {
        router,
        perRound,
        requestsPerSecond: mean(perRound),
        p50Ms: median(mine.map((run) => run.result.p50Ms)),
        p99Ms: median(mine.map((run) => run.result.p99Ms)),
        errors: sum(mine.map((run) => run.result.errors)),
        requests: sum(mine.map((run) => run.result.requests)),
        ...usageOf(mine),
        errorSamples: [...new Set(mine.flatMap((run) => run.result.errorSamples))].slice(0, 3),
      },
    ];
  });
  return {
    key: workload.key,
    workload: workload.name,
    description: workload.description,
    bodies: workload.requests.length,
    callers: workload.callers.length,
    burst: workload.burst,
    rows,
  };
}

/** ours ÷ this for requests/s (above 1: ours is faster), this ÷ ours for memory (above 1: this needs more). */
export function ratios(summary: WorkloadSummary, row: RouterSummary) {
  const ours = summary.rows.find((candidate) => candidate.router.key === 'ours');
  return {
    speed: speedRatio(summary.rows, row, (r) => r.requestsPerSecond),
    memory: ours ? row.peakRss / ours.peakRss : Number.NaN,
  };
}

/** The one-line progress report of a run. */
export function runLine(run: Run, label: string): string {
  const { result } = run;
  return `    ${label.padEnd(20)} ${rate(result.requestsPerSecond).padStart(7)} req/s  p50 ${ms(result.p50Ms).padStart(6)} ms  p99 ${ms(result.p99Ms).padStart(6)} ms  errors ${result.errors}  ${usageLine(run)}`;
}

const distinct = (summary: WorkloadSummary) =>
  `${summary.bodies} distinct bod${summary.bodies === 1 ? 'y' : 'ies'}, ${summary.callers} distinct caller${summary.callers === 1 ? '' : 's'}`;

function readSection(summary: WorkloadSummary, level = '###'): string[] {
  const lines = [`${level} ${summary.workload}`, '', `${distinct(summary)}. ${summary.description}`, ''];
  lines.push(`| router | req/s | per round | p50 ms | p99 ms | errors / answers | ours ÷ this | RSS this ÷ ours | ${USAGE_HEADER} |`);
  lines.push(`|---|---:|---|---:|---:|---:|---:|---:|${USAGE_ALIGN}`);
  for (const row of summary.rows) {
    const { speed, memory } = ratios(summary, row);
    lines.push(
      `| ${row.router.label} | ${rate(row.requestsPerSecond)} | ${row.perRound.map(rate).join(' / ')} | ${ms(row.p50Ms)} | ${ms(row.p99Ms)} | ${row.errors} / ${row.requests} | ${ratio(speed)} | ${ratio(memory)} | ${usageCells(row)} |`,
    );
  }
  lines.push(...errorList(summary.rows), '');
  return lines;
}

export type BenchResults = { reads: WorkloadSummary[]; writes: WriteSummary | null; fanout: FanoutSummary | null };

/** The headline: every long-tail read and router in one table, the per-answer costs beside the rates. */
function headlineTable(reads: WorkloadSummary[]): string[] {
  const lines = [
    '| workload | bodies | callers | router | req/s | p50 ms | p99 ms | errors / answers | CPU ms per answer router / subgraphs | subgraph requests per answer | SQL per answer |',
    '|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const summary of reads) {
    for (const row of summary.rows) {
      lines.push(
        `| ${summary.key} | ${summary.bodies} | ${summary.callers} | ${row.router.label} | ${rate(row.requestsPerSecond)} | ${ms(row.p50Ms)} | ${ms(row.p99Ms)} | ${row.errors} / ${row.requests} | ${cpuMs(row.routerCpuMsPerAnswer)} / ${cpuMs(row.subgraphCpuMsPerAnswer)} | ${perAnswer(row.subgraphFetches)} | ${perAnswer(row.sqlStatements)} |`,
      );
    }
  }
  return lines;
}

export function markdownReport(results: BenchResults, settings: BenchSettings, environment: string, chartFile: string): string {
  const lines = [
    `# Routers on our supergraph, ${new Date().toISOString()}${settings.quick ? ' (quick mode: too short to compare)' : ''}`,
    '',
    `${environment}. ${settings.connections} connections with keep-alive; per run ${settings.warmupSeconds} s warm-up (not counted) then ${settings.seconds} s counted; ${settings.rounds} round(s), routers alternating within each round, each run on a freshly started router process.${settings.orders ? ` ${settings.orders} paid orders seeded.` : ''} Every read answer compared with the reference captured from our router; an answer with \`errors\` counts as an error.`,
    '',
    `Every request's body is drawn at random from its workload's set, each body equally likely, and so is its caller where a workload has several (an order's detail always goes as the member who placed it); each client has its own generator (mulberry32) seeded from the run's seed and its index. Seed: ${settings.seed} (\`--seed N\` repeats the run's choices). Database: ${settings.database}.${settings.members ? ` Shop: ${settings.members} members.` : ''}`,
    '',
    '"ours ÷ this" above 1.00x means our router served more per second; "RSS this ÷ ours" above 1.00x means this router needed more memory. Per round: the rate of each round in order, so drift shows. CPU: the busy share of one core during the counted window, of the router\'s process and of the subgraphs\' process (both near 100% means the machine\'s two cores are used up). CPU ms per answer: the CPU time of each process in that window divided by the answers in it, which holds from machine to machine where req/s does not. Subgraph requests and SQL: HTTP requests the subgraphs received and SQL statements they ran, per answer, counted in the same window (a router that merges identical in-flight fetches sends fewer).',
    '',
  ];
  const longTail = results.reads.filter((summary) => !summary.burst);
  if (longTail.length) {
    lines.push(
      '## Long-tail reads',
      '',
      ...headlineTable(longTail),
      '',
      "@apollo/gateway neither merges identical requests or fetches nor caches answers, so its rows' subgraph CPU ms and SQL per answer are what the subgraphs spend on an answer when nothing is merged.",
      '',
    );
    for (const summary of longTail) lines.push(...readSection(summary));
  }
  for (const summary of results.reads.filter((read) => read.burst)) {
    lines.push('## A popular page under a burst: every client sends the same body', '', ...readSection(summary, '###'));
  }
  if (results.writes) lines.push(...writeSection(results.writes));
  if (results.fanout) lines.push(...fanoutSection(results.fanout));
  if (settings.notes.length) lines.push('## Notes', '', ...settings.notes.map((note) => `- ${note}`), '');
  lines.push(`![requests, orders and events per second](${chartFile})`, '');
  return lines.join('\n');
}

/** The chart's panels: requests/s per read workload, orders/s of the write mix, events/s of the fan-out per transport. */
export function chartPanels(results: BenchResults): Panel[] {
  // The burst is not traffic as the long-tail reads model it: never in the chart.
  const reads = results.reads
    .filter((summary) => !summary.burst)
    .map((summary) => ({
      title: summary.workload,
      unit: 'req/s',
      bars: summary.rows.map((row) => {
        const { speed } = ratios(summary, row);
        const note = `${row.router.key === 'ours' ? '' : ` (ours ÷ this ${ratio(speed)})`}${row.errors ? `, ${row.errors} errors` : ''}`;
        return { router: row.router, value: row.requestsPerSecond, note };
      }),
    }));
  return [...reads, ...(results.writes ? [writePanel(results.writes)] : []), ...(results.fanout ? fanoutPanels(results.fanout) : [])];
}

const COLORS: Record<string, string> = { ours: '#2f6fde', apollo: '#7a7a7a', hive: '#e08a1e', 'hive-jit': '#f2b35c' };
const xmlText = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** Horizontal bars, one panel per workload with its own scale and unit. */
export function svgChart(panels: Panel[], title: string): string {
  const width = 820;
  const labelWidth = 170;
  const barArea = width - labelWidth - 290;
  const barHeight = 22;
  const parts: string[] = [];
  let y = 40;
  for (const panel of panels) {
    parts.push(`<text x="10" y="${y}" font-weight="bold">${xmlText(panel.title)}</text>`);
    y += 12;
    const max = Math.max(...panel.bars.map((bar) => bar.value), 1);
    for (const bar of panel.bars) {
      const length = Math.max(1, (bar.value / max) * barArea);
      parts.push(
        `<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end">${xmlText(bar.router.label)}</text>`,
        `<rect x="${labelWidth}" y="${y + 2}" width="${length.toFixed(1)}" height="${barHeight}" fill="${COLORS[bar.router.key] ?? '#999'}"/>`,
        `<text x="${(labelWidth + length + 6).toFixed(1)}" y="${y + 16}">${xmlText(`${rate(bar.value)} ${panel.unit}${bar.note}`)}</text>`,
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
