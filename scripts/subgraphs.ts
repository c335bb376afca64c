import type { SubgraphDefinition } from '../platform/graphql/subgraph.ts';
import { catalogueSubgraph } from '../subgraphs/catalogue/server.ts';
import { invoicesSubgraph } from '../subgraphs/invoices/server.ts';
import { membersSubgraph } from '../subgraphs/members/server.ts';
import { ordersSubgraph } from '../subgraphs/orders/server.ts';
import { paymentsSubgraph } from '../subgraphs/payments/server.ts';
import { stockSubgraph } from '../subgraphs/stock/server.ts';

/** Every subgraph that exists, in the order of docs/architecture.md §1; embedded mode starts each. */
// biome-ignore lint/suspicious/noExplicitAny: each subgraph has its own loader type; the list only passes them to the kit.
export const subgraphDefinitions: SubgraphDefinition<any>[] = [
  catalogueSubgraph,
  stockSubgraph,
  ordersSubgraph,
  membersSubgraph,
  paymentsSubgraph,
  invoicesSubgraph,
];
