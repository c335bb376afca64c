import { loadConfig } from '../platform/config/config.ts';
import { applyHeapGrowth } from '../platform/runtime/heap-growth.ts';
import { closeOnSignals, exitOnStartupFailure, survivePromiseRejections } from '../platform/runtime/run.ts';
import { startEmbedded } from './embedded.ts';

// `npm start`: the router and every subgraph in this process, one line per service.
try {
  const config = loadConfig(process.env, 'embedded');
  applyHeapGrowth(config.heapGrowthPercent);
  const where = config.mysqlUrl ? `MySQL at ${new URL(config.mysqlUrl).host}` : `SQLite in ${config.dataDir}`;
  console.log(`starting the commerce supergraph (${config.mode}, ${where})`);
  const system = await startEmbedded(config, { onListening: (service, url) => console.log(`${service.padEnd(10)} ${url}`) });
  console.log('ready; Ctrl-C stops everything');
  closeOnSignals(() => system.close());
  survivePromiseRejections();
} catch (error) {
  exitOnStartupFailure(error);
}
