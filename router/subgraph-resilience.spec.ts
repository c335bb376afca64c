import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import type { Logger } from '../platform/observability/log.ts';
import type { SubgraphFetchSettings } from './config.ts';
import type { RouterContext } from './context.ts';
import { SignedDataSource } from './signed-data-source.ts';
import { SharedFetchAbandonedError } from './subgraph-http.ts';
import { subgraphResilience } from './subgraph-resilience.ts';

const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };
const settings: SubgraphFetchSettings = {
  timeoutMs: 300,
  busyTimeoutMs: 300,
  maxInFlight: 0,
  retries: 2,
  breakerFailures: 3,
  breakerResetMs: 10_000,
};
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });

// cockatiel's breaker reads Date.now: a pause passes by moving the clock on, not by waiting.
const realNow = Date.now;
let skew = 0;
beforeEach(() => {
  skew = 0;
  jest.spyOn(Date, 'now').mockImplementation(() => realNow() + skew);
});
afterEach(() => {
  jest.restoreAllMocks();
});

/** A fetch the test ends by hand: `settle` answers or fails it. */
function pendingFetch() {
  let settle: (outcome: { value: string } | { error: unknown }) => void = () => {};
  const promise = new Promise<string>((resolve, reject) => {
    settle = (outcome) => ('value' in outcome ? resolve(outcome.value) : reject(outcome.error));
  });
  return { fetch: () => promise, settle: (outcome: { value: string } | { error: unknown }) => settle(outcome) };
}

describe('a subgraph circuit breaker (cockatiel ConsecutiveBreaker)', () => {
  const breakerSettings = { ...settings, retries: 0, breakerFailures: 3, breakerResetMs: 1000 };
  const failing = async () => {
    throw refused();
  };
  const fails = (resilience: ReturnType<typeof subgraphResilience>) =>
    expect(resilience.run('stock', true, failing)).rejects.toMatchObject({ extensions: { code: 'SUBGRAPH_UNAVAILABLE' } });

  it('opens after the configured failures in a row, fails fast while open, half-opens after the pause for one trial, and closes on its success', async () => {
    const resilience = subgraphResilience(breakerSettings, quiet);
    await fails(resilience);
    await fails(resilience);
    await expect(resilience.run('stock', true, async () => 'ok')).resolves.toBe('ok'); // a success ends the run
    await fails(resilience);
    await fails(resilience);
    expect(resilience.breaker('stock').state).toBe('closed');
    await fails(resilience);
    expect(resilience.breaker('stock').state).toBe('open');
    let sent = 0;
    const counting = async () => {
      sent += 1;
      return 'ok';
    };
    await expect(resilience.run('stock', true, counting)).rejects.toMatchObject({
      message: 'the stock subgraph is unavailable: its last 3 fetches failed; the router tries it again in 1 s',
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'stock' },
    });
    expect(sent).toBe(0);
    expect(resilience.breaker('catalogue').state).toBe('closed'); // one breaker per subgraph

    skew += 1000;
    const trial = pendingFetch();
    const trialRun = resilience.run('stock', true, trial.fetch);
    expect(resilience.breaker('stock').state).toBe('half-open');
    // One trial at a time: the others fail at once, unsent, rather than wait for the trial's outcome.
    await expect(resilience.run('stock', true, counting)).rejects.toMatchObject({ extensions: { code: 'SUBGRAPH_UNAVAILABLE' } });
    expect(sent).toBe(0);
    trial.settle({ value: 'back' });
    await expect(trialRun).resolves.toBe('back');
    expect(resilience.breaker('stock').state).toBe('closed');
    await expect(resilience.run('stock', true, counting)).resolves.toBe('ok');
    expect(sent).toBe(1);
  });

  it('reopens for another full pause when the trial fails', async () => {
    const resilience = subgraphResilience({ ...breakerSettings, breakerFailures: 1 }, quiet);
    await fails(resilience);
    skew += 1500;
    await fails(resilience); // the trial
    expect(resilience.breaker('stock').state).toBe('open');
    let sent = 0;
    const counting = async () => {
      sent += 1;
      return 'ok';
    };
    skew += 900;
    await expect(resilience.run('stock', true, counting)).rejects.toMatchObject({ message: expect.stringContaining('is unavailable') });
    expect(sent).toBe(0);
    skew += 100;
    await expect(resilience.run('stock', true, counting)).resolves.toBe('ok');
    expect(sent).toBe(1);
  });

  it('reopens the circuit when the trial fails with a failure of a shared fetch that was already charged', async () => {
    const resilience = subgraphResilience({ ...breakerSettings, breakerFailures: 1 }, quiet);
    const hungFetch = {};
    const abandoned = async () => {
      throw new SharedFetchAbandonedError(hungFetch, new DOMException('deadline', 'TimeoutError'));
    };
    await expect(resilience.run('stock', true, abandoned)).rejects.toMatchObject({ extensions: { code: 'SUBGRAPH_UNAVAILABLE' } });
    expect(resilience.breaker('stock').state).toBe('open');
    skew += 1000;
    // The trial joins the same shared fetch and gets its failure: not charged again, yet it decides the trial.
    await expect(resilience.run('stock', true, abandoned)).rejects.toMatchObject({ extensions: { code: 'SUBGRAPH_UNAVAILABLE' } });
    expect(resilience.breaker('stock').state).toBe('open');
    skew += 1000;
    await expect(resilience.run('stock', true, async () => 'back')).resolves.toBe('back');
    expect(resilience.breaker('stock').state).toBe('closed');
  });

  it('closes a half-open circuit when the trial is answered with an error of the request (the subgraph is alive)', async () => {
    const resilience = subgraphResilience({ ...breakerSettings, breakerFailures: 1 }, quiet);
    await fails(resilience);
    skew += 1000;
    const forbidden = new GraphQLError('no', { extensions: { code: 'FORBIDDEN', response: { status: 403 } } });
    await expect(
      resilience.run('stock', true, async () => {
        throw forbidden;
      }),
    ).rejects.toBe(forbidden);
    expect(resilience.breaker('stock').state).toBe('closed');
  });
});

