import { type AlipayApi, alipayTimestamp, signParams } from './alipay.ts';
import type { AlipayKeys } from './keys.ts';
import { rsaVerify } from './wechatpay.ts';

/**
 * The live Alipay open-platform client: each request signed RSA2 with the
 * app's private key, each answer's `sign` checked with the Alipay public key
 * over the exact text of its `<method>_response` node before it is believed.
 * Selected by setting ALIPAY_*.
 */
export class AlipayError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(`Alipay answered ${code}: ${message}`);
    this.name = 'AlipayError';
    this.code = code;
  }
}

/** The raw JSON text of `"<node>": {...}` in `text`, as Alipay signed it. */
export function responseNode(text: string, node: string): string | null {
  const start = text.indexOf(`"${node}"`);
  if (start < 0) return null;
  const open = text.indexOf('{', start + node.length + 2);
  if (open < 0) return null;
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return text.slice(open, i + 1);
  }
  return null;
}

export function createAlipayClient(keys: AlipayKeys, options: { timeoutMs?: number } = {}): AlipayApi {
  const call = async <T>(method: string, bizContent: object, extra: Record<string, string> = {}): Promise<T> => {
    const params: Record<string, string> = {
      app_id: keys.appId,
      method,
      format: 'JSON',
      charset: 'utf-8',
      sign_type: 'RSA2',
      timestamp: alipayTimestamp(),
      version: '1.0',
      biz_content: JSON.stringify(bizContent),
      ...extra,
    };
    params.sign = signParams(keys.appPrivateKey, params);
    const response = await fetch(keys.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
      body: new URLSearchParams(params).toString(),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    const text = await response.text();
    const node = responseNode(text, `${method.replaceAll('.', '_')}_response`);
    const sign = (JSON.parse(text) as { sign?: string }).sign;
    if (!node || !sign || !rsaVerify(keys.alipayPublicKey, node, sign)) {
      throw new AlipayError('UNVERIFIED_ANSWER', `the answer to ${method} is not signed by Alipay`);
    }
    const answer = JSON.parse(node) as { code: string; msg: string; sub_code?: string; sub_msg?: string } & T;
    if (answer.code !== '10000') throw new AlipayError(answer.sub_code ?? answer.code, answer.sub_msg ?? answer.msg);
    return answer;
  };

  return {
    async precreate(order) {
      const answer = await call<{ qr_code: string }>(
        'alipay.trade.precreate',
        { out_trade_no: order.outTradeNo, total_amount: order.totalAmount, subject: order.subject },
        { notify_url: order.notifyUrl },
      );
      return { qrCode: answer.qr_code };
    },
    async refund(refund) {
      const answer = await call<{ fund_change: string; trade_no: string }>('alipay.trade.refund', {
        out_trade_no: refund.outTradeNo,
        out_request_no: refund.outRequestNo,
        refund_amount: refund.refundAmount,
        refund_reason: refund.reason,
      });
      return { fundChange: answer.fund_change === 'Y', tradeNo: answer.trade_no };
    },
    async close(outTradeNo) {
      await call('alipay.trade.close', { out_trade_no: outTradeNo });
    },
  };
}
