import type { ServiceClient } from '../../platform/http/service-client.ts';
import { type Money, parseMoney } from '../../platform/values/money.ts';
import { DEFAULT_TAX_CLASS, type SourceLine, TAX_RATE_BP } from './amounts.ts';

/**
 * What invoices asks of its peers, straight to them under the invoices service
 * identity (orders:read): the order (status, member, lines, discount, total)
 * from orders, and each SKU's name and product tax class from the catalogue.
 * The amounts on an invoice always come from here, never from the client.
 * A peer that does not answer throws the platform's `PeerUnavailable`.
 */

/** Orders an invoice may be requested and issued for (a paid order that has not been cancelled or returned). */
export const INVOICEABLE_ORDER_STATUSES = ['PAID', 'SHIPPED', 'COMPLETED'];

type MoneyAnswer = { amount: string; currencyCode: string };
type OrderAnswer = {
  order: {
    id: string;
    number: string;
    status: string;
    member: { id: string } | null;
    lines: { sku: { code: string }; quantity: number; unitPrice: MoneyAnswer; lineTotal: MoneyAnswer }[];
    subtotal: MoneyAnswer;
    discount: MoneyAnswer;
    total: MoneyAnswer;
  } | null;
};

export type OrderToInvoice = {
  id: string;
  number: string;
  status: string;
  memberId: string | null;
  currency: string;
  lines: { skuCode: string; quantity: number; unitPriceMinor: number; lineTotalMinor: number }[];
  subtotalMinor: number;
  discountMinor: number;
  totalMinor: number;
};

const ORDER_QUERY = `query InvoicesOrder($id: ID!) {
  order(id: $id) {
    id number status member { id }
    lines { sku { code } quantity unitPrice { amount currencyCode } lineTotal { amount currencyCode } }
    subtotal { amount currencyCode } discount { amount currencyCode } total { amount currencyCode }
  }
}`;

function ask<T>(services: ServiceClient, target: 'orders' | 'catalogue', query: string, variables: Record<string, unknown>) {
  return services.query<T>(target, query, variables);
}

function minor(value: MoneyAnswer, currency?: string): Money {
  const parsed = parseMoney(value);
  if (!parsed.ok) throw new Error(`orders answered an amount invoices cannot read: ${parsed.message}`);
  if (currency && parsed.money.currency !== currency) throw new Error(`orders answered ${parsed.money.currency} on a ${currency} order`);
  return parsed.money;
}

export async function orderToInvoice(ctx: { services: ServiceClient }, orderId: string): Promise<OrderToInvoice | null> {
  const answer = await ask<OrderAnswer>(ctx.services, 'orders', ORDER_QUERY, { id: orderId });
  const order = answer.order;
  if (!order) return null;
  const total = minor(order.total);
  return {
    id: order.id,
    number: order.number,
    status: order.status,
    memberId: order.member?.id ?? null,
    currency: total.currency,
    lines: order.lines.map((line) => ({
      skuCode: line.sku.code,
      quantity: line.quantity,
      unitPriceMinor: minor(line.unitPrice, total.currency).minor,
      lineTotalMinor: minor(line.lineTotal, total.currency).minor,
    })),
    subtotalMinor: minor(order.subtotal, total.currency).minor,
    discountMinor: minor(order.discount, total.currency).minor,
    totalMinor: total.minor,
  };
}

type SkusAnswer = { skus: ({ code: string; name: string; product: { name: string; taxClass: string } } | null)[] };

/** The order's lines with their descriptions and tax rates from the catalogue. */
export async function describeLines(ctx: { services: ServiceClient }, order: OrderToInvoice): Promise<SourceLine[]> {
  const codes = [...new Set(order.lines.map((line) => line.skuCode))];
  const answer = await ask<SkusAnswer>(
    ctx.services,
    'catalogue',
    'query InvoicesSkus($codes: [String!]!) { skus(codes: $codes) { code name product { name taxClass } } }',
    { codes },
  );
  const byCode = new Map(answer.skus.filter((sku) => sku !== null).map((sku) => [sku.code, sku]));
  return order.lines.map((line) => {
    const sku = byCode.get(line.skuCode);
    const description = !sku
      ? line.skuCode
      : sku.name && sku.name !== sku.product.name && sku.name !== line.skuCode
        ? `${sku.product.name} - ${sku.name}`
        : sku.product.name;
    const taxClass = sku?.product.taxClass ?? DEFAULT_TAX_CLASS;
    return {
      skuCode: line.skuCode,
      description: description.slice(0, 300),
      quantity: line.quantity,
      unitPriceMinor: line.unitPriceMinor,
      lineTotalMinor: line.lineTotalMinor,
      taxRateBp: TAX_RATE_BP[taxClass] ?? TAX_RATE_BP[DEFAULT_TAX_CLASS]!,
    };
  });
}
