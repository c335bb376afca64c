import { databaseTargets, reportSkippedMysql } from '../../../platform/testing/databases.ts';
import { sampleValue, scrapeMetrics } from '../../../platform/testing/metrics.ts';
import { staff } from '../../../platform/testing/subgraph-client.ts';
import { newId } from '../../../platform/values/ids.ts';
import { parseCsv, parseStatement } from '../statements.ts';
import { cashier, member, type PaymentView, paymentsSuite, type UserError } from './fixtures.ts';

/**
 * reconcileStatement: a provider's statement against our payments. Every
 * difference is listed, the report is stored, and the only change it makes is
 * the one it exists for: a bank statement settles the transfers it proves.
 */
type Report = {
  id: string;
  channel: string;
  matched: number;
  missingInStatement: { paymentId: string; amount: { amount: string; currencyCode: string } }[];
  missingInLedger: { providerReference: string; outTradeNo: string | null; amount: { amount: string }; note: string }[];
  amountMismatches: { paymentId: string; ours: { amount: string }; theirs: { amount: string } }[];
  settledPayments: string[];
  ignoredRows: number;
};
const REPORT_FIELDS = `id channel matched ignoredRows settledPayments
  missingInStatement { paymentId amount { amount currencyCode } }
  missingInLedger { providerReference outTradeNo amount { amount } note }
  amountMismatches { paymentId ours { amount } theirs { amount } }`;
const RECONCILE = `mutation ($input: ReconcileStatementInput!) {
  reconcileStatement(input: $input) { report { ${REPORT_FIELDS} } userErrors { code field message } }
}`;

describe('statement layouts', () => {
  it('reads quoted CSV fields with commas, quotes and line breaks', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi""\nthere"\n\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"\nthere'],
    ]);
  });

  it("reads WeChat's bill with its backtick-prefixed values and Beijing times, ignoring refund rows", () => {
    const statement = parseStatement(
      'WECHAT_PAY',
      'transaction_time,transaction_id,out_trade_no,amount,status\n`2026-11-23 08:05:11,`4200000001,`abc,`¥123.45,`SUCCESS\n2026-11-23 09:00:00,4200000002,abd,10.00,REFUND\n',
    );
    expect(statement).toEqual({
      rows: [
        {
          line: 2,
          providerReference: '4200000001',
          key: 'abc',
          amount: { minor: 12345, currency: 'CNY' },
          at: new Date('2026-11-23T00:05:11Z'),
        },
      ],
      ignored: 1,
    });
  });

  it('names the line of every row it cannot read, and the columns a header lacks', () => {
    expect(
      parseStatement('ALIPAY', 'trade_no,out_trade_no,gmt_payment,total_amount,trade_status\nT1,o1,yesterday,1.00,TRADE_SUCCESS\n'),
    ).toEqual([{ line: 2, message: expect.stringContaining('cannot read') }]);
    expect(parseStatement('BANK_TRANSFER', 'value_date,amount\n')).toEqual([
      { line: 1, message: expect.stringContaining('bank_reference') },
    ]);
  });
});

