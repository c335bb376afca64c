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
import { type RouterUnderTest, TRANSPORT_LABELS, type Transport } from './routers.ts';

/** One measured fan-out run: one router over one transport in one round. */
export type FanoutRun = Usage & {
  router: string;
  round: number;
  result: FanoutResult;
  /** Subscriptions the subgraphs started during the run: the router's upstream subscriptions. */
  upstreamSubscriptions: number;
};

export type FanoutRow = Usage & {
  router: RouterUnderTest;
  /** Subscribers and changes per round (the same in every round). */
  subscribers: number;
  changes: number;
  /** Burst events every subscriber should have received (subscribers × changes), summed over the rounds. */
  expected: number;
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

/** One transport's runs. `unserved`: the routers that do not serve it, listed as such. */
export type FanoutTransportSummary = { transport: Transport; rows: FanoutRow[]; unserved: RouterUnderTest[] };
export type FanoutSummary = { title: string; description: string; transports: FanoutTransportSummary[] };

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

export function summarizeFanout(
  runs: FanoutRun[],
  title: string,
  description: string,
  routers: RouterUnderTest[],
  transports: readonly Transport[],
): FanoutSummary {
  return {
    title,
    description,
    transports: transports.map((transport) => ({
      transport,
      rows: routers.flatMap((router) =>
        rowOf(
          router,
          runs.filter((run) => run.router === router.key && run.result.transport === transport),
        ),
      ),
      unserved: routers.filter((router) => !router.transports.includes(transport)),
    })),
  };
}

function rowOf(router: RouterUnderTest, mine: FanoutRun[]): FanoutRow[] {
  if (mine.length === 0) return [];
  const measured = mine.filter((run) => !run.result.failure);
  const perRound = mine.map((run) => run.result.eventsPerSecond);
  const medianOf = (pick: (result: FanoutResult) => number) => (measured.length ? median(measured.map((run) => pick(run.result))) : 0);
  const total = (pick: (result: FanoutResult) => number) => sum(mine.map((run) => pick(run.result)));
  return [
    {
      router,
      subscribers: mine[0]!.result.subscribers,
      changes: mine[0]!.result.changes,
      expected: total((result) => result.subscribers * result.changes),
      perRound,
      eventsPerSecond: perRound.reduce((a, b) => a + b, 0) / perRound.length,
      p50Ms: medianOf((result) => result.p50Ms),
      p99Ms: medianOf((result) => result.p99Ms),
      lastSubscriberP99Ms: medianOf((result) => result.lastSubscriberP99Ms),
      delivered: total((result) => result.delivered),
      lost: total((result) => result.lost),
      duplicates: total((result) => result.duplicates),
      outOfOrder: total((result) => result.outOfOrder),
      incomplete: total((result) => result.incomplete),
      errors: total((result) => result.errorCount),
      upstreamSubscriptions: median(mine.map((run) => run.upstreamSubscriptions)),
      failures: mine.flatMap((run) => run.result.failure ?? []),
      ...usageOf(mine),
      errorSamples: [...new Set(mine.flatMap((run) => run.result.errorSamples))].slice(0, 3),
    },
  ];
}

export function fanoutRunLine(run: FanoutRun, label: string): string {
  const { result } = run;
  const name = `${label} over ${result.transport}`.padEnd(30);
  if (result.failure) return `    ${name} failed: ${result.failure}`;
  return `    ${name} ${rate(result.eventsPerSecond).padStart(7)} events/s  ${result.delivered} of ${result.subscribers * result.changes} events  delivery p50 ${ms(result.p50Ms).padStart(6)} ms  p99 ${ms(result.p99Ms).padStart(6)} ms  last subscriber p99 ${ms(result.lastSubscriberP99Ms)} ms  upstream subscriptions ${run.upstreamSubscriptions}  ${fanoutProblems(result) ?? 'none lost, duplicated or out of order'}  ${usageLine(run)}`;
}

const HEADER = [
  'router',
  'subscribers',
  'changes',
  'events expected / received',
  'lost',
  'duplicated',
  'out of order',
  'without product name',
  'errors',
  'events/s',
  'per round',
  'delivery p50 ms',
  'p99 ms',
  'write → last subscriber p99 ms',
  'upstream subscriptions',
  'ours ÷ this',
];
/** The usage columns' count (USAGE_HEADER's). */
const USAGE_COLUMNS = USAGE_HEADER.split('|').length;

export function fanoutSection(summary: FanoutSummary): string[] {
  const lines = [`## ${summary.title}`, '', summary.description, ''];
  for (const section of summary.transports) lines.push(...transportSection(section));
  return lines;
}

function transportSection(section: FanoutTransportSummary): string[] {
  const lines = [`### Over ${TRANSPORT_LABELS[section.transport]}`, ''];
  lines.push(`| ${HEADER.join(' | ')} | ${USAGE_HEADER} |`);
  lines.push(`|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|${USAGE_ALIGN}`);
  for (const row of section.rows) {
    const speed = speedRatio(section.rows, row, (r) => r.eventsPerSecond);
    lines.push(
      `| ${row.router.label} | ${row.subscribers} | ${row.changes} | ${row.expected} / ${row.delivered} | ${row.lost} | ${row.duplicates} | ${row.outOfOrder} | ${row.incomplete} | ${row.errors} | ${rate(row.eventsPerSecond)} | ${row.perRound.map(rate).join(' / ')} | ${ms(row.p50Ms)} | ${ms(row.p99Ms)} | ${ms(row.lastSubscriberP99Ms)} | ${row.upstreamSubscriptions} | ${ratio(speed)} | ${usageCells(row)} |`,
    );
  }
  for (const router of section.unserved) lines.push(`| ${router.label} | not served |${' |'.repeat(HEADER.length + USAGE_COLUMNS - 2)}`);
  const failed = section.rows.filter((row) => row.failures.length);
  if (failed.length) {
    lines.push('', 'Runs that measured nothing:', '');
    for (const row of failed) for (const failure of row.failures) lines.push(`- ${row.router.label}: ${failure}`);
  }
  if (section.unserved.length) {
    lines.push('');
    for (const router of section.unserved)
      lines.push(`- ${router.label}: not served; it ${router.unservedTransports ?? 'does not serve this transport'}.`);
  }
  lines.push(...errorList(section.rows), '');
  return lines;
}

/** A chart panel per transport: events/s of each router that serves it. */
export function fanoutPanels(summary: FanoutSummary): Panel[] {
  return summary.transports
    .filter((section) => section.rows.length)
    .map((section) => ({
      title: `${summary.title} over ${section.transport}`,
      unit: 'events/s',
      bars: section.rows.map((row) => {
        const speed = speedRatio(section.rows, row, (r) => r.eventsPerSecond);
        const wrong = row.lost + row.duplicates + row.outOfOrder;
        const note = `${row.router.key === 'ours' ? '' : ` (ours ÷ this ${ratio(speed)})`}${wrong ? `, ${wrong} lost/duplicated/out of order` : ''}${row.failures.length ? ', failed' : ''}`;
        return { router: row.router, value: row.eventsPerSecond, note };
      }),
    }));
}
