import type { WeChatPayKeys } from './keys.ts';
import { rsaSign, verifySignedMessage, WECHATPAY_SIGNATURE_TYPE, type WeChatPayApi, wechatNonce } from './wechatpay.ts';

/**
 * The live WeChat Pay APIv3 client: each request signed with the merchant key
 * (Authorization: WECHATPAY2-SHA256-RSA2048 mchid=..., nonce_str=...,
 * signature=..., timestamp=..., serial_no=...), each answer's signature checked
 * with the platform key before it is believed. Selected by setting WECHATPAY_*.
 */
export class WeChatPayError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(`WeChat Pay answered ${status} ${code}: ${message}`);
    this.name = 'WeChatPayError';
    this.status = status;
    this.code = code;
  }
}

export function createWeChatPayClient(keys: WeChatPayKeys, options: { timeoutMs?: number } = {}): WeChatPayApi {
  const call = async <T>(method: 'GET' | 'POST', path: string, payload?: object): Promise<T | null> => {
    const body = payload === undefined ? '' : JSON.stringify(payload);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = wechatNonce();
    const signature = rsaSign(keys.merchantPrivateKey, `${method}\n${path}\n${timestamp}\n${nonce}\n${body}\n`);
    const response = await fetch(`${keys.apiUrl}${path}`, {
      method,
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        'user-agent': 'commerce-supergraph-payments',
        authorization: `${WECHATPAY_SIGNATURE_TYPE} mchid="${keys.mchId}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${keys.merchantSerial}"`,
      },
      body: method === 'POST' ? body : undefined,
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    const text = await response.text();
    const headers = Object.fromEntries(response.headers);
    // An answer that is not WeChat's (a proxy's error page, a forgery) is not believed.
    const verified = verifySignedMessage(keys.platformKeys, headers, text);
    if (!verified.ok) throw new WeChatPayError(response.status, 'UNVERIFIED_ANSWER', verified.reason);
    if (!response.ok) {
      const error = (text ? JSON.parse(text) : {}) as { code?: string; message?: string };
      throw new WeChatPayError(response.status, error.code ?? 'ERROR', error.message ?? '');
    }
    return text ? (JSON.parse(text) as T) : null;
  };

  return {
    async nativeOrder(order) {
      const answer = await call<{ code_url: string }>('POST', '/v3/pay/transactions/native', {
        appid: keys.appId,
        mchid: keys.mchId,
        description: order.description,
        out_trade_no: order.outTradeNo,
        notify_url: order.notifyUrl,
        amount: { total: order.totalFen, currency: order.currency },
      });
      if (!answer?.code_url) throw new WeChatPayError(200, 'NO_CODE_URL', 'the answer has no code_url');
      return { codeUrl: answer.code_url };
    },
    async refund(refund) {
      const answer = await call<{ refund_id: string; status: 'SUCCESS' | 'PROCESSING' | 'CLOSED' | 'ABNORMAL' }>(
        'POST',
        '/v3/refund/domestic/refunds',
        {
          out_trade_no: refund.outTradeNo,
          out_refund_no: refund.outRefundNo,
          reason: refund.reason,
          notify_url: refund.notifyUrl,
          amount: { refund: refund.refundFen, total: refund.totalFen, currency: refund.currency },
        },
      );
      if (!answer?.refund_id) throw new WeChatPayError(200, 'NO_REFUND_ID', 'the answer has no refund_id');
      return { refundId: answer.refund_id, status: answer.status };
    },
    async closeOrder(outTradeNo) {
      await call('POST', `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}/close`, { mchid: keys.mchId });
    },
  };
}