describe('subgraph fetches under failure', () => {
  it('retries a query that could not connect, and never a mutation', async () => {
    const resilience = subgraphResilience({ ...settings, breakerFailures: 0 }, quiet);
    let attempts = 0;
    const failing = async () => {
      attempts += 1;
      throw refused();
    };
    await expect(resilience.run('stock', true, failing)).rejects.toMatchObject({
      message: 'the stock subgraph unreachable (ECONNREFUSED) after 3 attempts',
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'stock' },
    });
    expect(attempts).toBe(3);
    attempts = 0;
    await expect(resilience.run('orders', false, failing)).rejects.toMatchObject({
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'orders' },
    });
    expect(attempts).toBe(1);
  });

  it('passes a GraphQL error of the request on untouched, unretried and without tripping the breaker', async () => {
    const resilience = subgraphResilience({ ...settings, breakerFailures: 1 }, quiet);
    let attempts = 0;
    const forbidden = new GraphQLError('no', { extensions: { code: 'FORBIDDEN', response: { status: 403 } } });
    for (let i = 0; i < 3; i++) {
      await expect(
        resilience.run('stock', true, async () => {
          attempts += 1;
          throw forbidden;
        }),
      ).rejects.toBe(forbidden);
    }
    expect(attempts).toBe(3);
    expect(resilience.breaker('stock').state).toBe('closed');
  });
});

/** A subgraph stand-in whose behaviour each test sets; counts the requests that reach it. */
function fakeSubgraph() {
  let behaviour: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => answer(res);
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests += 1;
    req.resume();
    behaviour(req, res);
  });
  return {
    server,
    requests: () => requests,
    behave(next: typeof behaviour) {
      behaviour = next;
    },
    async start() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    },
  };
}

function answer(res: ServerResponse) {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ data: { hello: 'hi' } }));
}

describe('a data source with timeouts, retries and a circuit breaker', () => {
  const subgraph = fakeSubgraph();
  let url: string;
  beforeAll(async () => {
    url = await subgraph.start();
  });
  afterAll(async () => {
    subgraph.server.closeAllConnections();
    await new Promise((resolve) => subgraph.server.close(resolve));
  });

  // The gateway's own kind of fetch, made for no caller (its enum is not exported at run time).
  const fetchOnce = (source: SignedDataSource, query: string) =>
    source.process({
      kind: 'health check',
      request: { query, http: { method: 'POST', url, headers: new Headers() } },
      context: {},
    } as unknown as GraphQLDataSourceProcessOptions<RouterContext>);

  it('retries a query whose connection was dropped, but not a mutation', async () => {
    const source = new SignedDataSource({
      url,
      secret: 's'.repeat(32),
      subgraph: 'stock',
      resilience: subgraphResilience(settings, quiet),
    });
    let drops = 1;
    subgraph.behave((req, res) => {
      if (drops-- > 0) req.socket.destroy();
      else answer(res);
    });
    const before = subgraph.requests();
    expect(await fetchOnce(source, 'query Q { hello }')).toMatchObject({ data: { hello: 'hi' } });
    expect(subgraph.requests() - before).toBe(2);

    drops = 1;
    const beforeMutation = subgraph.requests();
    await expect(fetchOnce(source, 'mutation M { hello }')).rejects.toMatchObject({
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'stock' },
    });
    expect(subgraph.requests() - beforeMutation).toBe(1);
  });

  it('gives up on a subgraph that does not answer in time, without retrying', async () => {
    const source = new SignedDataSource({
      url,
      secret: 's'.repeat(32),
      subgraph: 'stock',
      resilience: subgraphResilience(settings, quiet),
    });
    subgraph.behave(() => undefined);
    const before = subgraph.requests();
    await expect(fetchOnce(source, 'query Q { hello }')).rejects.toMatchObject({
      message: 'the stock subgraph did not answer in time',
      extensions: { code: 'SUBGRAPH_UNAVAILABLE' },
    });
    expect(subgraph.requests() - before).toBe(1);
  });

  it('opens the circuit after failures in a row, fails fast while open, and recovers after the pause', async () => {
    const resilience = subgraphResilience(
      { timeoutMs: 1000, busyTimeoutMs: 1000, maxInFlight: 0, retries: 0, breakerFailures: 3, breakerResetMs: 300 },
      quiet,
    );
    const source = new SignedDataSource({ url, secret: 's'.repeat(32), subgraph: 'stock', resilience });
    subgraph.behave((_req, res) => {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('down');
    });
    for (let i = 0; i < 3; i++) {
      await expect(fetchOnce(source, 'query Q { hello }')).rejects.toMatchObject({ message: 'the stock subgraph answered HTTP 503' });
    }
    const whileOpen = subgraph.requests();
    await expect(fetchOnce(source, 'query Q { hello }')).rejects.toMatchObject({
      message: expect.stringMatching(/^the stock subgraph is unavailable: its last 3 fetches failed; the router tries it again in 1 s$/),
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'stock' },
    });
    expect(subgraph.requests()).toBe(whileOpen);

    subgraph.behave((_req, res) => answer(res));
    skew += 300;
    expect(await fetchOnce(source, 'query Q { hello }')).toMatchObject({ data: { hello: 'hi' } });
    expect(resilience.breaker('stock').state).toBe('closed');
  });
});
