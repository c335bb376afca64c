import { execFileSync } from 'node:child_process';
import { loadConfig } from '../config/config.ts';
import { applyHeapGrowth } from './heap-growth.ts';

/**
 * A child that keeps some data live and churns request-like objects that
 * outlive a scavenge or two (so they are promoted and die in the old
 * generation, as a busy router's request state does), and prints the largest
 * heap it reached.
 */
const CHURN = `
  import { getHeapStatistics } from 'node:v8';
  import { applyHeapGrowth } from ${JSON.stringify(new URL('./heap-growth.ts', import.meta.url).href)};
  applyHeapGrowth(Number(process.argv[1]));
  const live = Array.from({ length: 200_000 }, (_, i) => ({ i, text: 'kept ' + i }));
  const inFlight = new Array(150_000).fill(null);
  let peak = 0;
  for (let i = 0; i < 3_000_000; i++) {
    inFlight[i % inFlight.length] = { id: i, parts: ['part ' + i, { nested: [i, i + 1, 'x' + i] }] };
    if (i % 5000 === 0) peak = Math.max(peak, getHeapStatistics().total_heap_size);
  }
  console.log(JSON.stringify({ peak, live: live.length }));
`;

function peakHeapWith(percent: number): number {
  const output = execFileSync(process.execPath, ['--no-warnings', '--input-type=module', '--eval', CHURN, String(percent)], {
    encoding: 'utf8',
  });
  return (JSON.parse(output) as { peak: number }).peak;
}

describe('the heap growth policy', () => {
  it('sets V8 heap growing factor from HEAP_GROWTH_PERCENT, 60 by default, and leaves V8 alone at 0', () => {
    const set: string[] = [];
    applyHeapGrowth(loadConfig({}).heapGrowthPercent, (flags) => set.push(flags));
    applyHeapGrowth(loadConfig({ HEAP_GROWTH_PERCENT: '0' }).heapGrowthPercent, (flags) => set.push(flags));
    applyHeapGrowth(loadConfig({ HEAP_GROWTH_PERCENT: '25' }).heapGrowthPercent, (flags) => set.push(flags));
    expect(set).toEqual(['--heap-growing-percent=60', '--heap-growing-percent=25']);
  });

  it('refuses a value that is not a whole percent from 0 to 300', () => {
    for (const value of ['-1', '301', '1.5', 'lots']) {
      expect(() => loadConfig({ HEAP_GROWTH_PERCENT: value })).toThrow(
        /HEAP_GROWTH_PERCENT must be a whole number of percent from 0 to 300/,
      );
    }
  });

  it('keeps a process that churns promoted garbage nearer its live data than V8 left to itself', () => {
    // Measured on Node 24: about 400 MB at 60% against 500 MB with V8's own factor.
    const own = peakHeapWith(0);
    const limited = peakHeapWith(60);
    expect(limited).toBeLessThan(own * 0.9);
  });
});
