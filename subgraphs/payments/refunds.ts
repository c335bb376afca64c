import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Config } from '../../platform/config/config.ts';
import { retryOnLockConflict } from '../../platform/db/conflicts.ts';
import type { Database } from '../../platform/db/database.ts';
import { callerKey, idempotentId } from '../../platform/db/idempotency.ts';
import type { EventRecorder } from '../../platform/events/outbox.ts';
import { failed, type UserError, UserErrors } from '../../platform/graphql/user-errors.ts';
import { checkText } from '../../platform/graphql/validation.ts';
import type { Logger } from '../../platform/observability/log.ts';
import { formatMinor, type MoneyView, parseMoney } from '../../platform/values/money.ts';
import type { PaymentsContext } from './context.ts';
import type { PaymentErrorCode } from './create-payment.ts';
import { type Payment, PaymentEntity, type Refund, RefundEntity } from './entities/payment.entity.ts';
import { claimRefundAmount } from './payment-repository.ts';
import { AlipayError } from './providers/alipay-client.ts';
import { paymentProviders } from './providers/index.ts';
import { WeChatPayError } from './providers/wechatpay-client.ts';
import { completeRefund, failRefund, PAID_STATUSES, REFUND_REQUESTED, type RefundRequestedData } from './settlement.ts';

export type RefundPaymentInput = { paymentId: string; amount: MoneyView; reason: string; idempotencyKey: string };
type Payload = { refund: Refund | null; payment: Payment | null; userErrors: UserError<PaymentErrorCode>[] };
export type RefundDeps = { db: Database; events: EventRecorder; log: Logger; config: Config };

const refuse = (code: PaymentErrorCode, field: string | null, message: string): Payload => ({
  refund: null,
  payment: null,
  userErrors: [{ code, field, message }],
});

export async function refundPayment(ctx: PaymentsContext, input: RefundPaymentInput): Promise<Payload> {
  const errors = new UserErrors<PaymentErrorCode>();
  const key = checkText(errors, 'input.idempotencyKey', input.idempotencyKey, 200);
  const reason = checkText(errors, 'input.reason', input.reason, 500);
  const amount = parseMoney(input.amount);
  if (!amount.ok) errors.add('INVALID_VALUE', 'input.amount', amount.message);
  else if (amount.money.minor <= 0)
    errors.add('INVALID_VALUE', 'input.amount.amount', `a refund must be above zero; received "${input.amount.amount}"`);
  if (errors.any || !amount.ok) return { ...failed('refund', errors), payment: null };
  return requestRefund(ctx, callerKey(ctx.identity), { paymentId: input.paymentId, ...amount.money, reason, key });
}

/**
 * A refund, in steps that never take back more than was paid:
 * 1. a known idempotency key answers its refund again (and sends a refund the
 *    provider never acknowledged once more: providers dedupe by out_refund_no);
 * 2. one conditional UPDATE claims the amount on the payment
 *    (`refunded_minor + amount <= amount_minor`), in the transaction that
 *    inserts the refund, so racing refunds cannot together exceed it;
 * 3. the provider is asked; its answer (Alipay, cash, bank) or its signed
 *    callback (WeChat Pay) completes the refund, or fails it and frees the amount.
 * The OrderCancelled consumer uses the same path for a paid order that is cancelled.
 */
export async function requestRefund(
  deps: RefundDeps,
  caller: string,
  input: { paymentId: string; minor: number; currency: string; reason: string; key: string },
): Promise<Payload> {
  const request = JSON.stringify({ paymentId: input.paymentId, minor: input.minor, currency: input.currency, reason: input.reason });
  const earlier = await existingRefund(deps, caller, input.key, request);
  if (earlier) return earlier;
  const payment = await deps.db.fork().findOne(PaymentEntity, { id: input.paymentId });
  if (!payment) return refuse('UNKNOWN_PAYMENT', 'input.paymentId', `no payment with id "${input.paymentId}"`);
  if (payment.currency !== input.currency) {
    return refuse(
      'INVALID_VALUE',
      'input.amount.currencyCode',
      `payment ${payment.id} is in ${payment.currency}; received ${input.currency}`,
    );
  }
  if (!(PAID_STATUSES as readonly string[]).includes(payment.status)) {
    return refuse(
      'INVALID_STATE_TRANSITION',
      'input.paymentId',
      `payment ${payment.id} is ${payment.status}; only a paid payment can be refunded`,
    );
  }

  const refundId = idempotentId('refund', caller, input.key);
  let refund: Refund | null;
  try {
    refund = await retryOnLockConflict(() =>
      deps.db.transaction(deps.db.fork(), async (tx) => {
        const now = new Date();
        if (!(await claimRefundAmount(deps.db, tx, payment.id, input.minor, now))) return null;
        const created = tx.create(RefundEntity, {
          id: refundId,
          paymentId: payment.id,
          orderId: payment.orderId,
          status: 'PENDING',
          currency: payment.currency,
          amountMinor: input.minor,
          reason: input.reason,
          outRefundNo: refundId.replaceAll('-', ''),
          providerReference: null,
          failureReason: null,
          caller,
          idempotencyKey: input.key,
          request,
          createdAt: now,
          completedAt: null,
        });
        await tx.flush();
        deps.events.record<RefundRequestedData>(tx, REFUND_REQUESTED, payment.orderId, {
          refundId,
          paymentId: payment.id,
          orderId: payment.orderId,
          amount: { minor: input.minor, currency: payment.currency },
        });
        return created;
      }),
    );
  } catch (error) {
    if (!(error instanceof UniqueConstraintViolationException)) throw error;
    // A racing call with the same key won; its claim stands and ours rolled back.
    const winner = await existingRefund(deps, caller, input.key, request);
    if (winner) return winner;
    throw error;
  }
  if (!refund) {
    const now = await deps.db.fork().findOneOrFail(PaymentEntity, { id: payment.id });
    const left = now.amountMinor - now.refundedMinor;
    return refuse(
      'REFUND_EXCEEDS_PAYMENT',
      'input.amount.amount',
      `refunding ${formatMinor(input.minor, input.currency)} ${input.currency} would take back more than payment ${payment.id} was paid: ` +
        `${formatMinor(now.amountMinor, now.currency)} paid, ${formatMinor(now.refundedMinor, now.currency)} refunded or being refunded, ` +
        `${formatMinor(left, now.currency)} left`,
    );
  }
  return submit(deps, refund, payment);
}

