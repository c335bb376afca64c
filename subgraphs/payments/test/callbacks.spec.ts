import { generateKeyPairSync } from 'node:crypto';
import { databaseTargets, reportSkippedMysql } from '../../../platform/testing/databases.ts';
import { newId } from '../../../platform/values/ids.ts';
import { signParams } from '../providers/alipay.ts';
import { encryptResource, rsaSign, signatureMessage } from '../providers/wechatpay.ts';
import type { Callback } from '../providers/wechatpay-simulator.ts';
import { member, type PaymentView, paymentsSuite } from './fixtures.ts';

/**
 * Provider callbacks at the payments server's own routes (the router forwards
 * them unchanged): only a genuine callback has any effect, and it has it once,
 * however often and however concurrently it arrives. Every refused callback is
 * kept for review with its raw headers and body.
 */
describe.each(databaseTargets())('provider callbacks on $label', (target) => {
  const suite = paymentsSuite(target);

  const wechat = () => suite.system.providers.wechatPaySimulator!;
  const alipay = () => suite.system.providers.alipaySimulator!;

  const pendingPayment = async (channel: 'WECHAT_PAY' | 'ALIPAY'): Promise<{ orderId: string; payment: PaymentView }> => {
    const buyer = newId();
    const order = await suite.system.placeOrder(buyer, { price: '88.80' });
    const { payment } = await suite.system.createPayment({ orderId: order.id, channel, idempotencyKey: `pay-${order.id}` }, member(buyer));
    return { orderId: order.id, payment: payment! };
  };
  const succeededEvents = (orderId: string) =>
    suite.system.count("select count(*) as n from outbox_event where type = 'PaymentSucceeded' and event_key = ?", [orderId]);
  const reviews = () => suite.system.count('select count(*) as n from callback_review');
  const lastReview = async () => {
    const db = suite.system.payments.server.db;
    const [row] = await db.execute<{ provider: string; reason: string; headers: string; body: string }>(
      db.fork(),
      'select provider, reason, headers, body from callback_review order by received_at desc, id desc limit 1',
    );
    return row!;
  };

  /** A callback refused: an error answer, the payment untouched, no event, and the raw request kept for review. */
  const expectRefusedWeChat = async (orderId: string, payment: PaymentView, callback: Callback, reason: RegExp) => {
    const before = await reviews();
    const answer = await suite.system.deliver('/callbacks/wechatpay', callback);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(JSON.parse(answer.body)).toEqual({ code: 'FAIL', message: expect.stringMatching(reason) });
    expect(await reviews()).toBe(before + 1);
    expect(await lastReview()).toEqual({
      provider: 'wechatpay',
      reason: expect.stringMatching(reason),
      headers: expect.stringContaining('wechatpay-signature'),
      body: callback.body,
    });
    await suite.system.settle();
    expect((await suite.system.payment(payment.id))?.status).toBe('PENDING');
    expect(await succeededEvents(orderId)).toBe(0);
    expect(await suite.system.orderStatus(orderId)).toBe('PENDING_PAYMENT');
  };

  describe('WeChat Pay', () => {
    it('settles the payment on a genuine TRANSACTION.SUCCESS, answers 204, and the order becomes PAID', async () => {
      const { orderId, payment } = await pendingPayment('WECHAT_PAY');
      const callback = wechat().paidCallback({
        outTradeNo: payment.outTradeNo,
        totalFen: 8880,
        transactionId: '4200000000000000000000000001',
      });
      expect(await suite.system.deliver('/callbacks/wechatpay', callback)).toEqual({ status: 204, body: '' });
      expect(await suite.system.payment(payment.id)).toMatchObject({
        status: 'SUCCEEDED',
        providerReference: '4200000000000000000000000001',
      });
      await suite.system.settle();
      expect(await suite.system.orderStatus(orderId)).toBe('PAID');
      expect(await succeededEvents(orderId)).toBe(1);
    });

    it('changes the payment once and records PaymentSucceeded once when the same callback arrives ten times', async () => {
      const { orderId, payment } = await pendingPayment('WECHAT_PAY');
      const callback = wechat().paidCallback({ outTradeNo: payment.outTradeNo, totalFen: 8880 });
      for (let i = 0; i < 10; i++) expect((await suite.system.deliver('/callbacks/wechatpay', callback)).status).toBe(204);
      const [row] = await suite.system.payments.server.db.execute<{ version: number }>(
        suite.system.payments.server.db.fork(),
        'select version from payment where id = ?',
        [payment.id],
      );
      expect(Number(row!.version)).toBe(2);
      expect(await succeededEvents(orderId)).toBe(1);
    });

    it('changes the payment once when ten copies of the callback arrive at the same time', async () => {
      const { orderId, payment } = await pendingPayment('WECHAT_PAY');
      const callback = wechat().paidCallback({ outTradeNo: payment.outTradeNo, totalFen: 8880 });
      const answers = await Promise.all(Array.from({ length: 10 }, () => suite.system.deliver('/callbacks/wechatpay', callback)));
      expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(204));
      const [row] = await suite.system.payments.server.db.execute<{ version: number; status: string }>(
        suite.system.payments.server.db.fork(),
        'select version, status from payment where id = ?',
        [payment.id],
      );
      expect({ version: Number(row!.version), status: row!.status }).toEqual({ version: 2, status: 'SUCCEEDED' });
      expect(await succeededEvents(orderId)).toBe(1);
      await suite.system.settle();
      expect(await suite.system.orderStatus(orderId)).toBe('PAID');
    });

    it('refuses a callback signed with a key that is not the platform key', async () => {
      const { orderId, payment } = await pendingPayment('WECHAT_PAY');
      const genuine = wechat().paidCallback({ outTradeNo: payment.outTradeNo, totalFen: 8880 });
      const forger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      const h = genuine.headers;
      const forged = {
        ...genuine,
        headers: {
          ...h,
          'wechatpay-signature': rsaSign(forger, signatureMessage(h['wechatpay-timestamp']!, h['wechatpay-nonce']!, genuine.body)),
        },
      };
      await expectRefusedWeChat(orderId, payment, forged, /Wechatpay-Signature does not verify/);
    });

    it('refuses a genuine callback whose body was tampered with', async () => {
      const { orderId, payment } = await pendingPayment('WECHAT_PAY');
      const genuine = wechat().paidCallback({ outTradeNo: payment.outTradeNo, totalFen: 8880 });
      const tampered = { ...genuine, body: genuine.body.replace('"TRANSACTION.SUCCESS"', '"TRANSACTION.SUCCESS" ') };
      await expectRefusedWeChat(orderId, payment, tampered, /does not verify/);
    });

    it('refuses a stale callback (more than 5 minutes old), even one that is correctly signed', async () => {
      const { orderId, payment } = await pendingPayment('WECHAT_PAY');
      const stale = wechat().paidCallback({ outTradeNo: payment.outTradeNo, totalFen: 8880, at: Date.now() - 6 * 60_000 });
      await expectRefusedWeChat(orderId, payment, stale, /more than 300 seconds from now/);
    });

    it('refuses a callback naming an unknown platform certificate serial', async () => {
      const { orderId, payment } = await pendingPayment('WECHAT_PAY');
      const genuine = wechat().paidCallback({ outTradeNo: payment.outTradeNo, totalFen: 8880 });
      await expectRefusedWeChat(
        orderId,
        payment,
        { ...genuine, headers: { ...genuine.headers, 'wechatpay-serial': 'ABCDEF' } },
        /unknown platform certificate serial/,
      );
    });

    it('refuses a signed callback whose resource was encrypted under another APIv3 key', async () => {
      const { orderId, payment } = await pendingPayment('WECHAT_PAY');
      const genuine = wechat().paidCallback({ outTradeNo: payment.outTradeNo, totalFen: 8880 });
      const notification = JSON.parse(genuine.body);
      notification.resource = encryptResource('k'.repeat(32), '{"out_trade_no":"x"}', 'transaction', 'transaction');
      const body = JSON.stringify(notification);
      const keys = suite.system.providers.keys.wechatPay.simulator!;
      const h = genuine.headers;
      const signature = rsaSign(keys.platformPrivateKey, signatureMessage(h['wechatpay-timestamp']!, h['wechatpay-nonce']!, body));
      await expectRefusedWeChat(orderId, payment, { headers: { ...h, 'wechatpay-signature': signature }, body }, /does not decrypt/);
    });

    it('refuses a genuine callback for an unknown out_trade_no or for a different amount', async () => {
      const { orderId, payment } = await pendingPayment('WECHAT_PAY');
      await expectRefusedWeChat(
        orderId,
        payment,
        wechat().paidCallback({ outTradeNo: 'f'.repeat(32), totalFen: 8880 }),
        /no WeChat Pay payment/,
      );
      await expectRefusedWeChat(orderId, payment, wechat().paidCallback({ outTradeNo: payment.outTradeNo, totalFen: 1 }), /differs/);
    });

    it('acknowledges a replay of a callback it already applied, and changes nothing', async () => {
      const { orderId, payment } = await pendingPayment('WECHAT_PAY');
      const callback = wechat().paidCallback({ outTradeNo: payment.outTradeNo, totalFen: 8880 });
      await suite.system.deliver('/callbacks/wechatpay', callback);
      const before = await reviews();
      expect((await suite.system.deliver('/callbacks/wechatpay', callback)).status).toBe(204);
      expect(await reviews()).toBe(before);
      expect(await succeededEvents(orderId)).toBe(1);
    });

    it('serves the development pay page, whose button sends a correctly signed callback', async () => {
      const { orderId, payment } = await pendingPayment('WECHAT_PAY');
      const page = await fetch(payment.qrCodeUrl!.replace(/^https?:\/\/[^/]+/, suite.system.payments.url.replace(/\/graphql$/, '')));
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Scan and pay');
      const paid = await fetch(page.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: 'total=8880',
      });
      expect(await paid.json()).toEqual({ callbackStatus: 204, callbackBody: '' });
      await suite.system.settle();
      expect(await suite.system.orderStatus(orderId)).toBe('PAID');
    });
  });

  describe('Alipay', () => {
    const refusedAlipay = async (orderId: string, payment: PaymentView, callback: Callback, reason: RegExp) => {
      const before = await reviews();
      expect(await suite.system.deliver('/callbacks/alipay', callback)).toEqual({ status: 400, body: 'failure' });
      expect(await reviews()).toBe(before + 1);
      expect(await lastReview()).toMatchObject({ provider: 'alipay', reason: expect.stringMatching(reason), body: callback.body });
      expect((await suite.system.payment(payment.id))?.status).toBe('PENDING');
      expect(await succeededEvents(orderId)).toBe(0);
    };

    it('settles the payment once on a genuine TRADE_SUCCESS notify, however often it comes, answering success', async () => {
      const { orderId, payment } = await pendingPayment('ALIPAY');
      const notify = alipay().tradeNotify({
        outTradeNo: payment.outTradeNo,
        totalAmount: '88.80',
        tradeNo: '2026112322001400000000000001',
      });
      const answers = await Promise.all(Array.from({ length: 10 }, () => suite.system.deliver('/callbacks/alipay', notify)));
      expect(answers).toEqual(Array(10).fill({ status: 200, body: 'success' }));
      expect(await suite.system.payment(payment.id)).toMatchObject({
        status: 'SUCCEEDED',
        providerReference: '2026112322001400000000000001',
      });
      expect(await succeededEvents(orderId)).toBe(1);
      await suite.system.settle();
      expect(await suite.system.orderStatus(orderId)).toBe('PAID');
    });

    it('acknowledges WAIT_BUYER_PAY without settling anything', async () => {
      const { orderId, payment } = await pendingPayment('ALIPAY');
      const waiting = alipay().tradeNotify({ outTradeNo: payment.outTradeNo, totalAmount: '88.80', tradeStatus: 'WAIT_BUYER_PAY' });
      expect(await suite.system.deliver('/callbacks/alipay', waiting)).toEqual({ status: 200, body: 'success' });
      expect((await suite.system.payment(payment.id))?.status).toBe('PENDING');
      expect(await succeededEvents(orderId)).toBe(0);
    });

    it('refuses a forged sign, a tampered parameter, another app_id or seller_id, an unknown trade and a different amount', async () => {
      const { orderId, payment } = await pendingPayment('ALIPAY');
      const genuine = alipay().tradeNotify({ outTradeNo: payment.outTradeNo, totalAmount: '88.80' });
      const params = Object.fromEntries(new URLSearchParams(genuine.body));
      const forger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      const form = (values: Record<string, string>) => ({ headers: genuine.headers, body: new URLSearchParams(values).toString() });
      await refusedAlipay(orderId, payment, form({ ...params, sign: signParams(forger, params) }), /does not verify/);
      await refusedAlipay(orderId, payment, form({ ...params, total_amount: '0.01' }), /does not verify/);
      await refusedAlipay(orderId, payment, form({ ...params, sign_type: 'RSA' }), /does not verify/);
      await refusedAlipay(
        orderId,
        payment,
        alipay().tradeNotify({ outTradeNo: payment.outTradeNo, totalAmount: '88.80', appId: '2021999' }),
        /app_id/,
      );
      await refusedAlipay(
        orderId,
        payment,
        alipay().tradeNotify({ outTradeNo: payment.outTradeNo, totalAmount: '88.80', sellerId: '2088999' }),
        /seller_id/,
      );
      await refusedAlipay(
        orderId,
        payment,
        alipay().tradeNotify({ outTradeNo: 'e'.repeat(32), totalAmount: '88.80' }),
        /no Alipay payment/,
      );
      await refusedAlipay(orderId, payment, alipay().tradeNotify({ outTradeNo: payment.outTradeNo, totalAmount: '88.79' }), /differs/);
    });
  });

  it('lists refused callbacks for staff with payments:read, newest first', async () => {
    const result = await suite.system.payments.request<{
      paymentCallbackReviews: { totalCount: number; edges: { node: { provider: string } }[] };
    }>(
      '{ paymentCallbackReviews(first: 2) { totalCount edges { node { provider reason headers body receivedAt } } } }',
      {},
      { kind: 'staff', subject: 'auditor', scopes: ['payments:read'] },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.paymentCallbackReviews.totalCount).toBeGreaterThan(5);
    expect(result.data!.paymentCallbackReviews.edges).toHaveLength(2);
    const refused = await suite.system.payments.request('{ paymentCallbackReviews { totalCount } }', {}, member(newId()));
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('provider callbacks on MySQL', () => {
  reportSkippedMysql();
});
