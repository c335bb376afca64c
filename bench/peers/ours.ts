/** Router child (a): our router, exactly as the embedded start builds it, on a free port. */

import { loadSecrets } from '../../platform/auth/secrets.ts';
import { loadConfig } from '../../platform/config/config.ts';
import { applyHeapGrowth } from '../../platform/runtime/heap-growth.ts';
import { createRouter } from '../../router/server.ts';
import { childBus } from '../cache-bench.ts';
import { childSettings, reportListening } from './shared.ts';

const config = loadConfig(process.env);
// As router/index.ts does first thing.
applyHeapGrowth(config.heapGrowthPercent);
// With its entity cache on, the router hears the bench subgraphs' events (cache-bench.ts).
const bus = await childBus(config.amqpUrl, config.entityCache);
const router = await createRouter(config, { secrets: loadSecrets(config), subgraphUrls: childSettings().subgraphUrls, bus });
reportListening(await router.listen(0), async () => {
  await router.close();
  await bus?.close();
});
