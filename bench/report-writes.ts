import type { LoadResult } from './load.ts';
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
import { brokenInvariant, type WriteCheck } from './write-mix.ts';

/** One measured run of the write mix: one router in one round, and the invariant checked after it. */
export type WriteRun = Usage & { router: string; round: number; result: LoadResult; check: WriteCheck };

/** The run sold out when stock refused a placement in the counted window. */
export const soldOut = (run: WriteRun) => run.result.refusals > 0;

/** Orders placed per second while stock lasted: up to the last placement when the SKU sold out, else over the whole window. */
export function ordersPerSecond(run: WriteRun): number {
  const placed = run.result.placed;
  if (!placed) return 0;
  return placed.counted / (soldOut(run) ? Math.max(placed.lastAtSeconds, 0.001) : run.result.seconds);
}

export type WriteRow = Usage & {
  router: RouterUnderTest;
  ordersPerSecond: number;
  perRound: number[];
  p50Ms: number;
  p99Ms: number;
  placed: number;
  refused: number;
  errors: number;
  /** Median over the rounds that sold out; null when none did. */
  soldOutAfter: number | null;
  rounds: number;
  oversold: number;
  unanswered: number;
  broken: string[];
  errorSamples: string[];
};

export type WriteSummary = { title: string; description: string; rows: WriteRow[] };

export function summarizeWrites(runs: WriteRun[], title: string, description: string, routers: RouterUnderTest[]): WriteSummary {
  const rows = routers.flatMap((router): WriteRow[] => {
    const mine = runs.filter((run) => run.router === router.key);
    if (mine.length === 0) return [];
    const perRound = mine.map(ordersPerSecond);
    const soldOutRuns = mine.filter(soldOut);
    return [
      {
        router,
        perRound,
        ordersPerSecond: perRound.reduce((a, b) => a + b, 0) / perRound.length,
        p50Ms: median(mine.map((run) => run.result.placed?.p50Ms ?? 0)),
        p99Ms: median(mine.map((run) => run.result.placed?.p99Ms ?? 0)),
        placed: sum(mine.map((run) => run.result.placed?.counted ?? 0)),
        refused: sum(mine.map((run) => run.result.refusals)),
        errors: sum(mine.map((run) => run.result.errors)),
        soldOutAfter: soldOutRuns.length ? median(soldOutRuns.map((run) => run.result.placed?.lastAtSeconds ?? 0)) : null,
        rounds: mine.length,
        oversold: sum(mine.map((run) => run.check.oversold)),
        unanswered: sum(mine.map((run) => run.check.unanswered)),
        broken: mine.flatMap((run) => brokenInvariant(run.check) ?? []),
        ...usageOf(mine),
        errorSamples: [...new Set(mine.flatMap((run) => run.result.errorSamples))].slice(0, 3),
      },
    ];
  });
  return { title, description, rows };
}

export function writeRunLine(run: WriteRun, label: string): string {
  const { result, check } = run;
  const placed = result.placed;
  const sold = soldOut(run) ? `sold out after ${placed?.lastAtSeconds.toFixed(1)} s` : 'did not sell out';
  const invariant = brokenInvariant(check) ?? `invariant holds (${check.unitsReserved} of ${check.unitsAtStart} units reserved)`;
  return `    ${label.padEnd(20)} ${rate(ordersPerSecond(run)).padStart(7)} orders/s  placed p50 ${ms(placed?.p50Ms ?? 0).padStart(6)} ms  p99 ${ms(placed?.p99Ms ?? 0).padStart(6)} ms  placed ${placed?.counted ?? 0} refused ${result.refusals} errors ${result.errors}  ${sold}; ${invariant}  ${usageLine(run)}`;
}

export function writeSection(summary: WriteSummary): string[] {
  const lines = [`## ${summary.title}`, '', summary.description, ''];
  lines.push(
    `| router | orders/s | per round | placed p50 ms | p99 ms | placed / refused / errors | sold out after | oversold units | invariant | ours ÷ this | ${USAGE_HEADER} |`,
  );
  lines.push(`|---|---:|---|---:|---:|---:|---:|---:|---|---:|${USAGE_ALIGN}`);
  for (const row of summary.rows) {
    const speed = speedRatio(summary.rows, row, (r) => r.ordersPerSecond);
    const soldOutAfter = row.soldOutAfter === null ? 'never' : `${row.soldOutAfter.toFixed(1)} s`;
    const invariant = row.broken.length
      ? `BROKEN: ${row.broken.join('; ')}`
      : row.unanswered
        ? `holds; ${row.unanswered} reserved, answer lost`
        : 'holds';
    lines.push(
      `| ${row.router.label} | ${rate(row.ordersPerSecond)} | ${row.perRound.map(rate).join(' / ')} | ${ms(row.p50Ms)} | ${ms(row.p99Ms)} | ${row.placed} / ${row.refused} / ${row.errors} | ${soldOutAfter} | ${row.oversold} | ${invariant} | ${ratio(speed)} | ${usageCells(row)} |`,
    );
  }
  lines.push(...errorList(summary.rows), '');
  return lines;
}

export function writePanel(summary: WriteSummary): Panel {
  return {
    title: summary.title,
    unit: 'orders/s',
    bars: summary.rows.map((row) => {
      const speed = speedRatio(summary.rows, row, (r) => r.ordersPerSecond);
      const note = `${row.router.key === 'ours' ? '' : ` (ours ÷ this ${ratio(speed)})`}${row.oversold ? `, ${row.oversold} OVERSOLD` : ''}${row.errors ? `, ${row.errors} errors` : ''}`;
      return { router: row.router, value: row.ordersPerSecond, note };
    }),
  };
}
