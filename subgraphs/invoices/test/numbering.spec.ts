import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { newId } from '../../../platform/values/ids.ts';
import { COMPANY, type InvoicesSystem, member, startInvoicesSystem } from './fixtures.ts';

/**
 * Invoice numbers are legal: a series never skips or repeats one, however
 * many invoices are issued at once, and an issue that fails after taking its
 * number gives it back (numbering.ts).
 */
describe.each(databaseTargets())('invoice numbers on $label', (target) => {
  let env: TestEnvironment;
  let system: InvoicesSystem;

  beforeAll(async () => {
    env = testEnvironment(target);
    system = await startInvoicesSystem(env.config);
    await system.product('STANDARD', [{ code: 'NUM-PAD', price: '99.90' }]);
  });
  afterAll(async () => {
    await system?.close();
    await env?.cleanup();
  });

  const requests = async (count: number) => {
    const ids: string[] = [];
    for (let batch = 0; batch < count; batch += 10) {
      const made = await Promise.all(
        Array.from({ length: Math.min(10, count - batch) }, async () => {
          const buyer = newId();
          const order = await system.paidOrder(buyer, [{ skuCode: 'NUM-PAD', quantity: 1 }]);
          const { invoice, userErrors } = await system.mutate('requestInvoice', { orderId: order.id, buyer: COMPANY }, member(buyer));
          if (!invoice) throw new Error(JSON.stringify(userErrors));
          return invoice.id;
        }),
      );
      ids.push(...made);
    }
    return ids;
  };
  const sequenceOf = (number: string) => Number(number.slice(-6));
  /** The last number the counter row of `series` (INV-2026) handed out. */
  const lastOf = (series: string) => {
    const [name, period] = series.split('-');
    return system.count('select last_value as n from number_sequence where name = ? and period = ?', [name, Number(period)]);
  };
  const invoicesDb = () => system.invoices.server.db;

  it('gives 50 invoices issued at once exactly the next 50 numbers of the series', async () => {
    const [first] = await requests(1);
    const opening = (await system.mutate('issueInvoice', { invoiceId: first! })).invoice!.number!;
    const series = opening.slice(0, -7);
    const ids = await requests(50);

    const answers = await Promise.all(ids.map((invoiceId) => system.mutate('issueInvoice', { invoiceId })));
    expect(answers.flatMap((answer) => answer.userErrors)).toEqual([]);
    const numbers = answers.map((answer) => answer.invoice!.number!);
    expect(numbers.every((number) => number.startsWith(`${series}-`))).toBe(true);
    const start = sequenceOf(opening);
    expect(numbers.map(sequenceOf).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => start + 1 + i));
    expect(await lastOf(series)).toBe(start + 50);
  });

  it('gives no number to an issue refused as a repeat', async () => {
    const [invoiceId] = await requests(1);
    const issued = (await system.mutate('issueInvoice', { invoiceId: invoiceId! })).invoice!.number!;
    const series = issued.slice(0, -7);
    const before = await lastOf(series);
    const twice = await Promise.all(Array.from({ length: 5 }, () => system.mutate('issueInvoice', { invoiceId: invoiceId! })));
    expect(twice.every((answer) => answer.userErrors[0]?.code === 'INVALID_STATE_TRANSITION')).toBe(true);
    expect(await lastOf(series)).toBe(before);
    const [next] = await requests(1);
    expect(sequenceOf((await system.mutate('issueInvoice', { invoiceId: next! })).invoice!.number!)).toBe(before + 1);
  });

  it('gives the number of an issue that fails after taking it back, and the next issue gets it', async () => {
    const [opening, failing, blocker] = await requests(3);
    const openingNumber = (await system.mutate('issueInvoice', { invoiceId: opening! })).invoice!.number!;
    const series = openingNumber.slice(0, -7);
    const taken = sequenceOf(openingNumber);
    // Another row already holds the next number of the series: the issue takes that number from the
    // counter, and its next step, writing it onto the invoice, breaks the unique (series, sequence_number).
    const db = invoicesDb();
    await db.transaction(db.fork(), (tx) =>
      db.run(tx, 'update invoice set series = ?, sequence_number = ? where id = ?', [series, taken + 1, blocker]),
    );

    await expect(system.mutate('issueInvoice', { invoiceId: failing! })).rejects.toThrow();
    expect(await lastOf(series)).toBe(taken);
    expect(await system.invoice(failing!)).toMatchObject({ status: 'REQUESTED', number: null });

    await db.transaction(db.fork(), (tx) => db.run(tx, 'update invoice set series = null, sequence_number = null where id = ?', [blocker]));
    const retried = (await system.mutate('issueInvoice', { invoiceId: failing! })).invoice!.number!;
    expect(retried).toBe(`${series}-${String(taken + 1).padStart(6, '0')}`);
    expect(sequenceOf((await system.mutate('issueInvoice', { invoiceId: blocker! })).invoice!.number!)).toBe(taken + 2);
    expect(await lastOf(series)).toBe(taken + 2);
  });
});

describe('invoice numbers on MySQL', () => {
  reportSkippedMysql();
});
