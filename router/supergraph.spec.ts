import { join } from 'node:path';
import { loadConfig } from '../platform/config/config.ts';
import { DEFAULT_SUPERGRAPH_PATH, parseSupergraph, readSupergraph, SupergraphMissingError, subgraphEndpoints } from './supergraph.ts';
import { composeTestSupergraph } from './testing/harness.ts';

describe('readSupergraph', () => {
  it('looks for schema/supergraph.graphql next to the router, whatever the working directory', () => {
    expect(DEFAULT_SUPERGRAPH_PATH).toBe(join(import.meta.dirname, '..', 'schema', 'supergraph.graphql'));
  });

  it('names the missing file and the command that composes it', () => {
    const missing = join(import.meta.dirname, 'no-such-supergraph.graphql');
    expect(() => readSupergraph(missing)).toThrow(SupergraphMissingError);
    expect(() => readSupergraph(missing)).toThrow(`no supergraph at ${missing}; run \`npm run compose\``);
  });
});

describe('subgraphEndpoints', () => {
  const supergraph = parseSupergraph(composeTestSupergraph());

  it('routes a subgraph to the URL its <NAME>_URL configures, not the one written at composition', () => {
    const config = loadConfig({ NODE_ENV: 'test', CATALOGUE_URL: 'http://catalogue.internal:8080/graphql' });
    expect(subgraphEndpoints(supergraph, config)).toEqual([{ name: 'catalogue', url: 'http://catalogue.internal:8080/graphql' }]);
  });

  it('lets an explicit override win over the configuration', () => {
    const config = loadConfig({ NODE_ENV: 'test' });
    expect(subgraphEndpoints(supergraph, config, { catalogue: 'http://127.0.0.1:5555/graphql' })).toEqual([
      { name: 'catalogue', url: 'http://127.0.0.1:5555/graphql' },
    ]);
  });
});