describe.each(databaseTargets())('reconcileStatement on $label', (target) => {
  const suite = paymentsSuite(target);

  const reconcile = async (input: Record<string, unknown>, identity = cashier) => {
    const result = await suite.system.payments.request<{ reconcileStatement: { report: Report | null; userErrors: UserError[] } }>(
      RECONCILE,
      { input },
      identity,
    );
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data!.reconcileStatement;
  };
  const payWeChat = async (price: string): Promise<PaymentView> => {
    const buyer = newId();
    const order = await suite.system.placeOrder(buyer, { price });
    const { payment } = await suite.system.createPayment({ orderId: order.id, channel: 'WECHAT_PAY', idempotencyKey: 'wx' }, member(buyer));
    const total = Math.round(Number(price) * 100);
    await suite.system.deliver(
      '/callbacks/wechatpay',
      suite.system.providers.wechatPaySimulator!.paidCallback({
        outTradeNo: payment!.outTradeNo,
        totalFen: total,
        transactionId: `42${total}`,
      }),
    );
    return (await suite.system.payment(payment!.id))!;
  };
  const wechatRow = (payment: PaymentView, amount: string) =>
    `${billTime()},${payment.providerReference},${payment.outTradeNo},${amount},SUCCESS`;
  /** Now as WeChat's bill writes it: Beijing time without a zone. */
  const billTime = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
  const reports = () => suite.system.count('select count(*) as n from reconciliation_report');

  it('lists what matched, what is missing on either side and what differs, stores the report, and changes no payment', async () => {
    const matched = await payWeChat('10.00');
    const mismatched = await payWeChat('20.00');
    const missing = await payWeChat('30.00');
    const pendingBuyer = newId();
    const pendingOrder = await suite.system.placeOrder(pendingBuyer, { price: '40.00' });
    const pending = (
      await suite.system.createPayment({ orderId: pendingOrder.id, channel: 'WECHAT_PAY', idempotencyKey: 'p' }, member(pendingBuyer))
    ).payment!;
    const csv = [
      'transaction_time,transaction_id,out_trade_no,amount,status',
      wechatRow(matched, '10.00'),
      wechatRow(mismatched, '19.99'),
      `${billTime()},4209999,${pending.outTradeNo},40.00,SUCCESS`,
      `${billTime()},4208888,${'0'.repeat(32)},5.00,SUCCESS`,
      `${billTime()},4207777,${matched.outTradeNo},10.00,REFUND`,
    ].join('\n');
    const { report, userErrors } = await reconcile({ channel: 'WECHAT_PAY', statementCsv: csv });
    expect(userErrors).toEqual([]);
    expect(report).toMatchObject({
      channel: 'WECHAT_PAY',
      matched: 1,
      ignoredRows: 1,
      settledPayments: [],
      amountMismatches: [{ paymentId: mismatched.id, ours: { amount: '20.00' }, theirs: { amount: '19.99' } }],
    });
    expect(report!.missingInStatement).toContainEqual({ paymentId: missing.id, amount: { amount: '30.00', currencyCode: 'CNY' } });
    expect(report!.missingInLedger).toEqual([
      {
        providerReference: '4209999',
        outTradeNo: pending.outTradeNo,
        amount: { amount: '40.00' },
        note: expect.stringContaining('PENDING here'),
      },
      {
        providerReference: '4208888',
        outTradeNo: '0'.repeat(32),
        amount: { amount: '5.00' },
        note: expect.stringContaining('no WECHAT_PAY payment'),
      },
    ]);
    // Nothing fixed silently: the payment the provider says was paid is still pending here.
    expect((await suite.system.payment(pending.id))?.status).toBe('PENDING');
    const stored = await suite.system.payments.request<{ reconciliationReport: Report }>(
      `query ($id: ID!) { reconciliationReport(id: $id) { ${REPORT_FIELDS} } }`,
      { id: report!.id },
      staff('payments:read'),
    );
    expect(stored.data!.reconciliationReport).toEqual(report);
  });

  it("reports the differences of each channel's latest report at /metrics", async () => {
    const mismatches = async (kind: string) =>
      sampleValue(await scrapeMetrics(suite.system.payments.url), 'payments_reconciliation_mismatches', { channel: 'WECHAT_PAY', kind });
    const expectGauges = async (report: Report) => {
      expect({
        amount: await mismatches('amount'),
        missingInStatement: await mismatches('missing_in_statement'),
        missingInLedger: await mismatches('missing_in_ledger'),
      }).toEqual({
        amount: report.amountMismatches.length,
        missingInStatement: report.missingInStatement.length,
        missingInLedger: report.missingInLedger.length,
      });
    };
    const paid = await payWeChat('12.00');
    const header = 'transaction_time,transaction_id,out_trade_no,amount,status';
    const first = (await reconcile({ channel: 'WECHAT_PAY', statementCsv: [header, wechatRow(paid, '11.00')].join('\n') })).report!;
    expect(first.amountMismatches).toHaveLength(1);
    await expectGauges(first);
    // A later report replaces the earlier one's counts.
    const unknown = `${billTime()},4206666,${'1'.repeat(32)},5.00,SUCCESS`;
    const later = (await reconcile({ channel: 'WECHAT_PAY', statementCsv: [header, wechatRow(paid, '12.00'), unknown].join('\n') }))
      .report!;
    expect(later.amountMismatches).toHaveLength(0);
    await expectGauges(later);
    expect(
      sampleValue(await scrapeMetrics(suite.system.payments.url), 'payments_reconciliation_mismatches', {
        channel: 'CASH',
        kind: 'amount',
      }),
    ).toBeUndefined();
  });

  it('settles a pending bank transfer whose quoted reference and amount are on the bank statement, and the order becomes PAID', async () => {
    const buyer = newId();
    const order = await suite.system.placeOrder(buyer, { price: '250.00' });
    const transfer = (
      await suite.system.createPayment({ orderId: order.id, channel: 'BANK_TRANSFER', idempotencyKey: 'bt' }, member(buyer))
    ).payment!;
    const shortOrder = await suite.system.placeOrder(buyer, { price: '80.00' });
    const short = (
      await suite.system.createPayment({ orderId: shortOrder.id, channel: 'BANK_TRANSFER', idempotencyKey: 'bt2' }, member(buyer))
    ).payment!;
    const today = new Date().toISOString().slice(0, 10);
    const csv = [
      'value_date,bank_reference,amount,currency,remittance_info',
      `${today},BANK-001,250.00,CNY,"Li Wei, order payment ${transfer.transferReference!.toLowerCase()}"`,
      `${today},BANK-002,79.00,CNY,${short.transferReference}`,
      `${today},BANK-003,12.00,CNY,no reference at all`,
      `${today},BANK-004,-5.00,CNY,bank fee`,
    ].join('\n');
    const { report } = await reconcile({ channel: 'BANK_TRANSFER', statementCsv: csv });
    expect(report).toMatchObject({
      matched: 1,
      settledPayments: [transfer.id],
      amountMismatches: [{ paymentId: short.id, ours: { amount: '80.00' }, theirs: { amount: '79.00' } }],
      missingInLedger: [{ providerReference: 'BANK-003', outTradeNo: null, note: 'quotes no transfer reference' }],
      ignoredRows: 1,
    });
    expect(await suite.system.payment(transfer.id)).toMatchObject({ status: 'SUCCEEDED', providerReference: 'BANK-001' });
    expect((await suite.system.payment(short.id))?.status).toBe('PENDING');
    await suite.system.settle();
    expect(await suite.system.orderStatus(order.id)).toBe('PAID');

    // The same statement again: already settled, so matched, and nothing is settled twice.
    const again = await reconcile({ channel: 'BANK_TRANSFER', statementCsv: csv });
    expect(again.report).toMatchObject({ matched: 1, settledPayments: [] });
    expect(
      await suite.system.count("select count(*) as n from outbox_event where type = 'PaymentSucceeded' and event_key = ?", [order.id]),
    ).toBe(1);
  });

  it('refuses a statement it cannot read, a CASH statement, or a caller without payments:write, and stores nothing', async () => {
    const before = await reports();
    const unreadable = await reconcile({
      channel: 'WECHAT_PAY',
      statementCsv: 'transaction_time,transaction_id,out_trade_no,amount,status\nx,y,z,lots,SUCCESS',
    });
    expect(unreadable).toEqual({
      report: null,
      userErrors: [{ code: 'INVALID_VALUE', field: 'input.statementCsv', message: expect.stringMatching(/^line 2:/) }],
    });
    expect((await reconcile({ channel: 'CASH', statementCsv: 'a\n' })).userErrors[0]?.code).toBe('INVALID_VALUE');
    const forbidden = await suite.system.payments.request(
      RECONCILE,
      { input: { channel: 'ALIPAY', statementCsv: '' } },
      staff('payments:read'),
    );
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await reports()).toBe(before);
  });
});

describe('reconcileStatement on MySQL', () => {
  reportSkippedMysql();
});
