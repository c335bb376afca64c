import type { Config } from '../../platform/config/config.ts';
import type { Database } from '../../platform/db/database.ts';
import type { EventRecorder } from '../../platform/events/outbox.ts';
import type { Logger } from '../../platform/observability/log.ts';
import { parseMoney } from '../../platform/values/money.ts';
import { keepForReview } from './callback-review.ts';
import { type Payment, PaymentEntity, RefundEntity } from './entities/payment.entity.ts';
import { PAID_TRADE_STATUSES, parseForm, verifyParams } from './providers/alipay.ts';
import { paymentProviders } from './providers/index.ts';
import { verifyNotification, type WeChatRefundResult, type WeChatTransaction } from './providers/wechatpay.ts';
import { completeRefund, failRefund, PAID_STATUSES, settle } from './settlement.ts';

/**
 * What payments does with a provider's callback, independent of HTTP (the
 * routes in routes.ts, and the simulators' in-process deliveries, call these).
 *
 * Trust comes only from the provider's signature: a callback that does not
 * verify, is stale, names an unknown payment or a different amount changes
 * nothing, is answered with an error and is kept in callback_review, cut
 * to what a review needs and within a budget (callback-review.ts). A genuine callback changes a payment at most once
 * (see settlement.ts); its repeats are answered as successes, so the provider
 * stops sending them.
 */
export type CallbackDeps = { db: Database; events: EventRecorder; log: Logger; config: Config };
export type CallbackAnswer = { status: number; contentType: string | null; body: string };
type Headers = Record<string, string | undefined>;

export type CallbackProvider = 'wechatpay' | 'alipay';

/** Callbacks are small JSON or form bodies; anything larger is not a provider's. */
export const CALLBACK_BODY_LIMIT_BYTES = 64 * 1024;

// WeChat's convention: 200 or 204 without a body for success; 4xx/5xx with {code, message} otherwise.
const WECHAT_OK: CallbackAnswer = { status: 204, contentType: null, body: '' };
const wechatFail = (status: number, message: string): CallbackAnswer => ({
  status,
  contentType: 'application/json; charset=utf-8',
  body: JSON.stringify({ code: 'FAIL', message }),
});

export async function receiveWeChatPay(deps: CallbackDeps, headers: Headers, body: string, now = Date.now()): Promise<CallbackAnswer> {
  const keys = paymentProviders(deps.config).keys.wechatPay;
  // Unsigned refusals can come from anyone and are kept within a budget; signed ones only from WeChat (callback-review.ts).
  let signed = false;
  const refuse = async (status: number, reason: string) => {
    await keepForReview(deps, 'wechatpay', reason, headers, body, { signed });
    return wechatFail(status, reason);
  };
  const verified = verifyNotification(keys, headers, body, now);
  if (!verified.ok) return refuse(verified.status, verified.reason);
  signed = true;
  const { notification, resource } = verified;
  if (notification.event_type === 'TRANSACTION.SUCCESS') {
    const transaction = resource as WeChatTransaction;
    if (transaction.mchid !== keys.mchId || transaction.appid !== keys.appId) {
      return refuse(400, `mchid "${transaction.mchid}" / appid "${transaction.appid}" are not this merchant's`);
    }
    if (transaction.trade_state !== 'SUCCESS') {
      return refuse(400, `TRANSACTION.SUCCESS with trade_state "${transaction.trade_state}"`);
    }
    const payment = await paymentByOutTradeNo(deps, transaction.out_trade_no, 'WECHAT_PAY');
    if (!payment) return refuse(404, `no WeChat Pay payment with out_trade_no "${String(transaction.out_trade_no).slice(0, 64)}"`);
    const total = transaction.amount?.total;
    const currency = transaction.amount?.currency ?? 'CNY';
    if (total !== payment.amountMinor || currency !== payment.currency) {
      return refuse(
        400,
        `amount.total ${total} ${currency} differs from payment ${payment.id}'s ${payment.amountMinor} ${payment.currency} (fen)`,
      );
    }
    const applied = await applyPaid(deps, 'wechatpay', payment, transaction.transaction_id, headers, body);
    return applied ? WECHAT_OK : wechatFail(409, `payment ${payment.id} was paid by another transaction; kept for review`);
  }
  if (notification.event_type.startsWith('REFUND.')) {
    const result = resource as WeChatRefundResult;
    const refund = await deps.db.fork().findOne(RefundEntity, { outRefundNo: String(result.out_refund_no) });
    const payment = refund && (await deps.db.fork().findOne(PaymentEntity, { id: refund.paymentId }));
    if (!refund || !payment || payment.channel !== 'WECHAT_PAY' || payment.outTradeNo !== result.out_trade_no) {
      return refuse(404, `no WeChat Pay refund with out_refund_no "${String(result.out_refund_no).slice(0, 64)}" of that out_trade_no`);
    }
    if (result.amount?.refund !== refund.amountMinor) {
      return refuse(400, `amount.refund ${result.amount?.refund} differs from refund ${refund.id}'s ${refund.amountMinor} (fen)`);
    }
    if (result.refund_status === 'SUCCESS') await completeRefund(deps, refund, result.refund_id);
    else await failRefund(deps, refund, `WeChat Pay: ${notification.event_type} (${result.refund_status})`);
    return WECHAT_OK;
  }
  // Verified, but nothing we act on (WeChat may add event types): acknowledged so it is not resent.
  deps.log.info(`wechatpay callback ${notification.event_type} acknowledged without action`);
  return WECHAT_OK;
}

