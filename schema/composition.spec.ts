import { readFileSync } from 'node:fs';
import { API_SCHEMA_FILE, CompositionError, composeSupergraph, readSubgraphSdls, SUPERGRAPH_FILE } from './composition.ts';

describe('the committed schema', () => {
  it('matches what composing the subgraphs produces now (run npm run compose when this fails)', () => {
    const { supergraphSdl, apiSdl } = composeSupergraph();
    expect(readFileSync(SUPERGRAPH_FILE, 'utf8')).toBe(supergraphSdl);
    expect(readFileSync(API_SCHEMA_FILE, 'utf8')).toBe(apiSdl);
  });

  it('keeps federation and auth directives out of the public API schema', () => {
    const api = readFileSync(API_SCHEMA_FILE, 'utf8');
    expect(api).not.toMatch(/@join__|@link|@requiresScopes|@key/);
    expect(api).toMatch(/type Query/);
  });
});

describe('composition', () => {
  it('fails with the composer messages when subgraphs disagree', () => {
    const [catalogue] = readSubgraphSdls();
    const clash = {
      name: 'stock' as const,
      url: 'http://127.0.0.1:4002/graphql',
      // Money is @shareable in the catalogue; declaring it without that is a composition error.
      typeDefs: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
        scalar Decimal
        type Money { amount: Decimal! currencyCode: String! }
        type Query { price: Money }`,
    };
    expect(() => composeSupergraph([catalogue!, clash])).toThrow(CompositionError);
    expect(() => composeSupergraph([catalogue!, clash])).toThrow(/Money/);
  });
});
