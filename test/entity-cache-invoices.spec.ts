import { databaseTargets, reportSkippedMysql } from '../platform/testing/databases.ts';
import { eventually } from '../platform/testing/eventually.ts';
import { newId } from '../platform/values/ids.ts';
import { afterEventsHeard, readUntilCached, startCacheSystem } from './support/entity-cache.ts';
import { paymentSucceeded, placeOrder, type UserError } from './support/shop.ts';
import type { TestSystem } from './support/system.ts';

/**
 * The invoices subgraph's part of an order (`Order.invoices`) in the router's
 * entity cache (docs/architecture.md §12): kept per caller, dropped by the
 * events that name the order (InvoiceRequested, InvoiceRejected,
 * InvoiceIssued, InvoiceVoided). A member re-reading their order detail is
 * answered without asking invoices; nobody reads invoices older than a
 * delivered event; the member sees their own request at once; and nobody
 * else is ever given the member's kept answer.
 */
const ORDER_STATUS = 'query OrderStatus($id: ID!) { order(id: $id) { status } }';
const ORDER_INVOICES = 'query OrderInvoices($id: ID!) { order(id: $id) { id invoices { id status number } } }';
const REQUEST_INVOICE = `mutation ($input: RequestInvoiceInput!) {
  requestInvoice(input: $input) { invoice { id status } userErrors { code field message } }
}`;
const staffMutation = (name: string, input: string) => `mutation ($input: ${input}!) {
  ${name}(input: $input) { invoice { id status number } userErrors { code field message } }
}`;
const ISSUE_INVOICE = staffMutation('issueInvoice', 'IssueInvoiceInput');
const REJECT_INVOICE = staffMutation('rejectInvoice', 'RejectInvoiceInput');
const VOID_INVOICE = staffMutation('voidInvoice', 'VoidInvoiceInput');
const SKU = 'OF-VW-GOLF';
const PERSON = { name: 'Li Wei', email: 'li.wei@example.com' };

type InvoiceRow = { id: string; status: string; number: string | null };
type Read = { order: { id: string; invoices: InvoiceRow[] } | null };
type Payload = { invoice: InvoiceRow | null; userErrors: UserError[] };

