import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse, printSchema } from 'graphql';
import { DEFAULT_PORTS, SUBGRAPH_NAMES, type SubgraphName } from '../platform/config/config.ts';
import { subgraphTypeDefs } from '../platform/graphql/schema/type-defs.ts';

/**
 * Static composition: every subgraph's committed SDL, composed by
 * @apollo/composition into the supergraph the router loads and the public API
 * schema clients (and the public contract in test/contract/) validate against. No running
 * services and no Rover binary are needed.
 */
export const SUBGRAPHS_DIR = join(import.meta.dirname, '..', 'subgraphs');
export const SUPERGRAPH_FILE = join(import.meta.dirname, 'supergraph.graphql');
export const API_SCHEMA_FILE = join(import.meta.dirname, 'api.graphql');

export type SubgraphSdl = { name: SubgraphName; url: string; typeDefs: string };

/** The subgraphs that exist so far, in the order of docs/architecture.md §1, with their default URLs. */
export function readSubgraphSdls(): SubgraphSdl[] {
  return SUBGRAPH_NAMES.filter((name) => existsSync(join(SUBGRAPHS_DIR, name, 'schema.graphql'))).map((name) => ({
    name,
    url: `http://127.0.0.1:${DEFAULT_PORTS[name]}/graphql`,
    typeDefs: subgraphTypeDefs(join(SUBGRAPHS_DIR, name)),
  }));
}

export class CompositionError extends Error {
  constructor(messages: readonly string[]) {
    super(`composition failed:\n  - ${messages.join('\n  - ')}`);
    this.name = 'CompositionError';
  }
}

export function composeSupergraph(subgraphs: readonly SubgraphSdl[] = readSubgraphSdls()): { supergraphSdl: string; apiSdl: string } {
  const result = composeServices(subgraphs.map(({ name, url, typeDefs }) => ({ name, url, typeDefs: parse(typeDefs) })));
  if (result.errors) throw new CompositionError(result.errors.map((error) => error.message));
  const apiSchema = result.schema.toAPISchema().toGraphQLJSSchema();
  return { supergraphSdl: `${result.supergraphSdl.trim()}\n`, apiSdl: `${printSchema(apiSchema).trim()}\n` };
}
