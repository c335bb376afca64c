import type { Logger } from '../platform/observability/log.ts';
import { SharedFetchAbandonedError } from './subgraph-http.ts';
import { subgraphResilience } from './subgraph-resilience.ts';

const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fetch that answers `value` after `ms`, or fails as the real one does when its signal aborts first. */
const answerAfter =
  <T>(ms: number, value: T) =>
  (signal: AbortSignal) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => resolve(value), ms);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(signal.reason);
      });
    });

describe('a busy subgraph is not a dead one', () => {
  const settings = { timeoutMs: 150, busyTimeoutMs: 2_000, maxInFlight: 0, retries: 0, breakerFailures: 1, breakerResetMs: 60_000 };

  it('waits past SUBGRAPH_TIMEOUT_MS for a fetch while the subgraph keeps answering others, and keeps the circuit closed', async () => {
    const resilience = subgraphResilience(settings, quiet);
    // One slow fetch of three timeouts' length, while quick fetches to the same subgraph come back every 50 ms.
    const slow = resilience.run('catalogue', true, answerAfter(450, 'slow page'));
    let quick = 0;
    while (quick < 12) {
      await expect(resilience.run('catalogue', true, answerAfter(10, 'quick'))).resolves.toBe('quick');
      quick += 1;
      await sleep(40);
    }
    await expect(slow).resolves.toBe('slow page');
    expect(resilience.breaker('catalogue').state).toBe('closed');
  });

  it('gives up after SUBGRAPH_TIMEOUT_MS when the subgraph answers nothing at all, and counts it against the subgraph', async () => {
    const resilience = subgraphResilience(settings, quiet);
    // Another subgraph answering says nothing of this one.
    const others = resilience.run('stock', true, answerAfter(50, 'stock'));
    await expect(resilience.run('catalogue', true, answerAfter(1_000, 'never'))).rejects.toMatchObject({
      message: 'the catalogue subgraph did not answer in time',
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'catalogue' },
    });
    await others;
    expect(resilience.breaker('catalogue').state).toBe('open');
    expect(resilience.breaker('stock').state).toBe('closed');
  });

  it('ends a fetch the subgraph never finishes at SUBGRAPH_BUSY_TIMEOUT_MS, however busy it is answering others', async () => {
    const resilience = subgraphResilience({ ...settings, busyTimeoutMs: 400, breakerFailures: 0 }, quiet);
    let outcome: 'pending' | 'answered' | 'given up' = 'pending';
    const stuck = resilience.run('catalogue', true, answerAfter(60_000, 'never')).then(
      () => {
        outcome = 'answered';
      },
      (error: { extensions?: { code?: string } }) => {
        expect(error.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
        outcome = 'given up';
      },
    );
    // Answers keep coming back from the same subgraph throughout, so silence never ends the stuck fetch; only the cap can.
    for (let i = 0; i < 40 && outcome === 'pending'; i++) {
      await resilience.run('catalogue', true, answerAfter(5, 'quick'));
      await sleep(25);
    }
    await stuck;
    expect(outcome).toBe('given up');
  });

  it('charges a hung fetch five callers share once when SUBGRAPH_BUSY_TIMEOUT_MS ends it, though the subgraph keeps answering others', async () => {
    const resilience = subgraphResilience({ ...settings, busyTimeoutMs: 400, breakerFailures: 2 }, quiet);
    // Five callers of one shared fetch, each abandoning it as subgraph-http.ts does: an error naming the fetch.
    const sharedHungFetch = () => {
      const fetch = {};
      return (signal: AbortSignal) =>
        new Promise<string>((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(new SharedFetchAbandonedError(fetch, signal.reason)), { once: true });
        });
    };
    const round = async () => {
      const shared = sharedHungFetch();
      const callers = Promise.allSettled(Array.from({ length: 5 }, () => resilience.run('catalogue', true, shared)));
      let settled = false;
      void callers.then(() => {
        settled = true;
      });
      // The subgraph answers other fetches throughout, so only the cap can end the hung one.
      while (!settled) {
        await resilience.run('catalogue', true, answerAfter(5, 'quick'));
        await sleep(25);
      }
      for (const outcome of await callers) {
        expect(outcome.status).toBe('rejected');
        expect((outcome as PromiseRejectedResult).reason.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'catalogue' });
      }
    };
    await round();
    expect(resilience.breaker('catalogue').state).toBe('closed'); // one failure of two, not five
    // A quick fetch still in flight when the cap ended the hung one may have answered after it and reset the
    // run of failures; two more shared hung fetches in a row, with nothing between them, are two failures.
    for (let fetches = 0; fetches < 2; fetches++) {
      const hung = sharedHungFetch();
      await Promise.allSettled(Array.from({ length: 5 }, () => resilience.run('catalogue', true, hung)));
    }
    expect(resilience.breaker('catalogue').state).toBe('open'); // each shared fetch was one failure
  });
});
