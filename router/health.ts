import type { SubgraphEndpoint } from './supergraph.ts';

export const DEFAULT_HEALTH_TIMEOUT_MS = 2000;

export type HealthReport = {
  status: 'ok' | 'unavailable';
  subgraphs: Record<string, 'ok' | 'down'>;
  /** Why each subgraph that is down is counted as down; absent when all are up. */
  reasons?: Record<string, string>;
};

/**
 * The router is healthy only when it can serve the whole graph: every subgraph
 * of the supergraph must answer its own `GET /health` (same origin as its
 * GraphQL URL) with 200 within the timeout. They are asked in parallel, so the
 * check takes at most one timeout however many subgraphs there are.
 */
export function createHealthCheck(
  endpoints: readonly SubgraphEndpoint[],
  timeoutMs = DEFAULT_HEALTH_TIMEOUT_MS,
): () => Promise<HealthReport> {
  return async () => {
    const results = await Promise.all(
      endpoints.map(async ({ name, url }) => ({ name, problem: await probe(new URL('/health', url), timeoutMs) })),
    );
    const report: HealthReport = { status: 'ok', subgraphs: {} };
    for (const { name, problem } of results) {
      report.subgraphs[name] = problem === null ? 'ok' : 'down';
      if (problem !== null) {
        report.status = 'unavailable';
        report.reasons = { ...report.reasons, [name]: problem };
      }
    }
    return report;
  };
}

/** Null when the subgraph answers 200 in time; otherwise what went wrong, in a few words. */
async function probe(url: URL, timeoutMs: number): Promise<string | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.status === 200 ? null : `answered HTTP ${response.status}`;
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') return `did not answer within ${timeoutMs} ms`;
    const code = ((error as Error).cause as NodeJS.ErrnoException | undefined)?.code;
    return code ? `unreachable (${code})` : `unreachable (${(error as Error).message})`;
  }
}
