import type { KeyObject } from 'node:crypto';
import { rsaSign, rsaVerify } from './wechatpay.ts';

/**
 * Alipay's open platform, as its documentation specifies it (opendocs.alipay.com,
 * "自行实现验签" and "异步通知说明"):
 *
 * - Requests and asynchronous notifies are signed RSA2: base64 SHA256withRSA
 *   over every parameter except `sign` and `sign_type` and those with an empty
 *   value, sorted by name, written `k=v` (values decoded, not URL-encoded) and
 *   joined with `&`.
 * - A notify is an application/x-www-form-urlencoded POST; we verify it with the
 *   Alipay public key, then check out_trade_no, total_amount (yuan, "123.45"),
 *   app_id and seller_id. TRADE_SUCCESS and TRADE_FINISHED mean paid. The answer
 *   is the plain text `success`; anything else makes Alipay send it again.
 */
export const PAID_TRADE_STATUSES = ['TRADE_SUCCESS', 'TRADE_FINISHED'];

export function signContent(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((key) => key !== 'sign' && key !== 'sign_type' && params[key] !== '' && params[key] !== undefined)
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join('&');
}

export function signParams(privateKey: KeyObject, params: Readonly<Record<string, string>>): string {
  return rsaSign(privateKey, signContent(params));
}

export function verifyParams(publicKey: KeyObject, params: Readonly<Record<string, string>>): boolean {
  return params.sign_type === 'RSA2' && typeof params.sign === 'string' && rsaVerify(publicKey, signContent(params), params.sign);
}

/** A form body as Alipay sends it: every parameter once (a repeated one is refused, it would be ambiguous). */
export function parseForm(body: string): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    if (key in params) return null;
    params[key] = value;
  }
  return params;
}

/** `yyyy-MM-dd HH:mm:ss` in Beijing time, the format of Alipay's timestamps. */
export function alipayTimestamp(date = new Date()): string {
  const beijing = new Date(date.getTime() + 8 * 3_600_000).toISOString();
  return `${beijing.slice(0, 10)} ${beijing.slice(11, 19)}`;
}

/**
 * The calls payments makes to Alipay. The live client (alipay-client.ts) sends
 * them to openapi.alipay.com; the simulator answers them in process.
 */
export type AlipayApi = {
  /** alipay.trade.precreate: the qr_code the customer scans. Same out_trade_no, same answer. */
  precreate(order: { outTradeNo: string; subject: string; totalAmount: string; notifyUrl: string }): Promise<{ qrCode: string }>;
  /** alipay.trade.refund: synchronous; idempotent by out_request_no. */
  refund(refund: { outTradeNo: string; outRequestNo: string; refundAmount: string; reason: string }): Promise<{
    fundChange: boolean;
    tradeNo: string;
  }>;
  /** alipay.trade.close: the code can no longer be paid. */
  close(outTradeNo: string): Promise<void>;
};
