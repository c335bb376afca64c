import { randomInt } from 'node:crypto';
import { type AlipayApi, alipayTimestamp, signParams } from './alipay.ts';
import type { AlipayKeys } from './keys.ts';
import type { Callback } from './wechatpay-simulator.ts';

/**
 * Alipay as payments meets it, in process, for development and tests. Its
 * notifies are signed exactly as Alipay signs them (RSA2 with Alipay's private
 * key over the sorted parameters), so they pass through the same verification
 * as real ones. Refunds are synchronous, as in Alipay's real API.
 */
export type AlipaySimulator = AlipayApi & {
  /** The trade_status_sync notify Alipay posts once the customer has paid (or with another trade_status). */
  tradeNotify(input: {
    outTradeNo: string;
    totalAmount: string;
    tradeStatus?: string;
    tradeNo?: string;
    appId?: string;
    sellerId?: string;
  }): Callback;
  isClosed(outTradeNo: string): boolean;
};

/** A trade number of Alipay's shape: the date and 20 more digits. */
const tradeNo = () =>
  `${new Date().toISOString().slice(0, 10).replaceAll('-', '')}22001${String(randomInt(1e8)).padStart(8, '0')}${String(randomInt(1e7)).padStart(7, '0')}`;

export function createAlipaySimulator(keys: AlipayKeys, payPageUrl: string): AlipaySimulator {
  const simulator = keys.simulator;
  if (!simulator) throw new Error('the Alipay simulator needs simulator keys; live keys are configured');
  const orders = new Map<string, { totalAmount: string; closed: boolean; tradeNo: string }>();
  const refunds = new Map<string, string>();

  return {
    async precreate(order) {
      const known = orders.get(order.outTradeNo);
      if (known && known.totalAmount !== order.totalAmount) {
        throw new Error(`Alipay: out_trade_no ${order.outTradeNo} was created before with a different amount (ACQ.TRADE_HAS_SUCCESS)`);
      }
      if (known?.closed) throw new Error(`Alipay: out_trade_no ${order.outTradeNo} is closed (ACQ.TRADE_HAS_CLOSE)`);
      orders.set(order.outTradeNo, { totalAmount: order.totalAmount, closed: false, tradeNo: known?.tradeNo ?? tradeNo() });
      const query = new URLSearchParams({ out_trade_no: order.outTradeNo, total_amount: order.totalAmount, subject: order.subject });
      return { qrCode: `${payPageUrl}?${query}` };
    },
    async refund(refund) {
      // Idempotent by out_request_no, as Alipay's trade.refund is.
      if (!refunds.has(refund.outRequestNo)) refunds.set(refund.outRequestNo, refund.refundAmount);
      return { fundChange: true, tradeNo: orders.get(refund.outTradeNo)?.tradeNo ?? tradeNo() };
    },
    async close(outTradeNo) {
      const known = orders.get(outTradeNo);
      orders.set(outTradeNo, { totalAmount: known?.totalAmount ?? '', closed: true, tradeNo: known?.tradeNo ?? tradeNo() });
    },
    tradeNotify(input) {
      const now = new Date();
      const params: Record<string, string> = {
        notify_time: alipayTimestamp(now),
        notify_type: 'trade_status_sync',
        notify_id: `ac05099524730693a8b330c5ecf72da${randomInt(1e6)}`,
        app_id: input.appId ?? keys.appId,
        charset: 'utf-8',
        version: '1.0',
        sign_type: 'RSA2',
        trade_no: input.tradeNo ?? orders.get(input.outTradeNo)?.tradeNo ?? tradeNo(),
        out_trade_no: input.outTradeNo,
        buyer_id: '2088102122524333',
        seller_id: input.sellerId ?? keys.sellerId,
        trade_status: input.tradeStatus ?? 'TRADE_SUCCESS',
        total_amount: input.totalAmount,
        receipt_amount: input.totalAmount,
        buyer_pay_amount: input.totalAmount,
        subject: '订单支付',
        gmt_create: alipayTimestamp(new Date(now.getTime() - 60_000)),
        gmt_payment: alipayTimestamp(now),
      };
      params.sign = signParams(simulator.alipayPrivateKey, params);
      return {
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body: new URLSearchParams(params).toString(),
      };
    },
    isClosed: (outTradeNo) => orders.get(outTradeNo)?.closed ?? false,
  };
}
