import { badUserInput } from '../../platform/graphql/errors.ts';
import { moneyView } from '../../platform/values/money.ts';
import type { OrdersContext } from './context.ts';
import { OrderEntity, OrderLineEntity, type OrderStatus } from './entities/order.entity.ts';

/** Statuses that count as a sale: paid, whatever happened after (returns are netted out per unit). */
const SOLD: OrderStatus[] = ['PAID', 'SHIPPED', 'COMPLETED', 'RETURN_REQUESTED', 'RETURNED'];
const MAX_DAYS = 366;

export type SalesReportGrouping = 'DAY' | 'SKU' | 'STORE';

/**
 * Sales for staff. Rows are summed in code over the period's orders and lines
 * (two queries): date bucketing differs between SQLite and MySQL, and a year
 * of one store's orders is small enough to add up here.
 */
export async function salesReport(ctx: OrdersContext, args: { from: Date; to: Date; groupBy: SalesReportGrouping }) {
  const days = (args.to.getTime() - args.from.getTime()) / 86_400_000;
  if (!(days > 0) || days > MAX_DAYS) {
    throw badUserInput(
      `to must be after from, at most ${MAX_DAYS} days later; received ${args.from.toISOString()} to ${args.to.toISOString()}`,
      'to',
    );
  }
  const orders = await ctx.em.find(OrderEntity, { status: { $in: SOLD }, createdAt: { $gte: args.from, $lt: args.to } });
  const byId = new Map(orders.map((order) => [order.id, order]));
  const lines = orders.length ? await ctx.em.find(OrderLineEntity, { orderId: { $in: [...byId.keys()] } }) : [];

  const rows = new Map<string, { key: string; currency: string; orders: Set<string>; units: number; minor: number }>();
  for (const line of lines) {
    const order = byId.get(line.orderId)!;
    const key =
      args.groupBy === 'DAY'
        ? order.createdAt.toISOString().slice(0, 10)
        : args.groupBy === 'SKU'
          ? line.skuCode
          : (order.storeWarehouseId ?? 'ONLINE');
    const units = line.quantity - line.returnedQuantity;
    const row = rows.get(`${key}/${order.currency}`) ?? { key, currency: order.currency, orders: new Set<string>(), units: 0, minor: 0 };
    if (units > 0) row.orders.add(order.id);
    row.units += units;
    row.minor += units * line.unitPriceMinor;
    rows.set(`${key}/${order.currency}`, row);
  }
  const sorted = [...rows.values()].sort((a, b) =>
    args.groupBy === 'DAY' ? a.key.localeCompare(b.key) : b.minor - a.minor || a.key.localeCompare(b.key),
  );
  return {
    ...args,
    rows: sorted.map((row) => ({ key: row.key, orders: row.orders.size, units: row.units, revenue: moneyView(row.minor, row.currency) })),
  };
}
