import { loadSecrets } from '../platform/auth/secrets.ts';
import type { Config, SubgraphName } from '../platform/config/config.ts';
import { busTopology } from '../platform/config/event-bus-settings.ts';
import { createInProcessBus } from '../platform/events/bus.ts';
import { createRabbitMqBus } from '../platform/events/rabbitmq-bus.ts';
import type { SubgraphServer } from '../platform/graphql/subgraph.ts';
import { createSubgraphServer } from '../platform/graphql/subgraph.ts';
import { createLogger, type Logger } from '../platform/observability/log.ts';
import type { RateLimiter } from '../router/limits/rate-limit.ts';
import { createRouter } from '../router/server.ts';
import { subgraphDefinitions } from './subgraphs.ts';

/**
 * The embedded mode (docs/architecture.md §3): every subgraph and the router in one
 * process, each on its own port, SQLite under DATA_DIR (or MySQL when
 * MYSQL_URL is set). `npm start` runs it; the end-to-end tests start the same
 * thing on free ports.
 */
export type EmbeddedSystem = {
  routerUrl: string;
  /** The router's /metrics, on its own port (METRICS_PORT). */
  routerMetricsUrl: string;
  subgraphUrls: Partial<Record<SubgraphName, string>>;
  subgraphs: SubgraphServer[];
  close(): Promise<void>;
};

export type EmbeddedOptions = {
  /** Listen on free ports instead of the configured ones (tests). */
  freePorts?: boolean;
  /** Called with each service's name and URL as it comes up. */
  onListening?: (service: string, url: string) => void;
  log?: Logger;
  /** The router's rate limiter, instead of the one its config chooses (tests that must not depend on the wall clock). */
  rateLimiter?: RateLimiter;
};

export async function startEmbedded(config: Config, options: EmbeddedOptions = {}): Promise<EmbeddedSystem> {
  const secrets = loadSecrets(config);
  // One bus for the whole process: an event of one subgraph reaches consumers in every other.
  const bus = config.amqpUrl
    ? await createRabbitMqBus({
        url: config.amqpUrl,
        ...busTopology(config),
        service: 'embedded',
        log: options.log ?? createLogger('events', { quiet: config.mode === 'test', format: config.logFormat, level: config.logLevel }),
      })
    : createInProcessBus(options.log);
  const started: { close(): Promise<void> }[] = [bus];
  const closeAll = async () => {
    // Router first, so no request reaches a subgraph that is already gone.
    for (const service of started.reverse()) await service.close();
  };
  try {
    const subgraphs: SubgraphServer[] = [];
    // Filled in as each subgraph binds its port; subgraphs read it when they call each other.
    const subgraphUrls: Partial<Record<SubgraphName, string>> = {};
    for (const definition of subgraphDefinitions) {
      const server = await createSubgraphServer(definition, config, { secrets, bus, peerUrls: subgraphUrls });
      started.push(server);
      subgraphs.push(server);
      const url = await server.listen(options.freePorts ? 0 : config.ports[definition.name]);
      subgraphUrls[definition.name] = url;
      options.onListening?.(definition.name, url);
    }
    // The router hears the same bus, so its entity cache drops what the subgraphs' events name.
    const router = await createRouter(config, { secrets, subgraphUrls, log: options.log, rateLimiter: options.rateLimiter, bus });
    started.push(router);
    const routerUrl = await router.listen(options.freePorts ? 0 : config.ports.router);
    options.onListening?.('router', routerUrl);
    const routerMetricsUrl = await router.listenMetrics(options.freePorts ? 0 : config.metricsPort);
    options.onListening?.('metrics', routerMetricsUrl);
    return { routerUrl, routerMetricsUrl, subgraphUrls, subgraphs, close: closeAll };
  } catch (error) {
    await closeAll().catch(() => undefined);
    throw error;
  }
}
