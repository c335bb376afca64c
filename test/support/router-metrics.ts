import type { TestSystem } from './system.ts';

/** The sum of a router metric's samples (only those of `event` when given), read from the test system's router. */
export async function routerMetric(system: TestSystem, name: string, event?: string): Promise<number> {
  const text = await (await fetch(system.system.routerMetricsUrl)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^(\w+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    if (event !== undefined && match[2] !== `{event="${event}"}`) continue;
    total += Number(match[3]);
  }
  return total;
}
