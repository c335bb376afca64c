import { runSubgraph } from '../../platform/runtime/run.ts';
import { paymentsSubgraph } from './server.ts';

// The payments subgraph as its own process (distributed mode); `npm start` runs it in-process instead.
await runSubgraph(paymentsSubgraph);
