import { createLogger } from '../subgraphs/kit/log.ts';
import { SharedFetchAbandonedError, subgraphHttp } from './subgraph-http.ts';
import { subgraphResilience } from './subgraph-resilience.ts';
import { heldSubgraph, until } from './testing/held-subgraph.ts';

/**
 * Merged subgraph fetches (subgraph-http.ts) under the per-subgraph deadline
 * and circuit breaker (subgraph-resilience.ts): every caller of a shared
 * fetch keeps its own deadline, and however many callers share a fetch that
 * fails or times out, the subgraph is charged with one failure. Before, the
 * callers that joined a fetch whose first caller timed out saw an AbortError,
 * which counted as a success and closed the breaker the first had just opened.
 */
const secret = 'a-test-secret-of-at-least-32-characters';
const log = createLogger('router', { write: () => undefined });
const BODY = JSON.stringify({ query: '{ echo }' });

describe('a merged subgraph fetch', () => {
  const subgraph = heldSubgraph(secret);
  let url: string;
  beforeAll(async () => {
    url = await subgraph.start();
  });
  afterAll(async () => {
    await subgraph.stop();
  });

  it('lets a caller whose deadline passes leave, while the others wait for the one fetch and get its answer', async () => {
    const http = subgraphHttp();
    const impatient = new AbortController();
    const first = http.post(url, {}, BODY, impatient.signal, 'same');
    const second = http.post(url, {}, BODY, AbortSignal.timeout(10_000), 'same');
    await until(() => subgraph.held.length === 1);
    impatient.abort(new Error('deadline'));
    await expect(first).rejects.toBeInstanceOf(SharedFetchAbandonedError);
    subgraph.answerAll();
    expect((await second).status).toBe(200);
    expect(subgraph.held).toHaveLength(0);
    await http.close();
  });

  it('is aborted once every caller has left, and a later caller starts a fresh one', async () => {
    const http = subgraphHttp();
    const callers = [new AbortController(), new AbortController()];
    const waits = callers.map((caller) => http.post(url, {}, BODY, caller.signal, 'same'));
    await until(() => subgraph.held.length === 1);
    const [sent] = subgraph.held;
    for (const caller of callers) caller.abort(new Error('gone'));
    await Promise.all(waits.map((wait) => expect(wait).rejects.toBeInstanceOf(SharedFetchAbandonedError)));
    await until(() => sent!.req.destroyed);
    subgraph.held.length = 0;
    const later = http.post(url, {}, BODY, AbortSignal.timeout(10_000), 'same');
    await until(() => subgraph.held.length === 1);
    subgraph.answerAll();
    expect((await later).status).toBe(200);
    await http.close();
  });
});

describe('merged fetches and the circuit breaker', () => {
  const subgraph = heldSubgraph(secret);
  let url: string;
  let now = 1_000_000;
  beforeAll(async () => {
    url = await subgraph.start();
  });
  afterAll(async () => {
    await subgraph.stop();
  });

  it('charges one failure per shared fetch that times out, gives every caller SUBGRAPH_UNAVAILABLE, trips after the threshold and recovers', async () => {
    const http = subgraphHttp();
    const resilience = subgraphResilience({ timeoutMs: 100, retries: 0, breakerFailures: 3, breakerResetMs: 5_000 }, log, () => now);
    const breaker = resilience.breaker('catalogue');
    const round = () =>
      Promise.allSettled(
        Array.from({ length: 5 }, () => resilience.run('catalogue', true, (signal) => http.post(url, {}, BODY, signal, 'page'))),
      );
    for (let timedOut = 1; timedOut <= 3; timedOut += 1) {
      const outcomes = await round();
      expect(subgraph.held).toHaveLength(1); // five callers, one fetch
      subgraph.held.length = 0;
      for (const outcome of outcomes) {
        expect(outcome.status).toBe('rejected');
        expect((outcome as PromiseRejectedResult).reason.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'catalogue' });
      }
      // Charged once per shared fetch: open only once three fetches timed out, not after the first five callers.
      expect(breaker.state).toBe(timedOut < 3 ? 'closed' : 'open');
    }
    // Open: callers fail at once, nothing is sent.
    const fast = await round();
    expect(fast.every((outcome) => outcome.status === 'rejected')).toBe(true);
    expect(subgraph.held).toHaveLength(0);
    // After the pause one trial goes through; the subgraph answers it and the circuit closes.
    now += 5_000;
    const trial = resilience.run('catalogue', true, (signal) => http.post(url, {}, BODY, signal, 'page'));
    await until(() => subgraph.held.length === 1);
    subgraph.answerAll();
    expect((await trial).status).toBe(200);
    expect(breaker.state).toBe('closed');
    await http.close();
  });
});
