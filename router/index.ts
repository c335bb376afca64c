import { loadSecrets } from '../platform/auth/secrets.ts';
import { loadConfig } from '../platform/config/config.ts';
import { busTopology } from '../platform/config/event-bus-settings.ts';
import { createRabbitMqBus } from '../platform/events/rabbitmq-bus.ts';
import { createLogger } from '../platform/observability/log.ts';
import { applyHeapGrowth } from '../platform/runtime/heap-growth.ts';
import { closeOnSignals, exitOnStartupFailure, survivePromiseRejections } from '../platform/runtime/run.ts';
import { createRouter } from './server.ts';
import { SupergraphMissingError } from './supergraph.ts';

// The router as its own process, and the only place it listens (server.ts builds, never listens).
try {
  const config = loadConfig(process.env, 'router');
  applyHeapGrowth(config.heapGrowthPercent);
  // With RabbitMQ, the router hears the subgraphs' events: its entity cache drops what they name (entity-cache/).
  const bus = config.amqpUrl
    ? await createRabbitMqBus({
        url: config.amqpUrl,
        ...busTopology(config),
        service: 'router',
        log: createLogger('events', { format: config.logFormat, level: config.logLevel }),
      })
    : undefined;
  const router = await createRouter(config, { secrets: loadSecrets(config), bus });
  const url = await router.listen(config.ports.router);
  console.log(`${'router'.padEnd(10)} ${url}`);
  console.log(`${'metrics'.padEnd(10)} ${await router.listenMetrics(config.metricsPort)}`);
  closeOnSignals(async () => {
    await router.close();
    await bus?.close();
  });
  survivePromiseRejections();
  // `kill -HUP <pid>` reloads the supergraph file now (it is also watched); a broken file is logged and ignored.
  process.on('SIGHUP', () => void router.reloadSupergraph());
} catch (error) {
  // A missing supergraph is an operator's fix like a bad variable: one line, no stack trace.
  if (error instanceof SupergraphMissingError) {
    console.error(error.message);
    process.exit(1);
  }
  exitOnStartupFailure(error);
}
