import type { ServiceClient } from '../../platform/http/service-client.ts';
import { type Money, parseMoney } from '../../platform/values/money.ts';

/**
 * What payments asks of the orders subgraph, straight to it with the payments
 * service identity (orders:read): the order's status, total and member. The
 * amount of a payment always comes from here, never from the client. An
 * orders subgraph that does not answer throws the platform's `PeerUnavailable`.
 */
export type OrderToPay = { id: string; number: string; status: string; memberId: string | null; total: Money };

type Answer = {
  order: {
    id: string;
    number: string;
    status: string;
    total: { amount: string; currencyCode: string };
    member: { id: string } | null;
  } | null;
};

export async function orderToPay(ctx: { services: ServiceClient }, orderId: string): Promise<OrderToPay | null> {
  const answer = await ctx.services.query<Answer>(
    'orders',
    'query PaymentsOrder($id: ID!) { order(id: $id) { id number status total { amount currencyCode } member { id } } }',
    { id: orderId },
  );
  if (!answer.order) return null;
  const total = parseMoney(answer.order.total);
  if (!total.ok) throw new Error(`orders answered a total payments cannot read: ${total.message}`);
  return {
    id: answer.order.id,
    number: answer.order.number,
    status: answer.order.status,
    memberId: answer.order.member?.id ?? null,
    total: total.money,
  };
}
