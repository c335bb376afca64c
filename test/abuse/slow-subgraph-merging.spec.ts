import type { ServerResponse } from 'node:http';
import { eventually } from '../../platform/testing/eventually.ts';
import { expectWellBehavedQueryAnswered } from '../support/abuse.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

/**
 * A subgraph that stops answering, under many clients at once. The router
 * merges identical subgraph fetches in flight together; callers that had
 * joined a fetch whose first caller timed out used to see an AbortError,
 * which the circuit breaker counted as a success (reclosing the circuit the
 * first caller had just opened) and clients saw as INTERNAL. Now every caller
 * gets SUBGRAPH_UNAVAILABLE, each fetch sent counts once, the circuit opens
 * after SUBGRAPH_BREAKER_FAILURES fetches and nothing more is sent to the
 * subgraph, while queries that do not touch it are served as usual.
 */
const SKU = 'BP-TOY-COR-F';
const FAILURES = 3;
/** Different client operations whose plans share one stock fetch (the same SKU's stock), so their fetches merge. */
const NEEDS_STOCK = [
  `{ sku(code: "${SKU}") { code stock { available } } }`,
  `{ sku(code: "${SKU}") { code stock { available } } brands { name } }`,
  `{ sku(code: "${SKU}") { code stock { available } } categories { id } }`,
  `{ brands { id } sku(code: "${SKU}") { code stock { available } } }`,
  `{ categories { name } sku(code: "${SKU}") { code stock { available } } }`,
];

type Answer = { data?: unknown; errors?: { message: string; extensions?: { code?: string; subgraph?: string } }[] };

describe('a subgraph that stops answering, with its fetches merged', () => {
  let system: TestSystem;
  const held: ServerResponse[] = [];
  beforeAll(async () => {
    system = await startTestSystem(
      { label: 'SQLite', mysqlUrl: undefined },
      {
        SEED_DEMO_DATA: 'true',
        SUBGRAPH_TIMEOUT_MS: '1000',
        SUBGRAPH_BREAKER_FAILURES: String(FAILURES),
        SUBGRAPH_BREAKER_RESET_MS: '600000',
      },
    );
    // The real stock subgraph keeps its port open and reads every request, but answers none.
    const stock = system.system.subgraphs.find((subgraph) => subgraph.name === 'stock')!.http;
    stock.removeAllListeners('request');
    stock.on('request', (_req, res: ServerResponse) => held.push(res));
  });
  afterAll(async () => {
    for (const res of held) res.destroy();
    await system?.close();
  });

  it('gives every client SUBGRAPH_UNAVAILABLE, opens the circuit after one failure per fetch sent, and serves everything else', async () => {
    const answers: Answer[] = [];
    const circuitOpen = (answer: Answer) => answer.errors?.some((error) => error.message.includes('is unavailable: its last')) ?? false;
    for (let round = 0; round < 10 && !answers.some(circuitOpen); round += 1) {
      const before = held.length;
      const pending = NEEDS_STOCK.map((query) => system.graphql(query));
      // While the stock fetch hangs, a query that does not touch stock is answered whole.
      if (round === 0) {
        await eventually(async () => held.length > before, 'the stock subgraph holds the first fetch', { timeoutMs: 15_000 });
        await expectWellBehavedQueryAnswered(system);
      }
      for (const { status, body } of await Promise.all(pending)) {
        expect(status).toBe(200);
        answers.push(body as Answer);
      }
    }
    for (const answer of answers) {
      expect(answer.errors).toEqual([
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'stock' }) }),
      ]);
    }
    // The circuit opened, after exactly as many fetches as its threshold: each fetch sent was one failure, however many clients shared it.
    expect(answers.some(circuitOpen)).toBe(true);
    expect(held).toHaveLength(FAILURES);
    // Open: clients are answered at once, and nothing more is sent to the subgraph.
    const { body } = await system.graphql(NEEDS_STOCK[0]!);
    expect(circuitOpen(body as Answer)).toBe(true);
    expect(held).toHaveLength(FAILURES);
    await expectWellBehavedQueryAnswered(system);
    const { body: brands } = await system.graphql(`{ sku(code: "${SKU}") { code product { name } } brands { name } }`);
    expect(brands.errors).toBeUndefined();
  });
});
