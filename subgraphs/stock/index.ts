import { runSubgraph } from '../../platform/runtime/run.ts';
import { stockSubgraph } from './server.ts';

// The stock subgraph as its own process (distributed mode); `npm start` runs it in-process instead.
await runSubgraph(stockSubgraph);
