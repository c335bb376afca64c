import { randomInt } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { retryOnLockConflict } from '../../platform/db/conflicts.ts';
import { callerKey, idempotentId } from '../../platform/db/idempotency.ts';
import { failed, succeeded, type UserError, UserErrors } from '../../platform/graphql/user-errors.ts';
import { checkText } from '../../platform/graphql/validation.ts';
import { PeerUnavailable } from '../../platform/http/service-client.ts';
import { formatMinor } from '../../platform/values/money.ts';
import { canTakePayments, isPayer } from './access.ts';
import type { PaymentsContext } from './context.ts';
import { type Payment, type PaymentChannel, PaymentEntity } from './entities/payment.entity.ts';
import { type OrderToPay, orderToPay } from './peers.ts';
import { paymentProviders } from './providers/index.ts';
import { markPaid, PAYMENT_CREATED, type PaymentCreatedData } from './settlement.ts';

export type PaymentErrorCode =
  | 'INVALID_VALUE'
  | 'UNKNOWN_ORDER'
  | 'UNKNOWN_PAYMENT'
  | 'ORDER_NOT_PAYABLE'
  | 'PAYMENT_IN_PROGRESS'
  | 'CHANNEL_UNAVAILABLE'
  | 'INVALID_STATE_TRANSITION'
  | 'REFUND_EXCEEDS_PAYMENT'
  | 'DUPLICATE_REQUEST'
  | 'NOT_ALLOWED'
  | 'SERVICE_UNAVAILABLE'
  | 'PROVIDER_REFUSED';

export type CreatePaymentInput = { orderId: string; channel: PaymentChannel; idempotencyKey: string };
type Payload = { payment: Payment | null; userErrors: UserError<PaymentErrorCode>[] };
const refuse = (code: PaymentErrorCode, field: string | null, message: string): Payload => failed('payment', [{ code, field, message }]);

/** WeChat Pay native and Alipay pre-create charge mainland customers in CNY. */
const QR_CHANNEL_CURRENCY = 'CNY';

/**
 * Starts paying an order, in steps that each leave nothing behind if the next
 * one fails:
 * 1. a known idempotency key answers what it answered first (or DUPLICATE_REQUEST for a different input);
 * 2. orders says what the order costs, whose it is and whether it waits for payment;
 * 3. the provider is asked for the QR code under an out_trade_no derived from
 *    (caller, key), so a retry or a racing twin asks for the same code;
 * 4. one insert claims the order's single active-payment slot (a unique
 *    index); the loser of a race gets the winner's answer or PAYMENT_IN_PROGRESS.
 * CASH is settled inside that insert's transaction, with its PaymentSucceeded event.
 */
export async function createPayment(ctx: PaymentsContext, input: CreatePaymentInput): Promise<Payload> {
  const errors = new UserErrors<PaymentErrorCode>();
  const key = checkText(errors, 'input.idempotencyKey', input.idempotencyKey, 200);
  const orderId = checkText(errors, 'input.orderId', input.orderId, 36);
  if (errors.any) return failed('payment', errors);
  const caller = callerKey(ctx.identity);
  const request = JSON.stringify({ orderId, channel: input.channel });
  const earlier = await existingPayment(ctx, caller, key, request);
  if (earlier) return earlier;

  const staff = canTakePayments(ctx.identity);
  if (input.channel === 'CASH' && !staff) {
    return refuse('NOT_ALLOWED', 'input.channel', 'CASH payments are taken by a cashier holding payments:write');
  }
  if (!staff && ctx.identity.kind !== 'member') {
    return refuse('NOT_ALLOWED', null, `members pay their own orders; staff need payments:write (the caller is ${ctx.identity.kind})`);
  }
  let order: OrderToPay | null;
  try {
    order = await orderToPay(ctx, orderId);
  } catch (error) {
    if (error instanceof PeerUnavailable) return unavailable('orders', error);
    throw error;
  }
  if (!order || (!staff && !isPayer(ctx.identity, order.memberId))) {
    return refuse('UNKNOWN_ORDER', 'input.orderId', `no order with id "${orderId}" that you may pay`);
  }
  if (order.status !== 'PENDING_PAYMENT') {
    return refuse(
      'ORDER_NOT_PAYABLE',
      'input.orderId',
      `order ${order.number} is ${order.status}; only an order waiting for payment can be paid`,
    );
  }
  const paymentId = idempotentId('payment', caller, key);
  const active = await activePayment(ctx, order.id);
  // The active payment may be this very request's, made by a racing retry of it: then its answer is ours.
  if (active)
    return active.id === paymentId
      ? ((await existingPayment(ctx, caller, key, request)) ?? inProgress(order, active))
      : inProgress(order, active);
  if ((input.channel === 'WECHAT_PAY' || input.channel === 'ALIPAY') && order.total.currency !== QR_CHANNEL_CURRENCY) {
    return refuse(
      'CHANNEL_UNAVAILABLE',
      'input.channel',
      `${input.channel} charges ${QR_CHANNEL_CURRENCY} only; order ${order.number} is in ${order.total.currency}`,
    );
  }

  const outTradeNo = paymentId.replaceAll('-', '');
  let qrCodeUrl: string | null = null;
  try {
    qrCodeUrl = await askProviderForCode(ctx, input.channel, order, outTradeNo);
  } catch (error) {
    ctx.log.warn(`${input.channel} refused or did not answer for order ${order.number}: ${(error as Error).message}`);
    return unavailable(input.channel, error as Error);
  }

  for (let attempt = 1; ; attempt++) {
    try {
      const payment = await retryOnLockConflict(() =>
        ctx.db.transaction(ctx.em, async (tx) => {
          const now = new Date();
          const payment = tx.create(PaymentEntity, {
            id: paymentId,
            orderId: order.id,
            orderNumber: order.number,
            memberId: order.memberId,
            channel: input.channel,
            status: 'PENDING',
            currency: order.total.currency,
            amountMinor: order.total.minor,
            refundedMinor: 0,
            refundSettledMinor: 0,
            outTradeNo,
            activeOrderId: order.id,
            transferReference: input.channel === 'BANK_TRANSFER' ? newTransferReference() : null,
            qrCodeUrl,
            providerReference: null,
            caller,
            idempotencyKey: key,
            request,
            paidAt: null,
            closedAt: null,
            version: 1,
            createdAt: now,
            updatedAt: now,
          });
          await tx.flush();
          ctx.events.record<PaymentCreatedData>(tx, PAYMENT_CREATED, order.id, {
            paymentId,
            orderId: order.id,
            channel: input.channel,
            amount: { minor: order.total.minor, currency: order.total.currency },
          });
          // The cashier has the money in hand: the payment is settled with its event, in this transaction.
          if (input.channel === 'CASH') await markPaid(ctx, tx, payment, `CASH-${ctx.identity.subject ?? 'cashier'}`, now);
          return payment;
        }),
      );
      return succeeded('payment', await reload(ctx, payment.id));
    } catch (error) {
      ctx.em.clear();
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      // A racing call with the same key won: its answer is ours. Another payment of the order won: ours is not needed.
      const winner = await existingPayment(ctx, caller, key, request);
      if (winner) return winner;
      const other = await activePayment(ctx, order.id);
      if (other) {
        await closeProviderCode(ctx, input.channel, outTradeNo);
        return inProgress(order, other);
      }
      // Only a transfer reference can still collide (1 in 32^8): draw another.
      if (attempt >= 3) throw error;
    }
  }
}

