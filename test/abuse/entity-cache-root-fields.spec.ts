import { startTestSystem, type TestSystem } from '../support/system.ts';

/**
 * A caller who sends endless distinct root-field queries (another alias,
 * another search, another page size each time) to fill the router's memory:
 * every one is answered, and the entity cache, root answers included, never
 * holds more than ENTITY_CACHE_MAX_BYTES, nor its whole answers more than
 * ENTITY_CACHE_ANSWER_MAX_BYTES.
 */
async function metric(system: TestSystem, name: string): Promise<number> {
  const text = await (await fetch(system.system.routerMetricsUrl)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : Number.NaN;
}

describe('a caller flooding the entity cache with distinct root-field queries', () => {
  let system: TestSystem;
  const maxBytes = 48 * 1024;
  const maxAnswerBytes = 32 * 1024;
  beforeAll(async () => {
    system = await startTestSystem(
      { label: 'SQLite', mysqlUrl: undefined },
      {
        SEED_DEMO_DATA: 'true',
        ENTITY_CACHE: 'on',
        ENTITY_CACHE_MAX_BYTES: String(maxBytes),
        ENTITY_CACHE_ANSWER_MAX_BYTES: String(maxAnswerBytes),
      },
    );
  });
  afterAll(async () => {
    await system?.close();
  });

  it('answers each, and the cache stays within ENTITY_CACHE_MAX_BYTES', async () => {
    for (let i = 0; i < 120; i++) {
      const query = `query ($search: String, $first: Int) { products(filter: { search: $search }, first: $first) { totalCount edges { node { a${i}: name description } } } }`;
      const { status, body } = await system.graphql(query, { search: i % 2 ? 'brake' : null, first: 1 + (i % 20) });
      expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
      if (i % 40 === 39) {
        expect(await metric(system, 'router_entity_cache_bytes')).toBeLessThanOrEqual(maxBytes);
        expect(await metric(system, 'router_entity_cache_answer_bytes')).toBeLessThanOrEqual(maxAnswerBytes);
      }
    }
    expect(await metric(system, 'router_entity_cache_root_misses')).toBeGreaterThanOrEqual(120);
    expect(await metric(system, 'router_entity_cache_entries')).toBeGreaterThan(0);
    expect(await metric(system, 'router_entity_cache_bytes')).toBeLessThanOrEqual(maxBytes);
    // Each was a public query, so each whole answer was kept, the oldest pushed out past the bound.
    expect(await metric(system, 'router_entity_cache_answer_entries')).toBeGreaterThan(0);
    expect(await metric(system, 'router_entity_cache_answer_bytes')).toBeLessThanOrEqual(maxAnswerBytes);
  });
});
