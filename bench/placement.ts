import type { CreatedOrder, Placement } from './load.ts';

/**
 * The write mix's answer check (the load worker runs it on every answer to a
 * placement): writes have no reference answer, each creates a different
 * order, so the check is of shape. A placed order has an id and a number, is
 * PENDING_PAYMENT and holds exactly the line asked for; a refusal is the one
 * user error the contract gives when stock runs out, INSUFFICIENT_STOCK on
 * input.lines. Anything else is an error.
 */
export type Verdict = { outcome: 'placed'; order: CreatedOrder } | { outcome: 'refused' } | { outcome: 'error'; problem: string };

type Answer = {
  data?: {
    placeOrder?: {
      order: {
        id?: unknown;
        number?: unknown;
        status?: unknown;
        lines?: { sku?: { code?: unknown; product?: { name?: unknown } }; quantity?: unknown }[];
      } | null;
      userErrors?: { code?: unknown; field?: unknown }[];
    };
  };
  errors?: unknown[];
};

const error = (problem: string): Verdict => ({ outcome: 'error', problem });
const nonEmpty = (value: unknown) => typeof value === 'string' && value.length > 0;

export function checkPlacement(placement: Placement, status: number, text: string): Verdict {
  if (status !== 200) return error(`HTTP ${status}: ${text.slice(0, 200)}`);
  let answer: Answer;
  try {
    answer = JSON.parse(text) as Answer;
  } catch {
    return error(`not JSON: ${text.slice(0, 200)}`);
  }
  if (answer.errors) return error(`errors: ${JSON.stringify(answer.errors).slice(0, 300)}`);
  const payload = answer.data?.placeOrder;
  if (!payload || !Array.isArray(payload.userErrors)) return error(`no placeOrder payload: ${text.slice(0, 200)}`);
  const { order, userErrors } = payload;
  if (order === null) {
    const [refusal, ...more] = userErrors;
    if (refusal?.code === 'INSUFFICIENT_STOCK' && refusal.field === 'input.lines' && more.length === 0) return { outcome: 'refused' };
    return error(`userErrors: ${JSON.stringify(userErrors).slice(0, 300)}`);
  }
  const line = order.lines?.[0];
  const shaped =
    userErrors.length === 0 &&
    nonEmpty(order.id) &&
    nonEmpty(order.number) &&
    order.status === 'PENDING_PAYMENT' &&
    order.lines?.length === 1 &&
    line?.sku?.code === placement.skuCode &&
    nonEmpty(line.sku.product?.name) &&
    line.quantity === placement.quantity;
  if (!shaped)
    return error(`not the order asked for (${placement.quantity} x ${placement.skuCode}): ${JSON.stringify(payload).slice(0, 300)}`);
  return { outcome: 'placed', order: { id: order.id as string, skuCode: placement.skuCode, quantity: placement.quantity } };
}
