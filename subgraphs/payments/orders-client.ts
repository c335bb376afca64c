import { ServiceCallError, type ServiceClient } from '../../platform/http/service-client.ts';
import { type Money, parseMoney } from '../../platform/values/money.ts';

/**
 * What payments asks of the orders subgraph, straight to it with the payments
 * service identity (orders:read): the order's status, total and member. The
 * amount of a payment always comes from here, never from the client.
 */
export class OrdersUnavailable extends Error {
  constructor(cause: Error) {
    super(cause.message);
    this.name = 'OrdersUnavailable';
  }
}

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
  let answer: Answer;
  try {
    answer = await ctx.services.query<Answer>(
      'orders',
      'query PaymentsOrder($id: ID!) { order(id: $id) { id number status total { amount currencyCode } member { id } } }',
      { id: orderId },
    );
  } catch (error) {
    if (error instanceof ServiceCallError) throw new OrdersUnavailable(error);
    throw error;
  }
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
