import { runSubgraph } from '../../platform/runtime/run.ts';
import { invoicesSubgraph } from './server.ts';

// The invoices subgraph as its own process (distributed mode); `npm start` runs it in-process instead.
await runSubgraph(invoicesSubgraph);