async function askProviderForCode(ctx: PaymentsContext, channel: PaymentChannel, order: OrderToPay, outTradeNo: string) {
  const providers = paymentProviders(ctx.config);
  const description = `Order ${order.number}`;
  if (channel === 'WECHAT_PAY') {
    const answer = await providers.wechatPay.nativeOrder({
      outTradeNo,
      description,
      totalFen: order.total.minor,
      currency: order.total.currency,
      notifyUrl: providers.notifyUrl.wechatPay,
    });
    return answer.codeUrl;
  }
  if (channel === 'ALIPAY') {
    const answer = await providers.alipay.precreate({
      outTradeNo,
      subject: description,
      totalAmount: formatMinor(order.total.minor, order.total.currency),
      notifyUrl: providers.notifyUrl.alipay,
    });
    return answer.qrCode;
  }
  return null;
}

/** Best effort: a code nobody will use should not stay payable (it also expires at the provider). */
export async function closeProviderCode(ctx: Pick<PaymentsContext, 'config' | 'log'>, channel: PaymentChannel, outTradeNo: string) {
  const providers = paymentProviders(ctx.config);
  try {
    if (channel === 'WECHAT_PAY') await providers.wechatPay.closeOrder(outTradeNo);
    if (channel === 'ALIPAY') await providers.alipay.close(outTradeNo);
  } catch (error) {
    ctx.log.warn(`closing ${channel} out_trade_no ${outTradeNo} failed: ${(error as Error).message}`);
  }
}

async function existingPayment(ctx: PaymentsContext, caller: string, key: string, request: string): Promise<Payload | null> {
  const payment = await ctx.em.findOne(PaymentEntity, { caller, idempotencyKey: key }, { refresh: true });
  if (!payment) return null;
  if (payment.request !== request) {
    return refuse('DUPLICATE_REQUEST', 'input.idempotencyKey', `idempotencyKey "${key}" was used for a different payment (${payment.id})`);
  }
  return succeeded('payment', payment);
}

const activePayment = (ctx: PaymentsContext, orderId: string) =>
  ctx.em.findOne(PaymentEntity, { activeOrderId: orderId }, { refresh: true });

const reload = async (ctx: PaymentsContext, id: string) => ctx.em.findOneOrFail(PaymentEntity, { id }, { refresh: true });

function inProgress(order: OrderToPay, active: Payment): Payload {
  return refuse(
    'PAYMENT_IN_PROGRESS',
    'input.orderId',
    `order ${order.number} already has a ${active.status} ${active.channel} payment (${active.id}); an order has one active payment`,
  );
}

function unavailable(what: string, error: Error): Payload {
  return refuse(
    'SERVICE_UNAVAILABLE',
    null,
    `${what} did not answer (${error.message}); nothing was charged, retry with the same idempotencyKey`,
  );
}

// Crockford's base32 without I, L, O, U: easy to read out and type into a bank form.
const REFERENCE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A transfer reference such as PAY7KQ3M9XD, which a customer quotes and a bank statement carries back. */
export function newTransferReference(): string {
  let reference = 'PAY';
  for (let i = 0; i < 8; i++) reference += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)];
  return reference;
}

export const TRANSFER_REFERENCE = /PAY[0-9A-HJKMNP-TV-Z]{8}/;
