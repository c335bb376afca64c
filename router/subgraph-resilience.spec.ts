import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import type { Logger } from '../platform/observability/log.ts';
import type { SubgraphFetchSettings } from './config.ts';
import type { RouterContext } from './context.ts';
import { SignedDataSource } from './signed-data-source.ts';
import { CircuitBreaker, subgraphResilience } from './subgraph-resilience.ts';

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

describe('a circuit breaker', () => {
  it('opens after the configured failures in a row, half-opens after the pause for one trial, and closes on its success', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failures: 3, resetMs: 1000, now: () => now });
    breaker.failed();
    breaker.failed();
    breaker.succeeded();
    breaker.failed();
    breaker.failed();
    expect(breaker.state).toBe('closed');
    breaker.failed();
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
    expect(breaker.retryInSeconds()).toBe(1);
    now = 1000;
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(true);
    // One trial at a time.
    expect(breaker.tryAcquire()).toBe(false);
    breaker.succeeded();
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('reopens for another pause when the trial fails', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failures: 1, resetMs: 1000, now: () => now });
    breaker.failed();
    now = 1500;
    expect(breaker.tryAcquire()).toBe(true);
    breaker.failed();
    expect(breaker.state).toBe('open');
    now = 2400;
    expect(breaker.tryAcquire()).toBe(false);
    now = 2500;
    expect(breaker.tryAcquire()).toBe(true);
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
    let now = 1_000_000;
    const resilience = subgraphResilience(
      { timeoutMs: 1000, busyTimeoutMs: 1000, maxInFlight: 0, retries: 0, breakerFailures: 3, breakerResetMs: 300 },
      quiet,
      () => now,
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
    now += 300;
    expect(await fetchOnce(source, 'query Q { hello }')).toMatchObject({ data: { hello: 'hi' } });
    expect(resilience.breaker('stock').state).toBe('closed');
  });
});