async function existingRefund(deps: RefundDeps, caller: string, key: string, request: string): Promise<Payload | null> {
  const em = deps.db.fork();
  const refund = await em.findOne(RefundEntity, { caller, idempotencyKey: key });
  if (!refund) return null;
  if (refund.request !== request) {
    return refuse('DUPLICATE_REQUEST', 'input.idempotencyKey', `idempotencyKey "${key}" was used for a different refund (${refund.id})`);
  }
  const payment = await em.findOneOrFail(PaymentEntity, { id: refund.paymentId });
  return refund.status === 'PENDING' ? submit(deps, refund, payment) : { refund, payment, userErrors: [] };
}

/** Sends the refund to the provider and applies what it answers synchronously. */
async function submit(deps: RefundDeps, refund: Refund, payment: Payment): Promise<Payload> {
  const providers = paymentProviders(deps.config);
  const userErrors: UserError<PaymentErrorCode>[] = [];
  try {
    if (payment.channel === 'WECHAT_PAY') {
      const answer = await providers.wechatPay.refund({
        outTradeNo: payment.outTradeNo,
        outRefundNo: refund.outRefundNo,
        reason: refund.reason.slice(0, 80),
        refundFen: refund.amountMinor,
        totalFen: payment.amountMinor,
        currency: payment.currency,
        notifyUrl: providers.notifyUrl.wechatPay,
      });
      // Usually PROCESSING: the signed REFUND.SUCCESS callback completes it.
      if (answer.status === 'SUCCESS') await completeRefund(deps, refund, answer.refundId);
      if (answer.status === 'CLOSED' || answer.status === 'ABNORMAL')
        await failRefund(deps, refund, `WeChat Pay answered ${answer.status}`);
    } else if (payment.channel === 'ALIPAY') {
      const answer = await providers.alipay.refund({
        outTradeNo: payment.outTradeNo,
        outRequestNo: refund.outRefundNo,
        refundAmount: formatMinor(refund.amountMinor, refund.currency),
        reason: refund.reason,
      });
      // Alipay refunds synchronously; fund_change "N" on a repeat means an earlier identical request did it.
      await completeRefund(deps, refund, answer.tradeNo);
    } else {
      // Cash goes back over the counter, a transfer back by the bank: the staff member records it done.
      await completeRefund(deps, refund, null);
    }
  } catch (error) {
    const definite = error instanceof AlipayError || (error instanceof WeChatPayError && error.status >= 400 && error.status < 500);
    if (definite) {
      await failRefund(deps, refund, (error as Error).message);
      userErrors.push({ code: 'PROVIDER_REFUSED', field: 'input.paymentId', message: `the refund failed: ${(error as Error).message}` });
    } else {
      deps.log.warn(`refund ${refund.id} was not acknowledged by ${payment.channel}: ${(error as Error).message}`);
      userErrors.push({
        code: 'SERVICE_UNAVAILABLE',
        field: null,
        message: `${payment.channel} did not answer (${(error as Error).message}); the refund is PENDING, retry with the same idempotencyKey to send it again`,
      });
    }
  }
  const em = deps.db.fork();
  return {
    refund: await em.findOneOrFail(RefundEntity, { id: refund.id }),
    payment: await em.findOneOrFail(PaymentEntity, { id: payment.id }),
    userErrors,
  };
}
