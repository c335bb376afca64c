import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Identity } from '../platform/auth/identity.ts';
import { createLogger } from '../platform/observability/log.ts';
import { closedPort } from '../platform/testing/closed-port.ts';
import { eventually } from '../platform/testing/eventually.ts';
import type { RouterContext } from './context.ts';
import { SignedDataSource } from './signed-data-source.ts';
import { SharedFetchAbandonedError, subgraphHttp } from './subgraph-http.ts';
import { subgraphResilience } from './subgraph-resilience.ts';
import { heldSubgraph } from './testing/held-subgraph.ts';

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
const staff: Identity = { kind: 'staff', subject: 'staff-1', scopes: [] };

/** A call whose outcome the test can poll for, without awaiting it. */
function tracked<T>(promise: Promise<T>) {
  const call = { settled: false, error: undefined as unknown };
  promise.then(
    () => {
      call.settled = true;
    },
    (error: unknown) => {
      call.error = error;
      call.settled = true;
    },
  );
  return call;
}

/** One read as the gateway hands it to a data source for a client's operation. */
let requestCount = 0;
function readAs(source: SignedDataSource, url: string, identity: Identity) {
  const options = {
    kind: 'incoming operation',
    request: { query: 'query Q { echo }', variables: {}, http: { method: 'POST', url, headers: new Headers() } },
    incomingRequestContext: {},
    context: { requestId: `request-${++requestCount}`, identity } satisfies RouterContext,
  } as unknown as GraphQLDataSourceProcessOptions<RouterContext>;
  return source.process(options);
}

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
    await eventually(() => subgraph.held.length === 1, 'the subgraph holds one fetch');
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
    await eventually(() => subgraph.held.length === 1, 'the subgraph holds one fetch');
    const [sent] = subgraph.held;
    for (const caller of callers) caller.abort(new Error('gone'));
    await Promise.all(waits.map((wait) => expect(wait).rejects.toBeInstanceOf(SharedFetchAbandonedError)));
    await eventually(() => sent!.req.destroyed, 'the held fetch is aborted');
    subgraph.held.length = 0;
    const later = http.post(url, {}, BODY, AbortSignal.timeout(10_000), 'same');
    await eventually(() => subgraph.held.length === 1, 'the subgraph holds one fetch');
    subgraph.answerAll();
    expect((await later).status).toBe(200);
    await http.close();
  });
});

describe('a merged subgraph fetch with a deadline of its own', () => {
  const subgraph = heldSubgraph(secret);
  let url: string;
  beforeAll(async () => {
    url = await subgraph.start();
  });
  afterAll(async () => {
    await subgraph.stop();
  });

  it('is aborted at that deadline though its callers still wait (none of them has one), and a later caller starts a fresh fetch', async () => {
    const http = subgraphHttp({ sharedFetchTimeoutMs: 200 });
    const callers = [tracked(http.post(url, {}, BODY, undefined, 'same')), tracked(http.post(url, {}, BODY, undefined, 'same'))];
    await eventually(() => subgraph.held.length === 1, 'the subgraph holds one fetch');
    const [sent] = subgraph.held;
    await eventually(() => callers.every((caller) => caller.settled), 'every caller has its answer');
    for (const caller of callers) expect((caller.error as Error).name).toMatch(/^(AbortError|TimeoutError)$/);
    await eventually(() => sent!.req.destroyed, 'the held fetch is aborted');
    subgraph.held.length = 0;
    const later = http.post(url, {}, BODY, AbortSignal.timeout(10_000), 'same');
    await eventually(() => subgraph.held.length === 1, 'the subgraph holds one fetch');
    subgraph.answerAll();
    expect((await later).status).toBe(200);
    await http.close();
  });
});

