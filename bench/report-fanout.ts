import type { FanoutResult } from './fanout.ts';
import {
  errorList,
  median,
  ms,
  type Panel,
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
import type { RouterUnderTest } from './routers.ts';

/** One measured fan-out run: one router in one round. */
export type FanoutRun = Usage & {
  router: string;
  round: number;
  result: FanoutResult;
  /** Subscriptions the subgraphs started during the run: the router's upstream subscriptions. */
  upstreamSubscriptions: number;
};

export type FanoutRow = Usage & {
  router: RouterUnderTest;
  eventsPerSecond: number;
  perRound: number[];
  p50Ms: number;
  p99Ms: number;
  lastSubscriberP99Ms: number;
  delivered: number;
  lost: number;
  duplicates: number;
  outOfOrder: number;
  incomplete: number;
  errors: number;
  upstreamSubscriptions: number;
  failures: string[];
  errorSamples: string[];
};

/** `unsupported`: the routers that cannot serve subscriptions, listed as such. */
export type FanoutSummary = { title: string; description: string; rows: FanoutRow[]; unsupported: RouterUnderTest[] };

/** What makes a fan-out run wrong: anything lost, doubled, out of order, incomplete or failed. */
export function fanoutProblems(result: FanoutResult): string | null {
  const problems = [
    result.failure,
    result.lost && `${result.lost} lost`,
    result.duplicates && `${result.duplicates} duplicated`,
    result.outOfOrder && `${result.outOfOrder} out of order`,
    result.incomplete && `${result.incomplete} without the product name`,
    result.errorCount && `${result.errorCount} subscription errors`,
  ].filter(Boolean);
  return problems.length ? problems.join(', ') : null;
}

export function summarizeFanout(runs: FanoutRun[], title: string, description: string, routers: RouterUnderTest[]): FanoutSummary {
  const rows = routers.flatMap((router): FanoutRow[] => {
    const mine = runs.filter((run) => run.router === router.key);
    if (mine.length === 0) return [];
    const measured = mine.filter((run) => !run.result.failure);
    const perRound = mine.map((run) => run.result.eventsPerSecond);
    const medianOf = (pick: (result: FanoutResult) => number) => (measured.length ? median(measured.map((run) => pick(run.result))) : 0);
    return [
      {
        router,
        perRound,
        eventsPerSecond: perRound.reduce((a, b) => a + b, 0) / perRound.length,
        p50Ms: medianOf((result) => result.p50Ms),
        p99Ms: medianOf((result) => result.p99Ms),
        lastSubscriberP99Ms: medianOf((result) => result.lastSubscriberP99Ms),
        delivered: sum(mine.map((run) => run.result.delivered)),
        lost: sum(mine.map((run) => run.result.lost)),
        duplicates: sum(mine.map((run) => run.result.duplicates)),
        outOfOrder: sum(mine.map((run) => run.result.outOfOrder)),
        incomplete: sum(mine.map((run) => run.result.incomplete)),
        errors: sum(mine.map((run) => run.result.errorCount)),
        upstreamSubscriptions: median(mine.map((run) => run.upstreamSubscriptions)),
        failures: mine.flatMap((run) => run.result.failure ?? []),
        ...usageOf(mine),
        errorSamples: [...new Set(mine.flatMap((run) => run.result.errorSamples))].slice(0, 3),
      },
    ];
  });
  return { title, description, rows, unsupported: routers.filter((router) => !router.subscriptions) };
}

export function fanoutRunLine(run: FanoutRun, label: string): string {
  const { result } = run;
  if (result.failure) return `    ${label.padEnd(20)} failed: ${result.failure}`;
  return `    ${label.padEnd(20)} ${rate(result.eventsPerSecond).padStart(7)} events/s  delivery p50 ${ms(result.p50Ms).padStart(6)} ms  p99 ${ms(result.p99Ms).padStart(6)} ms  last subscriber p99 ${ms(result.lastSubscriberP99Ms)} ms  upstream subscriptions ${run.upstreamSubscriptions}  ${fanoutProblems(result) ?? 'none lost, duplicated or out of order'}  ${usageLine(run)}`;
}

export function fanoutSection(summary: FanoutSummary): string[] {
  const lines = [`## ${summary.title}`, '', summary.description, ''];
  lines.push(
    `| router | events/s | per round | delivery p50 ms | p99 ms | write → last subscriber p99 ms | delivered | lost / duplicated / out of order / incomplete | errors | upstream subscriptions | ours ÷ this | ${USAGE_HEADER} |`,
  );
  lines.push(`|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|${USAGE_ALIGN}`);
  for (const row of summary.rows) {
    const speed = speedRatio(summary.rows, row, (r) => r.eventsPerSecond);
    lines.push(
      `| ${row.router.label} | ${rate(row.eventsPerSecond)} | ${row.perRound.map(rate).join(' / ')} | ${ms(row.p50Ms)} | ${ms(row.p99Ms)} | ${ms(row.lastSubscriberP99Ms)} | ${row.delivered} | ${row.lost} / ${row.duplicates} / ${row.outOfOrder} / ${row.incomplete} | ${row.errors} | ${row.upstreamSubscriptions} | ${ratio(speed)} | ${usageCells(row)} |`,
    );
  }
  for (const router of summary.unsupported) {
    lines.push(`| ${router.label} | not supported |${' |'.repeat(13)}`);
  }
  const failed = summary.rows.filter((row) => row.failures.length);
  if (failed.length) {
    lines.push('', 'Runs that measured nothing:', '');
    for (const row of failed) for (const failure of row.failures) lines.push(`- ${row.router.label}: ${failure}`);
  }
  if (summary.unsupported.length) {
    lines.push(
      '',
      `${summary.unsupported.map((router) => router.label).join(', ')}: not supported; @apollo/gateway executes queries and mutations only (Apollo serves federated subscriptions from its GraphOS Router), so there is nothing to measure.`,
    );
  }
  lines.push(...errorList(summary.rows), '');
  return lines;
}

export function fanoutPanel(summary: FanoutSummary): Panel {
  return {
    title: summary.title,
    unit: 'events/s',
    bars: summary.rows.map((row) => {
      const speed = speedRatio(summary.rows, row, (r) => r.eventsPerSecond);
      const lost = row.lost + row.duplicates + row.outOfOrder;
      const note = `${row.router.key === 'ours' ? '' : ` (ours ÷ this ${ratio(speed)})`}${lost ? `, ${lost} lost/duplicated/out of order` : ''}${row.failures.length ? ', failed' : ''}`;
      return { router: row.router, value: row.eventsPerSecond, note };
    }),
  };
}
