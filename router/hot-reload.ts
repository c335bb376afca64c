import { createHash } from 'node:crypto';
import { type FSWatcher, statSync, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { ApolloGateway, GraphQLDataSource, ServiceMap, SupergraphSdlHook, SupergraphSdlUpdateFunction } from '@apollo/gateway';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { buildRequirementMap, type RequirementMap } from '../platform/auth/requirements.ts';
import type { Config } from '../platform/config/config.ts';
import type { Logger } from '../platform/observability/log.ts';
import { supergraphForGateway } from './auth/gateway-sdl.ts';
import { buildSubscriptionGraph, type SubscriptionGraph } from './subscriptions/graph.ts';
import {
  DEFAULT_SUPERGRAPH_PATH,
  parseSupergraph,
  readSupergraph,
  type SubgraphEndpoint,
  type SubgraphUrlOverrides,
  subgraphEndpoints,
} from './supergraph.ts';

/**
 * The supergraph the router serves, reloadable while it serves (issue 9, item 6).
 *
 * A new file is built completely first (parsed, endpoints resolved, the
 * gateway SDL, the requirement map and the subscription planner); anything
 * that fails there, or in the gateway's own load, is logged and the current
 * graph keeps serving. Then:
 * - queries and mutations: the gateway swaps through its `supergraphSdl`
 *   update callback. Apollo Server hands each request the schema of its
 *   moment, and a request already executing keeps its query plan and data
 *   sources, so nothing in flight is dropped; the old graph is released
 *   when its last request is done;
 * - authorization: rules are kept per API schema, so a request is checked
 *   against the supergraph it was validated on, even if a swap happens between;
 * - subscriptions: new ones are planned on the new graph; open ones keep theirs.
 */
export type LiveSupergraph = {
  /** For ApolloGateway's `supergraphSdl`: hands over the first graph and keeps the update callback. */
  readonly gatewaySupergraph: SupergraphSdlHook;
  /** Connects the rules to the gateway's schemas; call once with the gateway built from `gatewaySupergraph`. */
  follow(gateway: ApolloGateway): void;
  /** The authorization rules of the supergraph an API schema came from. */
  requirementsFor(schema: GraphQLSchema): RequirementMap;
  /** The graph new subscriptions are planned on. */
  subscriptionGraph(): SubscriptionGraph;
  /** Every subgraph of the current graph with its URL. */
  endpoints(): readonly SubgraphEndpoint[];
  /** Reads the file now (SIGHUP, tests); what happened to it. */
  reload(): Promise<ReloadOutcome>;
  /** Stops watching the file. */
  close(): void;
};

export type ReloadOutcome = 'swapped' | 'unchanged' | 'rejected' | 'not-watched';

export type LiveSupergraphOptions = {
  /** The supergraph to serve first. */
  sdl: string;
  /** The file it came from; watched (fs.watch, plus a stat every `pollMs`) and reloaded on change. Absent: never reloaded. */
  path?: string;
  /** The stat fallback for file systems where fs.watch misses changes (network mounts, some container volumes). Default 5 s. */
  pollMs?: number;
  config: Config;
  overrides?: SubgraphUrlOverrides;
  /** The router's map of subgraph URLs; a reload adds the URLs of subgraphs the new graph brings. */
  urlOf: Map<string, string>;
  /** The data source of a subgraph: the same the gateway builds (signed fetches). */
  buildDataSource(endpoint: SubgraphEndpoint): GraphQLDataSource;
  log: Logger;
};

type Generation = {
  id: string;
  gatewaySdl: string;
  requirements: RequirementMap;
  endpoints: SubgraphEndpoint[];
  /** Built on the first subscription: a second planner over the graph is tens of megabytes a query-only router need not hold. */
  subscriptions(): SubscriptionGraph;
};

/** Waits this long after a change event, so a file written in several steps is read once it is whole. */
const SETTLE_MS = 100;

export function createLiveSupergraph(options: LiveSupergraphOptions): LiveSupergraph {
  const { log, path } = options;
  const build = (sdl: string): Generation => {
    const id = hashOf(sdl);
    const supergraph: DocumentNode = parseSupergraph(sdl);
    const endpoints = subgraphEndpoints(supergraph, options.config, options.overrides);
    const gatewaySdl = supergraphForGateway(supergraph);
    const requirements = buildRequirementMap(supergraph);
    const dataSources: ServiceMap = Object.fromEntries(endpoints.map((endpoint) => [endpoint.name, options.buildDataSource(endpoint)]));
    let subscriptions: SubscriptionGraph | undefined;
    return {
      id,
      gatewaySdl,
      requirements,
      endpoints,
      subscriptions: () => {
        subscriptions ??= buildSubscriptionGraph(id, gatewaySdl, requirements, dataSources);
        return subscriptions;
      },
    };
  };

  let current = build(options.sdl);
  /** The content last refused, so a broken file is reported once, not at every poll. */
  let lastRefused: string | undefined;
  let updateGateway: SupergraphSdlUpdateFunction | undefined;
  /** The generation being handed to the gateway: its schema listener files the rules under the new API schema. */
  let loading: Generation | undefined;
  const rulesBySchema = new WeakMap<GraphQLSchema, RequirementMap>();

  const reloadNow = async (): Promise<ReloadOutcome> => {
    if (!path) return 'not-watched';
    let sdl: string;
    try {
      sdl = await readFile(path, 'utf8');
    } catch (error) {
      const reason = `unreadable: ${(error as Error).message}`;
      if (lastRefused !== reason) log.error(`the supergraph at ${path} was not reloaded; the current graph keeps serving`, error);
      lastRefused = reason;
      return 'rejected';
    }
    const id = hashOf(sdl);
    if (id === current.id) return 'unchanged';
    if (id === lastRefused) return 'rejected';
    let next: Generation;
    try {
      next = build(sdl);
      if (!updateGateway) throw new Error('the gateway is not running');
      loading = next;
      // Synchronous: the gateway builds its schema and query planner from it, or throws and keeps the old ones.
      updateGateway(next.gatewaySdl);
    } catch (error) {
      lastRefused = id;
      log.error(`the supergraph at ${path} was not loaded; the current graph keeps serving`, error);
      return 'rejected';
    } finally {
      loading = undefined;
    }
    for (const endpoint of next.endpoints) if (!options.urlOf.has(endpoint.name)) options.urlOf.set(endpoint.name, endpoint.url);
    current = next;
    lastRefused = undefined;
    log.info(`supergraph reloaded from ${path}: ${next.endpoints.length} subgraphs (${next.endpoints.map((e) => e.name).join(', ')})`);
    return 'swapped';
  };

  // One reload at a time, in order: a burst of changes ends with the file's last content.
  let queue: Promise<ReloadOutcome> = Promise.resolve('unchanged');
  const reload = () => {
    queue = queue.then(reloadNow, reloadNow);
    return queue;
  };
  const stopWatching = path ? watchFile(path, () => void reload(), options.pollMs ?? 5000) : () => undefined;

  return {
    gatewaySupergraph: async ({ update }) => {
      updateGateway = update;
      return {
        supergraphSdl: current.gatewaySdl,
        cleanup: async () => {
          updateGateway = undefined;
        },
      };
    },
    follow(gateway) {
      gateway.onSchemaLoadOrUpdate(({ apiSchema }) => rulesBySchema.set(apiSchema, (loading ?? current).requirements));
    },
    requirementsFor: (schema) => rulesBySchema.get(schema) ?? current.requirements,
    subscriptionGraph: () => current.subscriptions(),
    endpoints: () => current.endpoints,
    reload,
    close: stopWatching,
  };
}

function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Calls `onChange` (settled) when the file may have changed. The folder is
 * watched, not the file: `npm run compose` and deploy tools replace a file by
 * renaming a new one over it, which a watch on the old file never sees. The
 * stat poll catches what fs.watch misses; neither keeps the process alive.
 */
function watchFile(path: string, onChange: () => void, pollMs: number): () => void {
  let settle: NodeJS.Timeout | undefined;
  const changed = () => {
    clearTimeout(settle);
    settle = setTimeout(onChange, SETTLE_MS);
    settle.unref();
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(path), { persistent: false }, (_event, filename) => {
      if (filename === null || filename === basename(path)) changed();
    });
    // A folder that goes away ends the watch; the poll goes on.
    watcher.on('error', () => watcher?.close());
  } catch {
    // No fs.watch here (some network file systems): the poll alone.
  }
  const signature = () => {
    const stat = statSync(path, { throwIfNoEntry: false });
    return stat ? `${stat.ino}:${stat.size}:${stat.mtimeMs}` : 'missing';
  };
  let last = signature();
  const poll = setInterval(() => {
    const now = signature();
    if (now !== last) {
      last = now;
      changed();
    }
  }, pollMs);
  poll.unref();
  return () => {
    watcher?.close();
    clearInterval(poll);
    clearTimeout(settle);
  };
}

/**
 * Where the router's supergraph comes from: SDL handed over (tests, never
 * reloaded unless a path is given too), else the file at `supergraphPath`,
 * SUPERGRAPH_PATH or schema/supergraph.graphql.
 */
export function supergraphSource(
  config: Config,
  options: { supergraphSdl?: string; supergraphPath?: string },
): { sdl: string; path: string | undefined } {
  const path =
    options.supergraphPath ?? (options.supergraphSdl === undefined ? (config.supergraphPath ?? DEFAULT_SUPERGRAPH_PATH) : undefined);
  return { sdl: options.supergraphSdl ?? readSupergraph(path), path };
}
