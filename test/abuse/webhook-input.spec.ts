import { documentIdOf } from '../../platform/graphql/trusted-documents.ts';
import { expectWellBehavedQueryAnswered } from '../support/abuse.ts';
import { contractOperation } from '../support/contract.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

/**
 * Every input of webhooks a partner reaches, with the production policy on
 * URLs (WEBHOOK_ALLOW_PRIVATE_URLS off, which production cannot turn on:
 * platform/http/outbound-url.spec.ts): each bad query, URL, limit and
 * foreign id gets its own code and changes nothing (the key's webhooks are
 * listed the same after), another key's webhooks are out of reach, the
 * dispatcher's own operations are not part of the public graph, and the
 * router keeps answering a well-behaved caller.
 */
const CREATE_API_KEY = contractOperation('members.graphql', 'CreateApiKey');
const GOOD_QUERY = 'subscription { stockChanged(skuCodes: ["OF-VW-GOLF"]) { sku { code } delta available } }';
// A public address written as such: no DNS involved, and nothing is ever sent (no router holds a webhook under test for long).
const GOOD_URL = 'https://93.184.215.14/hooks';
const CREATE = `mutation Create($input: CreateWebhookInput!) {
  createWebhook(input: $input) { secret webhook { id } userErrors { code field message } }
}`;
const UPDATE = `mutation Update($input: UpdateWebhookInput!) {
  updateWebhook(input: $input) { webhook { id url query status } userErrors { code field message } }
}`;
const DELETE = 'mutation Delete($id: ID!) { deleteWebhook(input: { id: $id }) { webhook { id } userErrors { code } } }';
const REDELIVER = 'mutation Redeliver($id: ID!) { redeliverWebhook(deliveryId: $id) { delivery { id } userErrors { code } } }';
const LIST = '{ webhooks { id name url query status } }';

type Answer<T> = { status: number; body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] } };
type Created = {
  createWebhook: { secret: string | null; webhook: { id: string } | null; userErrors: { code: string; field: string | null }[] };
};