describe('merged fetches and the circuit breaker', () => {
  const subgraph = heldSubgraph(secret);
  let url: string;
  // cockatiel's breaker reads Date.now: the pause passes by moving the clock on, not by waiting.
  const realNow = Date.now;
  let skew = 0;
  beforeEach(() => {
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + skew);
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });
  beforeAll(async () => {
    url = await subgraph.start();
  });
  afterAll(async () => {
    await subgraph.stop();
  });

  it('charges one failure per shared fetch that times out, gives every caller SUBGRAPH_UNAVAILABLE, trips after the threshold and recovers', async () => {
    const http = subgraphHttp();
    const resilience = subgraphResilience(
      { timeoutMs: 100, busyTimeoutMs: 100, maxInFlight: 0, retries: 0, breakerFailures: 3, breakerResetMs: 5_000 },
      log,
    );
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
    skew += 5_000;
    const trial = resilience.run('catalogue', true, (signal) => http.post(url, {}, BODY, signal, 'page'));
    await eventually(() => subgraph.held.length === 1, 'the subgraph holds one fetch');
    subgraph.answerAll();
    expect((await trial).status).toBe(200);
    expect(breaker.state).toBe('closed');
    await http.close();
  });

  it('charges a hung fetch that callers keep joining once per deadline of its own, so the circuit still opens after the threshold', async () => {
    const http = subgraphHttp({ sharedFetchTimeoutMs: 100 });
    const resilience = subgraphResilience(
      { timeoutMs: 100, busyTimeoutMs: 100, maxInFlight: 0, retries: 0, breakerFailures: 3, breakerResetMs: 5_000 },
      log,
    );
    const breaker = resilience.breaker('catalogue');
    const call = () => tracked(resilience.run('catalogue', true, (signal) => http.post(url, {}, BODY, signal, 'page')));
    let previous = call();
    const callers = [previous];
    await eventually(() => subgraph.held.length === 1, 'the subgraph holds one fetch');
    // Each caller joins before the one before it has left: the fetch is never without a caller waiting for it.
    for (let joined = 0; joined < 30 && breaker.state !== 'open'; joined += 1) {
      const next = call();
      callers.push(next);
      await eventually(() => previous.settled, 'the previous caller has its answer');
      previous = next;
    }
    await eventually(() => callers.every((caller) => caller.settled), 'every caller has its answer');
    expect(breaker.state).toBe('open');
    // One fetch sent per failure counted: the third one's failure opened the circuit, nothing was sent after it.
    expect(subgraph.held).toHaveLength(3);
    for (const caller of callers)
      expect((caller.error as { extensions?: unknown }).extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE' });
    subgraph.held.length = 0;
    await http.close();
  });

  it('charges one failure for a 503 answer that five callers share, and gives each SUBGRAPH_UNAVAILABLE', async () => {
    const http = subgraphHttp();
    const resilience = subgraphResilience(
      { timeoutMs: 10_000, busyTimeoutMs: 10_000, maxInFlight: 0, retries: 0, breakerFailures: 2, breakerResetMs: 5_000 },
      log,
    );
    const source = new SignedDataSource({ url, secret, subgraph: 'catalogue', http, resilience });
    const round = async () => {
      const reads = Array.from({ length: 5 }, () => readAs(source, url, staff));
      await eventually(() => subgraph.held.length === 1, 'the subgraph holds one fetch');
      subgraph.answerAll(503);
      const outcomes = await Promise.allSettled(reads);
      for (const outcome of outcomes) {
        expect((outcome as PromiseRejectedResult).reason).toMatchObject({
          message: 'the catalogue subgraph answered HTTP 503',
          extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'catalogue' },
        });
      }
    };
    await round();
    expect(resilience.breaker('catalogue').state).toBe('closed'); // one failure of two, not five
    await round();
    expect(resilience.breaker('catalogue').state).toBe('open');
    await http.close();
  });

  it('charges one failure when a fetch five callers share cannot connect', async () => {
    const port = await closedPort();
    const http = subgraphHttp();
    const resilience = subgraphResilience(
      { timeoutMs: 10_000, busyTimeoutMs: 10_000, maxInFlight: 0, retries: 0, breakerFailures: 2, breakerResetMs: 5_000 },
      log,
    );
    const nowhere = `http://127.0.0.1:${port}/graphql`;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, () => resilience.run('catalogue', true, (signal) => http.post(nowhere, {}, BODY, signal, 'page'))),
    );
    for (const outcome of outcomes) {
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'catalogue' },
      });
    }
    expect(http.shared).toBe(4);
    expect(resilience.breaker('catalogue').state).toBe('closed');
    await http.close();
  });
});
