import type { ServiceClient } from '../../platform/http/service-client.ts';
import { parseMoney } from '../../platform/values/money.ts';

/** Anything that can call other subgraphs: a request's context, or a consumer's services. */
type Caller = { services: ServiceClient };

/**
 * What orders asks of the catalogue, stock and members subgraphs. Calls go
 * straight to them with the orders service identity; a subgraph that does not
 * answer throws the platform's `PeerUnavailable`, which checkout turns into
 * SERVICE_UNAVAILABLE.
 */
function call<T>(ctx: Caller, target: 'catalogue' | 'stock' | 'members', query: string, variables: Record<string, unknown>): Promise<T> {
  return ctx.services.query<T>(target, query, variables);
}

export type Price = { minor: number; currency: string };

/** Current catalogue prices of the codes; a code the catalogue lacks is missing from the map. */
export async function cataloguePrices(ctx: Caller, codes: readonly string[]): Promise<Map<string, Price>> {
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
  ctx: Caller,
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

const RESERVATION_INPUTS = {
  releaseReservation: 'ReleaseReservationInput',
  commitReservation: 'CommitReservationInput',
  extendReservation: 'ExtendReservationInput',
} as const;

/** Releases, commits or extends the reservation `reference` in stock (each idempotent there). */
export function changeReservation(
  ctx: Caller,
  action: keyof typeof RESERVATION_INPUTS,
  reference: string,
  extra: Record<string, unknown> = {},
): Promise<ReservationAnswer> {
  return call<Record<string, ReservationAnswer>>(
    ctx,
    'stock',
    `mutation OrdersChangeReservation($input: ${RESERVATION_INPUTS[action]}!) {
      ${action}(input: $input) { reservation { reference status expiresAt } userErrors { code field message } }
    }`,
    { input: { reference, ...extra } },
  ).then((answer) => answer[action]!);
}

export type ReservedLine = { skuCode: string; warehouseId: string; quantity: number };

export async function reservationLines(ctx: Caller, reference: string): Promise<ReservedLine[]> {
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
  ctx: Caller,
  input: { warehouseId: string; reference: string; lines: { skuCode: string; quantity: number }[]; reason: string },
) {
  const answer = await call<{ returnStock: { userErrors: StockError[] } }>(
    ctx,
    'stock',
    'mutation OrdersReturn($input: ReturnStockInput!) { returnStock(input: $input) { userErrors { code field message } } }',
    { input },
  );
  // Stock books a return once per (warehouse, reference); a repeat (a retry, a racing call) is already done.
  return answer.returnStock.userErrors.filter((error) => error.code !== 'DUPLICATE_REQUEST');
}

type MemberError = { code: string; field: string | null; message: string };
export type DiscountsAnswer = {
  discounts: { couponCode: string | null; couponDiscount: { amount: string }; pointsRedeemed: number; total: { amount: string } } | null;
  userErrors: MemberError[];
};

/** Takes the order's coupon and points in members (idempotent there by order id). */
export function applyCheckoutDiscounts(
  ctx: Caller,
  input: {
    orderId: string;
    memberId: string | null;
    couponCode: string | null;
    pointsToRedeem: number;
    subtotal: { amount: string; currencyCode: string };
  },
): Promise<DiscountsAnswer> {
  return call<{ applyCheckoutDiscounts: DiscountsAnswer }>(
    ctx,
    'members',
    `mutation OrdersApplyDiscounts($input: ApplyCheckoutDiscountsInput!) {
      applyCheckoutDiscounts(input: $input) {
        discounts { couponCode couponDiscount { amount } pointsRedeemed total { amount } }
        userErrors { code field message }
      }
    }`,
    { input },
  ).then((answer) => answer.applyCheckoutDiscounts);
}

/** Gives an unwritten order's coupon and points back in members (idempotent there). */
export function releaseCheckoutDiscounts(ctx: Caller, orderId: string): Promise<{ released: boolean; userErrors: MemberError[] }> {
  return call<{ releaseCheckoutDiscounts: { released: boolean; userErrors: MemberError[] } }>(
    ctx,
    'members',
    `mutation OrdersReleaseDiscounts($input: ReleaseCheckoutDiscountsInput!) {
      releaseCheckoutDiscounts(input: $input) { released userErrors { code field message } }
    }`,
    { input: { orderId } },
  ).then((answer) => answer.releaseCheckoutDiscounts);
}
