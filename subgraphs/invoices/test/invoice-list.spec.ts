import { ANONYMOUS, type Identity } from '../../../platform/auth/identity.ts';
import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { staff } from '../../../platform/testing/subgraph-client.ts';
import { newId } from '../../../platform/values/ids.ts';
import { COMPANY, clerk, type InvoicesSystem, invoiceReader, member, startInvoicesSystem } from './fixtures.ts';

/**
 * Query.invoices, finance's queue: every invoice of a status (and kind),
 * newest request first, paged by keyset so that paging a filtered list
 * never shows an empty page while later pages hold matches. Staff with an
 * invoices scope only; bad page arguments are refused with the shared code.
 */
type Row = { id: string; kind: string; status: string; requestedAt: string; order: { id: string } };
type Page = {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { cursor: string; node: Row }[];
};
const LIST = `query ($filter: InvoiceFilter, $first: Int, $after: String) {
  invoices(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id kind status requestedAt order { id } } }
  }
}`;

describe.each(databaseTargets())('the invoice list on $label', (target) => {
  let env: TestEnvironment;
  let system: InvoicesSystem;
  // Made in beforeAll, in this order: requested, issued, rejected, voided (with its credit note), requested.
  const made: Record<'firstRequest' | 'issued' | 'rejected' | 'voided' | 'lastRequest', string> = {
    firstRequest: '',
    issued: '',
    rejected: '',
    voided: '',
    lastRequest: '',
  };

  const request = async (variables: Record<string, unknown>, identity: Identity = invoiceReader) =>
    system.invoices.request<{ invoices: Page }>(LIST, variables, identity);
  const page = async (variables: Record<string, unknown>, identity?: Identity) => {
    const result = await request(variables, identity);
    if (result.errors) throw new Error(`invoices: ${JSON.stringify(result.errors)}`);
    return result.data!.invoices;
  };
  /** Every row of the list, read `size` at a time by following endCursor. */
  const everyPage = async (filter: Record<string, unknown>, size: number) => {
    const rows: Row[] = [];
    const sizes: number[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const current: Page = await page({ filter, first: size, after });
      rows.push(...current.edges.map((edge) => edge.node));
      sizes.push(current.edges.length);
      if (!current.pageInfo.hasNextPage) return { rows, sizes };
      after = current.pageInfo.endCursor;
    }
    throw new Error('the list never ended');
  };
  const newestFirst = (rows: Row[]) =>
    [...rows].sort((a, b) => Date.parse(b.requestedAt) - Date.parse(a.requestedAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));

  beforeAll(async () => {
    env = testEnvironment(target);
    system = await startInvoicesSystem(env.config);
    await system.product('STANDARD', [{ code: 'LIST-PAD', price: '120.00' }], 'Brake pad set');
    const requested = async () => {
      const buyer = newId();
      const order = await system.paidOrder(buyer, [{ skuCode: 'LIST-PAD', quantity: 1 }]);
      const { invoice, userErrors } = await system.mutate('requestInvoice', { orderId: order.id, buyer: COMPANY }, member(buyer));
      if (!invoice) throw new Error(`requestInvoice: ${JSON.stringify(userErrors)}`);
      return invoice.id;
    };
    made.firstRequest = await requested();
    made.issued = await requested();
    await system.mutate('issueInvoice', { invoiceId: made.issued }, clerk);
    made.rejected = await requested();
    await system.mutate('rejectInvoice', { invoiceId: made.rejected, reason: 'wrong company name' }, clerk);
    made.voided = await requested();
    await system.mutate('issueInvoice', { invoiceId: made.voided }, clerk);
    await system.mutate('voidInvoice', { invoiceId: made.voided, reason: 'issued to the wrong buyer' }, clerk);
    made.lastRequest = await requested();
  });
  afterAll(async () => {
    await system?.close();
    await env?.cleanup();
  });

  it('lists only the invoices of the status asked for, newest request first, with their count', async () => {
    const requested = await page({ filter: { status: 'REQUESTED' }, first: 100 });
    const rows = requested.edges.map((edge) => edge.node);
    expect(rows.map((row) => row.status)).toEqual(rows.map(() => 'REQUESTED'));
    expect(rows.map((row) => row.id)).toEqual(newestFirst(rows).map((row) => row.id));
    // Both requests, the later one first; the issued, rejected and voided ones are not requests any more.
    const ids = rows.map((row) => row.id);
    expect(ids.indexOf(made.lastRequest)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(made.lastRequest)).toBeLessThan(ids.indexOf(made.firstRequest));
    expect(ids).not.toEqual(expect.arrayContaining([made.issued]));
    expect(requested.totalCount).toBe(await system.count("select count(*) as n from invoice where status = 'REQUESTED'"));

    for (const [status, id] of [
      ['ISSUED', made.issued],
      ['REJECTED', made.rejected],
      ['VOIDED', made.voided],
    ] as const) {
      const listed = (await page({ filter: { status }, first: 100 })).edges.map((edge) => edge.node);
      expect(listed.every((row) => row.status === status)).toBe(true);
      expect(listed.map((row) => row.id)).toContain(id);
    }
  });

  it('filters by kind: the credit note that voided an invoice is listed with credit notes only', async () => {
    const notes = (await page({ filter: { kind: 'CREDIT_NOTE' }, first: 100 })).edges.map((edge) => edge.node);
    expect(notes.length).toBeGreaterThan(0);
    expect(notes.every((row) => row.kind === 'CREDIT_NOTE' && row.status === 'ISSUED')).toBe(true);
    const issuedInvoices = (await page({ filter: { status: 'ISSUED', kind: 'INVOICE' }, first: 100 })).edges.map((edge) => edge.node);
    expect(issuedInvoices.map((row) => row.id)).toContain(made.issued);
    expect(issuedInvoices.every((row) => row.kind === 'INVOICE')).toBe(true);
    expect(issuedInvoices.map((row) => row.id)).not.toEqual(expect.arrayContaining([notes[0]!.id]));
  });

  it('pages through every invoice in the same order as one long page, none twice, none missed, no page empty', async () => {
    const all = await page({ first: 100 });
    expect(all.pageInfo.hasNextPage).toBe(false);
    expect(all.totalCount).toBe(await system.count('select count(*) as n from invoice'));
    expect(all.edges.length).toBe(all.totalCount);
    const { rows, sizes } = await everyPage({}, 2);
    expect(rows.map((row) => row.id)).toEqual(all.edges.map((edge) => edge.node.id));
    expect(new Set(rows.map((row) => row.id)).size).toBe(rows.length);
    expect(sizes.slice(0, -1).every((size) => size === 2)).toBe(true);
    expect(sizes.at(-1)).toBeGreaterThan(0);

    // A filtered list pages over matches only: every page full until the last.
    const requests = await everyPage({ status: 'REQUESTED' }, 1);
    expect(requests.sizes.every((size) => size === 1)).toBe(true);
    expect(requests.rows.map((row) => row.id)).toEqual(
      (await page({ filter: { status: 'REQUESTED' }, first: 100 })).edges.map((edge) => edge.node.id),
    );
  });

  it('lets staff holding either invoices scope read it, and refuses members, anonymous callers and other staff', async () => {
    for (const identity of [invoiceReader, staff('invoices:write')]) {
      expect((await page({ first: 1 }, identity)).edges).toHaveLength(1);
    }
    for (const identity of [member(newId()), ANONYMOUS, staff('orders:read')]) {
      const refused = await request({ first: 5 }, identity);
      expect(refused.data ?? null).toBeNull();
      expect(refused.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    }
  });

  it('refuses a page size out of range and a malformed cursor with BAD_USER_INPUT naming the argument', async () => {
    const before = await system.count('select count(*) as n from invoice');
    for (const [variables, field] of [
      [{ first: 101 }, 'first'],
      [{ first: -1 }, 'first'],
      [{ after: 'not-a-cursor' }, 'after'],
      [{ after: Buffer.from('["x"]').toString('base64url') }, 'after'],
      [{ after: Buffer.from('[1,"\' or 1=1 --"]').toString('base64url'), first: 1 }, null],
    ] as const) {
      const result = await request(variables);
      if (field === null) {
        // A well-formed cursor carrying SQL is only a key to compare with: bound, it matches nothing odd.
        expect(result.errors).toBeUndefined();
        continue;
      }
      expect(result.data ?? null).toBeNull();
      expect(result.errors?.map((error) => [error.extensions?.code, error.extensions?.field])).toEqual([['BAD_USER_INPUT', field]]);
    }
    expect(await system.count('select count(*) as n from invoice')).toBe(before);
  });
});

describe('the invoice list on MySQL', () => {
  reportSkippedMysql();
});
