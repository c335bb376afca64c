import { composeServices } from '@apollo/composition';
import { type GraphQLSchema, parse, printSchema } from 'graphql';
import { createGateway } from '../gateway.ts';
import { parseSupergraph } from '../supergraph.ts';
import { composeTestSupergraph } from '../testing/harness.ts';
import { supergraphForGateway } from './gateway-sdl.ts';

async function loadInGateway(supergraphSdl: string): Promise<GraphQLSchema> {
  const gateway = createGateway({ supergraphSdl, logger: { debug() {}, info() {}, warn() {}, error() {} } });
  try {
    return (await gateway.load()).schema;
  } finally {
    await gateway.stop();
  }
}

describe('supergraphForGateway', () => {
  const original = composeTestSupergraph();

  it('is needed: the gateway refuses the composed supergraph for its SECURITY features', async () => {
    await expect(loadInGateway(original)).rejects.toThrow(
      'feature https://specs.apollo.dev/authenticated/v0.1 is for: SECURITY but is unsupported',
    );
  });

  it('gives the gateway a supergraph it loads, with the same public schema', async () => {
    const schema = await loadInGateway(supergraphForGateway(parseSupergraph(original)));
    expect(schema.getMutationType()?.getFields().setPrice).toBeDefined();
    expect(printSchema(schema)).not.toMatch(/authenticated|requiresScopes/);
  });

  it('removes the two links, their directives, their uses and their namespaced types, and nothing else', () => {
    const copy = supergraphForGateway(parseSupergraph(original));
    expect(copy).not.toMatch(/specs\.apollo\.dev\/(authenticated|requiresScopes)/);
    expect(copy).not.toMatch(/@authenticated|@requiresScopes|requiresScopes__Scope/);
    expect(copy).toContain('@link(url: "https://specs.apollo.dev/join/v0.5", for: EXECUTION)');
    expect(copy).toContain('type ArchivedItem implements Item');
  });

  it('keeps a security feature the router does not enforce, so the gateway still refuses it', async () => {
    const typeDefs = parse(`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@policy", "@authenticated"])
      type Query { report: String @policy(policies: [["finance"]]) me: String @authenticated }
    `);
    const { supergraphSdl, errors } = composeServices([{ name: 'catalogue', url: 'http://catalogue.invalid/graphql', typeDefs }]);
    expect(errors).toBeUndefined();
    await expect(loadInGateway(supergraphForGateway(parseSupergraph(supergraphSdl!)))).rejects.toThrow(
      'feature https://specs.apollo.dev/policy/v0.1 is for: SECURITY but is unsupported',
    );
  });
});