describe('webhook inputs under abuse (production URL policy)', () => {
  let system: TestSystem;
  let partner: string;
  let narrowPartner: string;
  let readOnlyPartner: string;
  let boundPartner: string;
  let staff: string;

  beforeAll(async () => {
    system = await startTestSystem({ label: 'SQLite', mysqlUrl: undefined }, { WEBHOOKS_PER_KEY: '2', WEBHOOKS: 'false' });
    staff = await system.staffToken(['members:write', 'documents:write']);
    const key = async (scopes: string[], documentsClient?: string) =>
      (
        await system.graphql<{ createApiKey: { secret: string } }>(
          CREATE_API_KEY,
          { input: { name: `abuse ${scopes}`, scopes, documentsClient } },
          staff,
        )
      ).body.data!.createApiKey.secret;
    partner = await key(['webhooks:write', 'stock:read', 'catalogue:read']);
    narrowPartner = await key(['webhooks:write']);
    readOnlyPartner = await key(['stock:read']);
    boundPartner = await key(['webhooks:write', 'stock:read'], 'abuse-bound');
  });
  afterAll(async () => {
    await system?.close();
  });
  afterEach(async () => {
    await expectWellBehavedQueryAnswered(system);
  });

  const as = <T>(secret: string, query: string, variables: Record<string, unknown> = {}) =>
    system.graphqlWithHeaders<T>(query, variables, { 'x-api-key': secret }) as Promise<Answer<T>>;
  const listed = async (secret = partner) => JSON.stringify((await as<{ webhooks: unknown[] }>(secret, LIST)).body.data!.webhooks);
  const create = async (input: Record<string, unknown>, secret = partner) => {
    const before = await listed(secret);
    const { body } = await as<Created>(secret, CREATE, { input: { name: 'abuse', url: GOOD_URL, query: GOOD_QUERY, ...input } });
    const payload = body.data!.createWebhook;
    if (payload.userErrors.length > 0) {
      expect(payload.webhook).toBeNull();
      expect(payload.secret).toBeNull();
      expect(await listed(secret)).toBe(before);
    }
    return payload;
  };
  const codesOf = (payload: { userErrors: { code: string }[] }) => payload.userErrors.map((error) => error.code);

  it.each([
    ['a query that does not parse', 'subscription {', 'INVALID_WEBHOOK_QUERY'],
    ['a query that does not validate', 'subscription { stockChanged { noSuchField } }', 'INVALID_WEBHOOK_QUERY'],
    ['two operations', `${GOOD_QUERY} subscription B { stockChanged { delta } }`, 'INVALID_WEBHOOK_QUERY'],
    ['a query with variables', 'subscription S($s: [String!]) { stockChanged(skuCodes: $s) { delta } }', 'INVALID_WEBHOOK_QUERY'],
    ['a query, not a subscription', '{ products(first: 1) { totalCount } }', 'WEBHOOK_QUERY_NOT_SUBSCRIPTION'],
    ['a mutation', 'mutation { login(input: {email: "a@b.c", password: "x"}) { token } }', 'WEBHOOK_QUERY_NOT_SUBSCRIPTION'],
    ['a query over 4,000 characters', `${GOOD_QUERY}${' '.repeat(4001 - GOOD_QUERY.length)}`, 'WEBHOOK_QUERY_TOO_LONG'],
    ['a query over any text field', `${GOOD_QUERY}${' '.repeat(5000)}`, 'TEXT_TOO_LONG'],
  ])('refuses %s', async (_, query, code) => {
    expect(codesOf(await create({ query }))).toEqual([code]);
  });

  it('refuses a query selecting fields the key may not see, however deep', async () => {
    const onHand = 'subscription { stockChanged { delta onHand } }';
    expect(codesOf(await create({ query: onHand }, narrowPartner))).toEqual(['WEBHOOK_QUERY_FORBIDDEN']);
    // Allowed to the wider key: the refusal is about the key's scopes, not the document.
    const wide = await create({ query: onHand, name: 'wide' });
    expect(wide.userErrors).toEqual([]);
    await as(partner, DELETE, { id: wide.webhook!.id });
  });

  it.each([
    ['an http URL', 'http://93.184.215.14/hooks', 'WEBHOOK_URL_NOT_HTTPS'],
    ['a loopback address', 'https://127.0.0.1:8443/hooks', 'WEBHOOK_URL_PRIVATE_ADDRESS'],
    ['loopback in decimal', 'https://2130706433/hooks', 'WEBHOOK_URL_PRIVATE_ADDRESS'],
    ['IPv6 loopback', 'https://[::1]/hooks', 'WEBHOOK_URL_PRIVATE_ADDRESS'],
    ['IPv4-mapped loopback', 'https://[::ffff:127.0.0.1]/hooks', 'WEBHOOK_URL_PRIVATE_ADDRESS'],
    ['a private network', 'https://10.1.2.3/hooks', 'WEBHOOK_URL_PRIVATE_ADDRESS'],
    ['cloud metadata', 'https://169.254.169.254/latest/meta-data', 'WEBHOOK_URL_PRIVATE_ADDRESS'],
    ['localhost', 'https://localhost/hooks', 'WEBHOOK_URL_PRIVATE_ADDRESS'],
    ['credentials in the URL', 'https://user:pass@93.184.215.14/hooks', 'WEBHOOK_URL_INVALID'],
    ['no URL at all', 'not a url', 'WEBHOOK_URL_INVALID'],
    ['a URL over 2,048 characters', `https://93.184.215.14/${'a'.repeat(2100)}`, 'WEBHOOK_URL_TOO_LONG'],
  ])('refuses %s', async (_, url, code) => {
    expect(codesOf(await create({ url }))).toEqual([code]);
  });

  it('refuses a key without webhooks:write, and a caller that is not a partner key', async () => {
    const denied = await as<Created>(readOnlyPartner, CREATE, { input: { name: 'x', url: GOOD_URL, query: GOOD_QUERY } });
    expect(denied.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const staff = await system.staffToken(['webhooks:write', 'stock:read']);
    const { body } = await system.graphql<Created>(CREATE, { input: { name: 'x', url: GOOD_URL, query: GOOD_QUERY } }, staff);
    expect(codesOf(body.data!.createWebhook)).toEqual(['NOT_A_PARTNER_KEY']);
  });

  it('refuses more webhooks than WEBHOOKS_PER_KEY, and changes, deletions and redeliveries of what is not the caller’s', async () => {
    const first = await create({ name: 'one' });
    const second = await create({ name: 'two' });
    expect([first.userErrors, second.userErrors]).toEqual([[], []]);
    expect(codesOf(await create({ name: 'three' }))).toEqual(['TOO_MANY_WEBHOOKS']);
    const id = first.webhook!.id;

    const before = await listed();
    const badUpdate = await as<{ updateWebhook: { userErrors: { code: string }[] } }>(partner, UPDATE, {
      input: { id, url: 'https://[::ffff:7f00:1]/x', query: '{ brands { id } }' },
    });
    expect(codesOf(badUpdate.body.data!.updateWebhook)).toEqual(['WEBHOOK_URL_PRIVATE_ADDRESS', 'WEBHOOK_QUERY_NOT_SUBSCRIPTION']);
    expect(await listed()).toBe(before);

    // Another key sees none of it, and cannot change, delete or read the deliveries of it.
    expect(await listed(narrowPartner)).toBe('[]');
    const foreignUpdate = await as<{ updateWebhook: { userErrors: { code: string }[] } }>(narrowPartner, UPDATE, {
      input: { id, enabled: false },
    });
    expect(codesOf(foreignUpdate.body.data!.updateWebhook)).toEqual(['NOT_FOUND']);
    const foreignDelete = await as<{ deleteWebhook: { userErrors: { code: string }[] } }>(narrowPartner, DELETE, { id });
    expect(codesOf(foreignDelete.body.data!.deleteWebhook)).toEqual(['NOT_FOUND']);
    const foreignLog = await as<{ webhookDeliveries: unknown }>(
      narrowPartner,
      'query($id: ID!) { webhookDeliveries(webhookId: $id) { edges { cursor } } }',
      {
        id,
      },
    );
    expect(foreignLog.body.data!.webhookDeliveries).toBeNull();
    const redeliver = await as<{ redeliverWebhook: { userErrors: { code: string }[] } }>(partner, REDELIVER, { id: 'msg_unknown' });
    expect(codesOf(redeliver.body.data!.redeliverWebhook)).toEqual(['NOT_FOUND']);
    const badCursor = await as(partner, 'query($id: ID!) { webhookDeliveries(webhookId: $id, after: "garbage") { edges { cursor } } }', {
      id,
    });
    expect(badCursor.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await listed()).toBe(before);
  });

  it("holds a key bound to a client's trusted documents to them: only a published query makes a webhook", async () => {
    const publish = async (documents: string[]) => {
      const { body } = await system.graphql<{ publishTrustedDocuments: { userErrors: unknown[] } }>(
        'mutation Publish($input: PublishTrustedDocumentsInput!) { publishTrustedDocuments(input: $input) { userErrors { code } } }',
        {
          input: {
            client: 'abuse-bound',
            version: '1',
            documents: documents.map((document) => ({ id: documentIdOf(document), document })),
          },
        },
        staff,
      );
      expect(body.data!.publishTrustedDocuments.userErrors).toEqual([]);
    };
    // The bound key runs only its client's operations, the webhook ones too: those are published first.
    await publish([LIST, CREATE]);
    expect(codesOf(await create({}, boundPartner))).toEqual(['WEBHOOK_QUERY_NOT_PUBLISHED']);
    await publish([GOOD_QUERY]);
    expect((await create({}, boundPartner)).userErrors).toEqual([]);
  });

  it("keeps the dispatcher's operations out of the public graph", async () => {
    for (const query of [
      '{ leaseWebhooks(owner: "me") { id secret } }',
      'mutation { claimWebhookDeliveries(owner: "me") { secret } }',
      'mutation { recordWebhookEvent(input: {owner: "me", webhookId: "x", position: "1", payload: "{}"}) { deliveryId } }',
    ]) {
      const { body } = await as(partner, query);
      expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    }
  });
});
