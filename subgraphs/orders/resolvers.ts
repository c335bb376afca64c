import type { GraphQLResolverMap } from '@apollo/subgraph';
import { scalarResolvers } from '../../platform/graphql/scalars.ts';
import { moneyView } from '../../platform/values/money.ts';
import * as checkout from './checkout.ts';
import type { OrdersContext } from './context.ts';
import type { Order, OrderLine } from './entities/order.entity.ts';
import * as lifecycle from './lifecycle.ts';
import type { OrderEventData } from './order-state.ts';
import * as queries from './queries.ts';
import { salesReport } from './sales-report.ts';

/** Thin: parse arguments, call the services, shape the result. */
type Input<T> = { input: T };
type Page = { first?: number | null; after?: string | null };

export const resolvers: GraphQLResolverMap<OrdersContext> = {
  ...scalarResolvers,
  Query: {
    order: (_, { id }: { id: string }, ctx) => queries.orderById(ctx, id),
    orders: (_, { filter, ...page }: { filter?: queries.OrderFilter | null } & Page, ctx) => queries.listOrders(ctx, filter ?? {}, page),
    salesReport: (_, args: Parameters<typeof salesReport>[1], ctx) => salesReport(ctx, args),
  },
  Mutation: {
    placeOrder: (_, { input }: Input<checkout.PlaceOrderInput>, ctx) => checkout.placeOrder(ctx, input),
    cancelOrder: (_, { input }: Input<{ orderId: string; reason: string }>, ctx) => lifecycle.cancelOrder(ctx, input),
    shipOrder: (_, { input }: Input<{ orderId: string; carrier: string; trackingNumber: string }>, ctx) => lifecycle.shipOrder(ctx, input),
    completeOrder: (_, { input }: Input<{ orderId: string }>, ctx) => lifecycle.completeOrder(ctx, input),
    requestReturn: (_, { input }: Input<Parameters<typeof lifecycle.requestReturn>[1]>, ctx) => lifecycle.requestReturn(ctx, input),
    receiveReturn: (_, { input }: Input<{ orderId: string }>, ctx) => lifecycle.receiveReturn(ctx, input),
  },
  Subscription: {
    orderUpdated: {
      subscribe: (_: unknown, { orderId }: { orderId?: string | null }, ctx: OrdersContext) => queries.orderUpdates(ctx, orderId),
      // The kit resolves each event with fresh loaders, so the order shows as it is now.
      resolve: (event: { data: OrderEventData }) => event.data,
    },
  },
  OrderUpdate: {
    order: (update: OrderEventData, _, ctx) => ctx.loaders.orderById.load(update.orderId),
  },
  Member: {
    __resolveReference: ({ id }: { id: string }) => ({ id }),
    orders: ({ id }: { id: string }, page: Page, ctx) => queries.memberOrders(ctx, id, page),
  },
  Order: {
    __resolveReference: ({ id }: { id: string }, ctx: OrdersContext) => queries.orderById(ctx, id),
    member: (order: Order) => (order.memberId ? { __typename: 'Member', id: order.memberId } : null),
    lines: (order: Order, _, ctx) =>
      ctx.loaders.linesByOrder.load(order.id).then((lines) => lines.map((line) => ({ ...line, currency: order.currency }))),
    subtotal: (order: Order) => moneyView(order.subtotalMinor, order.currency),
    discount: (order: Order) => moneyView(order.discountMinor ?? 0, order.currency),
    refunded: (order: Order) => moneyView(order.refundedMinor ?? 0, order.currency),
    pointsRedeemed: (order: Order) => order.pointsRedeemed ?? 0,
    total: (order: Order) => moneyView(order.totalMinor, order.currency),
    shippingAddress: (order: Order) => (order.shippingJson ? JSON.parse(order.shippingJson) : null),
    history: (order: Order, _, ctx) => ctx.loaders.historyByOrder.load(order.id),
  },
  OrderLine: {
    sku: (line: OrderLine) => ({ __typename: 'Sku', code: line.skuCode }),
    unitPrice: (line: OrderLine & { currency: string }) => moneyView(line.unitPriceMinor, line.currency),
    lineTotal: (line: OrderLine & { currency: string }) => moneyView(line.lineTotalMinor, line.currency),
  },
};
