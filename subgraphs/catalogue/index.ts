import { runSubgraph } from '../../platform/runtime/run.ts';
import { catalogueSubgraph } from './server.ts';

// The catalogue as its own process (distributed mode); `npm start` runs it in-process instead.
await runSubgraph(catalogueSubgraph);
