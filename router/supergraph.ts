import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DocumentNode, Kind, parse, valueFromASTUntyped } from 'graphql';
import type { Config, SubgraphName } from '../platform/config/config.ts';

/**
 * The composed supergraph the router serves. `npm run compose` writes it next
 * to the composition script; the path is resolved from this module, never from
 * the working directory, so the router starts the same from any folder.
 */
export const DEFAULT_SUPERGRAPH_PATH = join(import.meta.dirname, '..', 'schema', 'supergraph.graphql');

export class SupergraphMissingError extends Error {
  constructor(path: string) {
    super(`no supergraph at ${path}; run \`npm run compose\` to compose it from the subgraph schemas`);
    this.name = 'SupergraphMissingError';
  }
}

export function readSupergraph(path = DEFAULT_SUPERGRAPH_PATH): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new SupergraphMissingError(path);
    throw error;
  }
}

/** A subgraph as the supergraph names it, with the GraphQL URL the router will call. */
export type SubgraphEndpoint = { name: string; url: string };

/** Per subgraph name, a GraphQL URL that wins over the configuration (tests use free ports). */
export type SubgraphUrlOverrides = Readonly<Record<string, string>>;

/**
 * Every subgraph of the supergraph (the values of its `join__Graph` enum) and
 * where to reach it: an explicit override first, then the configuration
 * (`<NAME>_URL`, which an operator controls), and only for a subgraph the
 * configuration does not know, the routing URL written at composition time.
 */
export function subgraphEndpoints(supergraph: DocumentNode, config: Config, overrides: SubgraphUrlOverrides = {}): SubgraphEndpoint[] {
  const graphs = supergraph.definitions.find(
    (definition) => definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === 'join__Graph',
  );
  if (graphs?.kind !== Kind.ENUM_TYPE_DEFINITION) throw new Error('the supergraph has no join__Graph enum; is it a composed supergraph?');
  return (graphs.values ?? []).map((value) => {
    const joinGraph = value.directives?.find((directive) => directive.name.value === 'join__graph');
    const argument = (name: string) => joinGraph?.arguments?.find((arg) => arg.name.value === name);
    const nameArgument = argument('name');
    const urlArgument = argument('url');
    const name = nameArgument ? String(valueFromASTUntyped(nameArgument.value)) : value.name.value.toLowerCase();
    const composedUrl = urlArgument ? String(valueFromASTUntyped(urlArgument.value)) : '';
    const url = overrides[name] ?? (config.subgraphUrls as Partial<Record<string, string>>)[name as SubgraphName] ?? composedUrl;
    if (url === '') throw new Error(`subgraph ${name} has no URL: set ${name.toUpperCase()}_URL`);
    return { name, url };
  });
}

export function parseSupergraph(sdl: string): DocumentNode {
  return parse(sdl, { noLocation: true });
}