describe.each(databaseTargets())('order invoices in the entity cache on $label', (target) => {
  let system: TestSystem;
  let alice: { id: string; token: string };
  let bob: { id: string; token: string };
  /** Staff who issue, reject and void. */
  let clerk: string;
  /** Staff who only read invoices (a caller of their own, who never writes). */
  let finance: string;
  let orderId: string;

  beforeAll(async () => {
    ({ system, alice, bob } = await startCacheSystem(target));
    clerk = await system.staffToken(['invoices:write', 'orders:read']);
    finance = await system.staffToken(['invoices:read', 'orders:read']);

    const placed = await placeOrder(system, alice.token, {
      idempotencyKey: `invoices-cache-${newId()}`,
      lines: [{ skuCode: SKU, quantity: 1 }],
    });
    if (!placed.order) throw new Error(JSON.stringify(placed.userErrors));
    orderId = placed.order.id;
    await paymentSucceeded(system, orderId);
    await eventually(async () => (await orderStatus()) === 'PAID', 'the order is PAID', { timeoutMs: 15_000 });
  });
  afterAll(async () => {
    await system?.close();
  });

  const orderStatus = async () =>
    (await system.graphql<{ order: { status: string } | null }>(ORDER_STATUS, { id: orderId }, alice.token)).body.data?.order?.status;
  const read = async (token?: string) => {
    const { body } = await system.graphql<Read>(ORDER_INVOICES, { id: orderId }, token);
    expect(body.errors).toBeUndefined();
    return body.data!.order;
  };
  const invoicesOf = async (token: string) => (await read(token))!.invoices;
  const cachedInvoices = (token: string) => readUntilCached(system, 'router_entity_cache_hits', () => invoicesOf(token));
  const mutate = async (mutation: string, input: Record<string, unknown>, token: string): Promise<InvoiceRow> => {
    const { body } = await system.graphql<Record<string, Payload>>(mutation, { input }, token);
    expect(body.errors).toBeUndefined();
    const [payload] = Object.values(body.data!);
    expect(payload!.userErrors).toEqual([]);
    return payload!.invoice!;
  };
  /** Runs `change` and waits until the router has heard the `event` it records. */
  const heard = (event: string, change: () => Promise<InvoiceRow>) => afterEventsHeard(system, [event], change);
  const request = () => mutate(REQUEST_INVOICE, { orderId, buyer: PERSON }, alice.token);

  it('answers a re-read from the cache; the member sees their own request at once, others once InvoiceRequested is heard', async () => {
    expect(await cachedInvoices(alice.token)).toEqual([]);
    expect(await cachedInvoices(finance)).toEqual([]);

    const requested = await heard('InvoiceRequested', async () => {
      const invoice = await request();
      // Read-your-writes: the member's next read, right after their answered mutation, does not use the kept answer.
      expect(await invoicesOf(alice.token)).toEqual([{ id: invoice.id, status: 'REQUESTED', number: null }]);
      return invoice;
    });
    // Staff kept the order's empty invoices; the event dropped them.
    expect(await invoicesOf(finance)).toEqual([{ id: requested.id, status: 'REQUESTED', number: null }]);
  });

  it('shows the member a rejection by staff once InvoiceRejected is heard, never the request it replaced', async () => {
    const [open] = await cachedInvoices(alice.token);
    expect(open).toMatchObject({ status: 'REQUESTED' });
    await heard('InvoiceRejected', () => mutate(REJECT_INVOICE, { invoiceId: open!.id, reason: 'wrong name' }, clerk));
    expect(await invoicesOf(alice.token)).toEqual([{ id: open!.id, status: 'REJECTED', number: null }]);
  });

  it('shows the member the invoice staff issued once InvoiceIssued is heard, with its number', async () => {
    const again = await request();
    expect(await cachedInvoices(alice.token)).toEqual([
      expect.objectContaining({ status: 'REJECTED' }),
      { id: again.id, status: 'REQUESTED', number: null },
    ]);
    const issued = await heard('InvoiceIssued', () => mutate(ISSUE_INVOICE, { invoiceId: again.id }, clerk));
    expect(issued.number).toMatch(/^INV-\d{4}-\d{6}$/);
    expect((await invoicesOf(alice.token)).at(-1)).toEqual({ id: again.id, status: 'ISSUED', number: issued.number });
  });

  it('never gives the member’s kept answer to anyone else', async () => {
    const kept = await cachedInvoices(alice.token);
    expect(kept.map((invoice) => invoice.status)).toEqual(['REJECTED', 'ISSUED']);
    // Another member and an anonymous caller are refused the order itself (null, or an error for the anonymous one).
    expect(await read(bob.token)).toBeNull();
    const { body } = await system.graphql<Read>(ORDER_INVOICES, { id: orderId });
    expect(body.data?.order ?? null).toBeNull();
    // Staff who may read the order but not invoices are asked the same representation, and get no invoices.
    const ordersOnly = await system.staffToken(['orders:read']);
    expect(await cachedInvoices(ordersOnly)).toEqual([]);
    expect(await invoicesOf(finance)).toEqual(kept);
  });

  it('shows the member the voided invoice and its credit note once InvoiceVoided is heard', async () => {
    const [, issued] = await cachedInvoices(alice.token);
    await heard('InvoiceVoided', () => mutate(VOID_INVOICE, { invoiceId: issued!.id, reason: 'ordered by mistake' }, clerk));
    const [, voided, creditNote] = await invoicesOf(alice.token);
    expect(voided).toEqual({ ...issued, status: 'VOIDED' });
    expect(creditNote).toEqual({ id: expect.any(String), status: 'ISSUED', number: expect.stringMatching(/^CN-\d{4}-\d{6}$/) });
  });
});

reportSkippedMysql();
