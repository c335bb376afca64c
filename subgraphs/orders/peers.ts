import { parseMoney } from '../kit/money.ts';
import { ServiceCallError } from '../kit/service-client.ts';
import type { OrdersContext } from './context.ts';

/**
 * What orders asks of the catalogue and stock subgraphs. Calls go straight to
 * them with the orders service identity; a subgraph that does not answer is
 * a `PeerUnavailable`, which checkout turns into SERVICE_UNAVAILABLE.
 */
export class PeerUnavailable extends Error {
  constructor(cause: Error) {
    super(cause.message);
    this.name = 'PeerUnavailable';
  }
}

async function call<T>(ctx: OrdersContext, target: 'catalogue' | 'stock', query: string, variables: Record<string, unknown>): Promise<T> {
  try {
    return await ctx.services.query<T>(target, query, variables);
  } catch (error) {
    if (error instanceof ServiceCallError) throw new PeerUnavailable(error);
    throw error;
  }
}

export type Price = { minor: number; currency: string };

/** Current catalogue prices of the codes; a code the catalogue lacks is missing from the map. */
export async function cataloguePrices(ctx: OrdersContext, codes: readonly string[]): Promise<Map<string, Price>> {
  const answer = await call<{ skus: ({ code: string; price: { amount: string; currencyCode: string } } | null)[] }>(
    ctx,
    'catalogue',
    'query OrdersPrices($codes: [String!]!) { skus(codes: $codes) { code price { amount currencyCode } } }',
    { codes },
  );
  const prices = new Map<string, Price>();
  for (const sku of answer.skus) {
    if (!sku) continue;
    const parsed = parseMoney(sku.price);
    if (parsed.ok) prices.set(sku.code, { minor: parsed.money.minor, currency: parsed.money.currency });
  }
  return prices;
}

type StockError = { code: string; field: string | null; message: string };
export type ReservationAnswer = { reservation: { reference: string; status: string; expiresAt: string } | null; userErrors: StockError[] };

export function reserveStock(
  ctx: OrdersContext,
  input: { reference: string; lines: { skuCode: string; quantity: number }[]; ttlSeconds: number; warehouseId?: string | null },
): Promise<ReservationAnswer> {
  return call<{ reserveStock: ReservationAnswer }>(
    ctx,
    'stock',
    `mutation OrdersReserve($input: ReserveStockInput!) {
      reserveStock(input: $input) { reservation { reference status expiresAt } userErrors { code field message } }
    }`,
    { input },
  ).then((answer) => answer.reserveStock);
}

export function endReservation(
  ctx: OrdersContext,
  action: 'releaseReservation' | 'commitReservation',
  reference: string,
): Promise<ReservationAnswer> {
  const input = action === 'releaseReservation' ? 'ReleaseReservationInput' : 'CommitReservationInput';
  return call<Record<string, ReservationAnswer>>(
    ctx,
    'stock',
    `mutation OrdersEndReservation($input: ${input}!) {
      ${action}(input: $input) { reservation { reference status expiresAt } userErrors { code field message } }
    }`,
    { input: { reference } },
  ).then((answer) => answer[action]!);
}

export type ReservedLine = { skuCode: string; warehouseId: string; quantity: number };

export async function reservationLines(ctx: OrdersContext, reference: string): Promise<ReservedLine[]> {
  const answer = await call<{ reservation: { lines: { sku: { code: string }; warehouse: { id: string }; quantity: number }[] } | null }>(
    ctx,
    'stock',
    'query OrdersReservation($reference: String!) { reservation(reference: $reference) { lines { sku { code } warehouse { id } quantity } } }',
    { reference },
  );
  return (answer.reservation?.lines ?? []).map((line) => ({
    skuCode: line.sku.code,
    warehouseId: line.warehouse.id,
    quantity: line.quantity,
  }));
}

export async function returnStock(
  ctx: OrdersContext,
  input: { warehouseId: string; reference: string; lines: { skuCode: string; quantity: number }[]; reason: string },
) {
  const answer = await call<{ returnStock: { userErrors: StockError[] } }>(
    ctx,
    'stock',
    'mutation OrdersReturn($input: ReturnStockInput!) { returnStock(input: $input) { userErrors { code field message } } }',
    { input },
  );
  return answer.returnStock.userErrors;
}
