import { runSubgraph } from '../../platform/runtime/run.ts';
import { membersSubgraph } from './server.ts';

// The members subgraph as its own process (distributed mode); `npm start` runs it in-process instead.
await runSubgraph(membersSubgraph);
