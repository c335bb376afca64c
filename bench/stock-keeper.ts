import type { Identity } from '../platform/auth/identity.ts';
import { IDENTITY_HEADER, signIdentity } from '../platform/auth/identity-header.ts';
import { postText } from '../platform/http/post-text.ts';
import type { BenchSystem } from './system.ts';

/**
 * The harness's own hands on stock: it restocks, makes the changes the
 * fan-out delivers and checks the write mix's invariant by asking the stock
 * subgraph directly, with an identity it signs itself, not through the
 * router under test. So what sets up and judges a run is the same for every
 * router, costs none of them anything, and does not depend on the thing being
 * measured.
 */
const KEEPER: Identity = { kind: 'staff', subject: 'bench-stock-keeper', scopes: ['stock:read', 'stock:write'] };

export type Level = { warehouse: { id: string; code: string; priority: number }; onHand: number; reserved: number; available: number };
export type Movement = {
  id: string;
  kind: string;
  quantity: number;
  onHandDelta: number;
  reservedDelta: number;
  reference: string | null;
  reason: string | null;
};
type UserErrors = { userErrors: { code: string; message: string }[] };

export type StockKeeper = ReturnType<typeof stockKeeper>;

export function stockKeeper(system: BenchSystem) {
  const graphql = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    // A connection per request: the keeper asks every few seconds at most, and a pooled connection left idle
    // until the subgraph's keep-alive timeout could be reset under the next request (a full run lost a round to that).
    const { status, text } = await postText(
      system.subgraphUrls.stock,
      { 'content-type': 'application/json', [IDENTITY_HEADER]: signIdentity(KEEPER, system.secrets.internalAuthSecret) },
      JSON.stringify({ query, variables }),
      { agent: false },
    );
    const body = JSON.parse(text) as { data?: T; errors?: unknown[] };
    if (status !== 200 || body.errors) {
      throw new Error(`stock: ${query.slice(0, 60).replace(/\s+/g, ' ')}...: HTTP ${status} ${JSON.stringify(body.errors)}`);
    }
    return body.data!;
  };

  /** Every warehouse's level of the SKU, most important warehouse first. */
  async function levels(skuCode: string): Promise<Level[]> {
    const { stockLevels } = await graphql<{ stockLevels: Level[] }>(
      'query ($codes: [String!]!) { stockLevels(skuCodes: $codes) { warehouse { id code priority } onHand reserved available } }',
      { codes: [skuCode] },
    );
    return [...stockLevels].sort((a, b) => a.warehouse.priority - b.warehouse.priority);
  }

  /** A stock-take correction (ADJUSTMENT): `reason` marks it in the ledger. */
  async function adjust(skuCode: string, warehouseId: string, delta: number, reason: string): Promise<void> {
    const { adjustStock } = await graphql<{ adjustStock: UserErrors }>(
      'mutation ($input: AdjustStockInput!) { adjustStock(input: $input) { userErrors { code message } } }',
      { input: { warehouseId, skuCode, delta, reason } },
    );
    if (adjustStock.userErrors.length) throw new Error(`adjustStock ${skuCode} by ${delta}: ${JSON.stringify(adjustStock.userErrors)}`);
  }

  /**
   * Leaves exactly `units` available, all in the SKU's first warehouse (the
   * others are corrected to none available), each correction marked with
   * `reason`. Returns the levels afterwards.
   */
  async function restock(skuCode: string, units: number, reason: string): Promise<Level[]> {
    const before = await levels(skuCode);
    if (before.length === 0) throw new Error(`${skuCode} has no stock level in any warehouse`);
    for (const [i, level] of before.entries()) {
      const delta = (i === 0 ? units : 0) - level.available;
      if (delta !== 0) await adjust(skuCode, level.warehouse.id, delta, reason);
    }
    return levels(skuCode);
  }

  type Page = { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: Movement }[] };
  const movementPage = async (skuCode: string, first: number, after: string | null) =>
    (
      await graphql<{ stockMovements: Page }>(
        `query ($sku: String!, $first: Int!, $after: String) { stockMovements(skuCode: $sku, first: $first, after: $after) {
          pageInfo { hasNextPage endCursor } edges { node { id kind quantity onHandDelta reservedDelta reference reason } } } }`,
        { sku: skuCode, first, after },
      )
    ).stockMovements;

  /** The id of the SKU's newest movement (null when it has none): where a later movementsSince stops. */
  async function newestMovement(skuCode: string): Promise<string | null> {
    return (await movementPage(skuCode, 1, null)).edges[0]?.node.id ?? null;
  }

  /** The SKU's ledger from the newest movement back to (not including) the movement `since` (all of it for null). */
  async function movementsSince(skuCode: string, since: string | null): Promise<Movement[]> {
    const found: Movement[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await movementPage(skuCode, 100, after);
      for (const { node } of page.edges) {
        if (node.id === since) return found;
        found.push(node);
      }
      if (!page.pageInfo.hasNextPage) {
        if (since === null) return found;
        throw new Error(`the ledger of ${skuCode} no longer has movement ${since}`);
      }
      after = page.pageInfo.endCursor;
    }
  }

  /** Levels whose onHand or reserved differ from the sum of their movements (contract StockReconciliation). */
  async function discrepancies(skuCode: string): Promise<number> {
    const { stockReconciliation } = await graphql<{ stockReconciliation: { discrepancies: { sku: { code: string } }[] } }>(
      'query { stockReconciliation { discrepancies { sku { code } } } }',
      {},
    );
    return stockReconciliation.discrepancies.filter((discrepancy) => discrepancy.sku.code === skuCode).length;
  }

  return { levels, adjust, restock, newestMovement, movementsSince, discrepancies };
}
