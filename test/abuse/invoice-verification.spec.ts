import { expectWellBehavedQueryAnswered } from '../support/abuse.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

/**
 * invoiceVerification(code) is public: anyone holding a printed invoice may
 * ask, without a token. So it answers any caller's malformed code with
 * BAD_USER_INPUT and a bounded message, answers forged codes "not genuine"
 * without saying whether the number exists, never tells who the buyer is,
 * writes nothing, and a stream of guesses leaves the router serving others.
 * The staff list `invoices(filter, first, after)` sits beside it: hostile page
 * arguments and filters are refused with BAD_USER_INPUT, callers without an
 * invoices scope get nothing, and nothing is written.
 */
const VERIFY =
  'query ($code: String!) { invoiceVerification(code: $code) { genuine kind number issuedOn total { amount currencyCode } status } }';
const NOT_GENUINE = { genuine: false, kind: null, number: null, issuedOn: null, total: null, status: null };
const YEAR = new Date().getUTCFullYear();
const LIST = `query ($filter: InvoiceFilter, $first: Int, $after: String) {
  invoices(filter: $filter, first: $first, after: $after) { totalCount edges { cursor node { id buyer { name taxId } } } }
}`;

describe('invoiceVerification under hostile input', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ label: 'SQLite', mysqlUrl: undefined });
  });
  afterAll(async () => {
    await system?.close();
  });

  const invoiceRows = async () => {
    const server = system.system.subgraphs.find((candidate) => candidate.name === 'invoices')!;
    const [row] = await server.db.execute<{ n: number }>(server.db.fork(), 'select count(*) as n from invoice');
    return Number(row!.n);
  };

  it('refuses malformed codes with BAD_USER_INPUT and a bounded message, writing nothing', async () => {
    const before = await invoiceRows();
    const malformed = [
      '',
      '   ',
      `INV-${YEAR}-000001`,
      `INV-${YEAR}-000001.`,
      `INV-${YEAR}-000001.0123456789ABCDE`,
      `INV-${YEAR}-000001.0123456789ABCDEFG`,
      `INV-${YEAR}-000001.0123456789ABCDEI`,
      `inv-${YEAR}-000001:0123456789ABCDEF`,
      `INV-${YEAR}-000001.0123456789ABCDE\u0000`,
      `INV-${YEAR}-000001.\u202E0123456789ABCDE`,
      `' OR 1=1 --`,
      `INV-${YEAR}-000001.0123456789ABCDEF`.repeat(3),
      'X'.repeat(200_000),
    ];
    for (const code of malformed) {
      const { status, body } = await system.graphql(VERIFY, { code });
      expect(status).toBe(200);
      expect(body.data ?? null).toBeNull();
      expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
      expect(body.errors![0]!.extensions).toMatchObject({ field: 'code' });
      expect(body.errors![0]!.message.length).toBeLessThan(400);
    }
    // Not a string at all: refused by validation before the subgraph sees it.
    for (const code of [42, null, ['a'], { number: 'INV' }]) {
      const { body } = await system.graphql(VERIFY, { code });
      expect(body.data ?? null).toBeNull();
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect(await invoiceRows()).toBe(before);
    await expectWellBehavedQueryAnswered(system);
  });

  it('answers forged codes "not genuine", alike whether or not the number was issued, and never offers the buyer', async () => {
    for (const code of [`INV-${YEAR}-000001.0123456789ABCDEF`, `CN-${YEAR}-999999.ZZZZZZZZZZZZZZZZ`, `INV-1999-000001.0000000000000000`]) {
      const { status, body } = await system.graphql(VERIFY, { code });
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      expect(body.data).toEqual({ invoiceVerification: NOT_GENUINE });
    }
    const buyer = await system.graphql(`query ($code: String!) { invoiceVerification(code: $code) { genuine buyer { name } } }`, {
      code: `INV-${YEAR}-000001.0123456789ABCDEF`,
    });
    expect(buyer.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('keeps serving others through a stream of guesses', async () => {
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    const guess = (i: number) =>
      `INV-${YEAR}-${String(i + 1).padStart(6, '0')}.${Array.from({ length: 16 }, (_, j) => alphabet[(i * 7 + j * 13) % 32]).join('')}`;
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => system.graphql(VERIFY, { code: guess(i) })));
    for (const { status, body } of answers) {
      expect(status).toBe(200);
      expect(body.data).toEqual({ invoiceVerification: NOT_GENUINE });
    }
    await expectWellBehavedQueryAnswered(system);
  });

  it('refuses hostile page arguments and filters of the invoice list, and callers without an invoices scope', async () => {
    const before = await invoiceRows();
    const finance = await system.staffToken(['invoices:read']);
    const refused = [
      { first: 101 },
      { first: -1 },
      { first: 1.5 },
      { first: '10' },
      { after: 'not-a-cursor' },
      { after: "' OR 1=1 --" },
      { after: 'W'.repeat(200_000) },
      { after: Buffer.from('[1e400,"x"]').toString('base64url') },
      { after: Buffer.from('{"id":"x"}').toString('base64url') },
      { filter: { status: 'DELETED' } },
      { filter: { status: "REQUESTED' OR 1=1 --" } },
      { filter: { kind: ['INVOICE', 'CREDIT_NOTE'] } },
      { filter: 'REQUESTED' },
    ];
    for (const variables of refused) {
      const { status, body } = await system.graphql(LIST, variables, finance);
      // 400 when the variables do not fit the schema (refused before execution), 200 when the subgraph refuses.
      expect([200, 400]).toContain(status);
      expect({ variables, data: body.data ?? null }).toEqual({ variables, data: null });
      expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
      // Bounded whatever the input's size (a 200,000-character cursor is cut, not echoed).
      expect(body.errors![0]!.message.length).toBeLessThan(600);
    }
    // A page far beyond any list's limit stops at the router, before any subgraph is asked.
    const huge = await system.graphql(LIST, { first: 2 ** 31 - 1 }, finance);
    expect(huge.body.errors?.map((error) => error.extensions?.code)).toEqual(['PAGE_SIZE_TOO_LARGE']);
    // Never the buyers' tax ids to a member, an anonymous caller, or staff who only read orders.
    for (const token of [undefined, await system.memberToken('member-abuse'), await system.staffToken(['orders:read'])]) {
      const { body } = await system.graphql(LIST, { first: 5 }, token);
      expect(body.data ?? null).toBeNull();
      expect(body.errors?.[0]?.extensions?.code).toMatch(/^(FORBIDDEN|UNAUTHENTICATED)$/);
    }
    expect(await invoiceRows()).toBe(before);
    await expectWellBehavedQueryAnswered(system);
  });
});
