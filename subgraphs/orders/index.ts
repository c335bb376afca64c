import { runSubgraph } from '../../platform/runtime/run.ts';
import { ordersSubgraph } from './server.ts';

// The orders subgraph as its own process (distributed mode); `npm start` runs it in-process instead.
await runSubgraph(ordersSubgraph);