// Alipay's convention: the plain text "success" stops its retries; anything else ("failure") makes it resend.
const ALIPAY_OK: CallbackAnswer = { status: 200, contentType: 'text/plain; charset=utf-8', body: 'success' };
const ALIPAY_FAIL: CallbackAnswer = { status: 400, contentType: 'text/plain; charset=utf-8', body: 'failure' };

export async function receiveAlipay(deps: CallbackDeps, headers: Headers, body: string): Promise<CallbackAnswer> {
  const keys = paymentProviders(deps.config).keys.alipay;
  let signed = false;
  const refuse = async (reason: string) => {
    await keepForReview(deps, 'alipay', reason, headers, body, { signed });
    return ALIPAY_FAIL;
  };
  const params = parseForm(body);
  if (!params) return refuse('the body is not a form with each parameter once');
  if (!verifyParams(keys.alipayPublicKey, params)) return refuse('sign (RSA2) does not verify over the sorted parameters');
  signed = true;
  if (params.app_id !== keys.appId) return refuse(`app_id "${params.app_id}" is not ours`);
  if (params.seller_id !== keys.sellerId) return refuse(`seller_id "${params.seller_id}" is not ours`);
  const payment = await paymentByOutTradeNo(deps, params.out_trade_no ?? '', 'ALIPAY');
  if (!payment) return refuse(`no Alipay payment with out_trade_no "${(params.out_trade_no ?? '').slice(0, 64)}"`);
  const total = parseMoney({ amount: params.total_amount ?? '', currencyCode: payment.currency });
  if (!total.ok || total.money.minor !== payment.amountMinor) {
    return refuse(`total_amount "${params.total_amount}" differs from payment ${payment.id}'s ${payment.amountMinor} (minor units)`);
  }
  // WAIT_BUYER_PAY, TRADE_CLOSED: nothing was paid; acknowledged so Alipay stops.
  if (!PAID_TRADE_STATUSES.includes(params.trade_status ?? '')) return ALIPAY_OK;
  return (await applyPaid(deps, 'alipay', payment, params.trade_no ?? null, headers, body)) ? ALIPAY_OK : ALIPAY_FAIL;
}

async function paymentByOutTradeNo(deps: CallbackDeps, outTradeNo: string, channel: Payment['channel']) {
  if (typeof outTradeNo !== 'string' || outTradeNo.length === 0 || outTradeNo.length > 32) return null;
  const payment = await deps.db.fork().findOne(PaymentEntity, { outTradeNo });
  return payment?.channel === channel ? payment : null;
}

/**
 * Settles the payment once. A repeat of the callback that settled it is
 * acknowledged; a genuine payment of a payment that was closed meanwhile
 * (the order was cancelled as the customer paid) is acknowledged too, since
 * the provider resending it would not help, and kept for a person to refund.
 * Resolves false only for a paid payment whose provider reference differs.
 */
async function applyPaid(
  deps: CallbackDeps,
  provider: CallbackProvider,
  payment: Payment,
  providerReference: string | null,
  headers: Headers,
  body: string,
): Promise<boolean> {
  if (await settle(deps, payment, providerReference)) return true;
  const now = await deps.db.fork().findOneOrFail(PaymentEntity, { id: payment.id });
  if ((PAID_STATUSES as readonly string[]).includes(now.status)) {
    if (now.providerReference === providerReference) return true;
    await keepForReview(
      deps,
      provider,
      `payment ${now.id} was paid by ${now.providerReference}; this callback names ${providerReference}`,
      headers,
      body,
      { signed: true },
    );
    return false;
  }
  await keepForReview(
    deps,
    provider,
    `payment ${now.id} is ${now.status} but the provider says it was paid; refund it by hand`,
    headers,
    body,
    { signed: true },
  );
  return true;
}
