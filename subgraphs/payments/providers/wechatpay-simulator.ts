import { randomInt, randomUUID } from 'node:crypto';
import type { WeChatPayKeys } from './keys.ts';
import {
  encryptResource,
  rsaSign,
  signatureMessage,
  WECHATPAY_SIGNATURE_TYPE,
  type WeChatNotification,
  type WeChatPayApi,
  type WeChatRefundResult,
  type WeChatTransaction,
  wechatNonce,
} from './wechatpay.ts';

/**
 * WeChat Pay as payments meets it, in process, for development and tests
 * (docs/architecture.md §7: the provider is the one thing we simulate). It answers the
 * API calls as WeChat does, and it writes callbacks exactly as WeChat does:
 * the resource encrypted with the APIv3 key, the whole body signed with the
 * platform's private key. Nothing about them is easier to accept than a real one.
 */
export type Callback = { headers: Record<string, string>; body: string };
export type CallbackSink = (callback: Callback) => Promise<unknown>;

export type WeChatPaySimulator = WeChatPayApi & {
  /** The TRANSACTION.SUCCESS callback WeChat sends once the customer has paid `totalFen`. */
  paidCallback(input: {
    outTradeNo: string;
    totalFen: number;
    currency?: string;
    transactionId?: string;
    tradeState?: string;
    /** Epoch milliseconds the callback claims to be sent at (default now). */
    at?: number;
  }): Callback;
  /** The REFUND.* callback WeChat sends when a refund completes (or fails). */
  refundCallback(input: {
    outTradeNo: string;
    outRefundNo: string;
    refundFen: number;
    totalFen: number;
    status?: 'SUCCESS' | 'ABNORMAL' | 'CLOSED';
  }): Callback;
  /**
   * Where refund callbacks go (the payments server's handler); returns the
   * disconnect, which restores the sink connected before (a test may hold
   * callbacks back for a while).
   */
  connect(sink: CallbackSink): () => void;
  /** Resolves once every callback scheduled so far has been delivered. */
  delivered(): Promise<void>;
  /** Whether `closeOrder` closed the out_trade_no (the pay page then refuses it). */
  isClosed(outTradeNo: string): boolean;
};

/** A transaction id of WeChat's shape: 28 digits starting 4200. */
const transactionId = () => `4200${Date.now()}${String(randomInt(1e11)).padStart(11, '0')}`.slice(0, 28);

export function createWeChatPaySimulator(keys: WeChatPayKeys, payPageUrl: string): WeChatPaySimulator {
  const simulator = keys.simulator;
  if (!simulator) throw new Error('the WeChat Pay simulator needs simulator keys; live keys are configured');
  const orders = new Map<string, { totalFen: number; closed: boolean }>();
  const refunds = new Map<string, { refundId: string; refundFen: number }>();
  const sinks: CallbackSink[] = [];
  const pending = new Set<Promise<unknown>>();

  const signed = (notification: WeChatNotification, at = Date.now()): Callback => {
    const body = JSON.stringify(notification);
    const timestamp = String(Math.floor(at / 1000));
    const nonce = wechatNonce();
    return {
      headers: {
        'content-type': 'application/json',
        'wechatpay-timestamp': timestamp,
        'wechatpay-nonce': nonce,
        'wechatpay-serial': simulator.platformSerial,
        'wechatpay-signature': rsaSign(simulator.platformPrivateKey, signatureMessage(timestamp, nonce, body)),
        'wechatpay-signature-type': WECHATPAY_SIGNATURE_TYPE,
      },
      body,
    };
  };

  const notification = (eventType: string, summary: string, originalType: string, resource: object, at: number): WeChatNotification => ({
    id: randomUUID(),
    create_time: new Date(at).toISOString().replace(/\.\d{3}Z$/, '+00:00'),
    resource_type: 'encrypt-resource',
    event_type: eventType,
    summary,
    resource: encryptResource(keys.apiV3Key, JSON.stringify(resource), originalType, originalType),
  });

  const schedule = (callback: Callback) => {
    const target = sinks.at(-1);
    if (!target) return;
    // Asynchronous like the real one: the callback arrives after the API call has answered.
    const delivery = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => target(callback))
      .catch(() => undefined)
      .finally(() => pending.delete(delivery));
    pending.add(delivery);
  };

  const api: WeChatPaySimulator = {
    async nativeOrder(order) {
      const known = orders.get(order.outTradeNo);
      if (known && known.totalFen !== order.totalFen) {
        throw new Error(`WeChat Pay: out_trade_no ${order.outTradeNo} was ordered before with a different amount (INVALID_REQUEST)`);
      }
      if (known?.closed) throw new Error(`WeChat Pay: out_trade_no ${order.outTradeNo} is closed (ORDER_CLOSED)`);
      orders.set(order.outTradeNo, { totalFen: order.totalFen, closed: false });
      const query = new URLSearchParams({ out_trade_no: order.outTradeNo, total: String(order.totalFen), description: order.description });
      return { codeUrl: `${payPageUrl}?${query}` };
    },
    async refund(refund) {
      const known = refunds.get(refund.outRefundNo);
      if (known) return { refundId: known.refundId, status: 'PROCESSING' };
      if (refund.refundFen > refund.totalFen) throw new Error('WeChat Pay: the refund exceeds the order total (INVALID_REQUEST)');
      const refundId = `50000${Date.now()}${String(randomInt(1e12)).padStart(12, '0')}`.slice(0, 29);
      refunds.set(refund.outRefundNo, { refundId, refundFen: refund.refundFen });
      schedule(api.refundCallback({ ...refund, status: 'SUCCESS' }));
      return { refundId, status: 'PROCESSING' };
    },
    async closeOrder(outTradeNo) {
      const known = orders.get(outTradeNo);
      orders.set(outTradeNo, { totalFen: known?.totalFen ?? 0, closed: true });
    },
    paidCallback(input) {
      const at = input.at ?? Date.now();
      const transaction: WeChatTransaction = {
        appid: keys.appId,
        mchid: keys.mchId,
        out_trade_no: input.outTradeNo,
        transaction_id: input.transactionId ?? transactionId(),
        trade_type: 'NATIVE',
        trade_state: input.tradeState ?? 'SUCCESS',
        trade_state_desc: '支付成功',
        success_time: new Date(at).toISOString().replace(/\.\d{3}Z$/, '+00:00'),
        amount: { total: input.totalFen, payer_total: input.totalFen, currency: input.currency ?? 'CNY', payer_currency: 'CNY' },
      };
      return signed(notification('TRANSACTION.SUCCESS', '支付成功', 'transaction', transaction, at), at);
    },
    refundCallback(input) {
      const status = input.status ?? 'SUCCESS';
      const result: WeChatRefundResult = {
        mchid: keys.mchId,
        out_trade_no: input.outTradeNo,
        transaction_id: transactionId(),
        out_refund_no: input.outRefundNo,
        refund_id: refunds.get(input.outRefundNo)?.refundId ?? `50000${Date.now()}`,
        refund_status: status,
        success_time: new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00'),
        amount: { total: input.totalFen, refund: input.refundFen, payer_total: input.totalFen, payer_refund: input.refundFen },
      };
      const summary = status === 'SUCCESS' ? '退款成功' : '退款异常';
      return signed(notification(`REFUND.${status}`, summary, 'refund', result, Date.now()));
    },
    connect(target) {
      sinks.push(target);
      return () => {
        const at = sinks.lastIndexOf(target);
        if (at >= 0) sinks.splice(at, 1);
      };
    },
    async delivered() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    isClosed: (outTradeNo) => orders.get(outTradeNo)?.closed ?? false,
  };
  return api;
}
