import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { documentIdOf, hashOfDocumentId } from '../platform/graphql/trusted-documents.ts';
import { databaseTargets, reportSkippedMysql } from '../platform/testing/databases.ts';
import { eventually } from '../platform/testing/eventually.ts';
import { subscribeOverSse } from '../router/subscriptions/testing/router-event-stream.ts';
import { subscribeOverMultipart } from '../router/subscriptions/testing/router-multipart.ts';
import { subscribeToRouter } from '../router/subscriptions/testing/router-subscription.ts';
import { runDocumentsCommand, webClientManifest } from '../scripts/documents-command.ts';
import { contractExamples, contractOperation } from './support/contract.ts';
import { startTestSystem, type TestSystem } from './support/system.ts';

/**
 * Trusted documents end to end, with TRUSTED_DOCUMENTS=enforce: clients
 * publish their operations (the staff mutation and `npm run documents --
 * publish`), anonymous callers, members and staff without
 * `documents:arbitrary` run only published operations (by documentId, by
 * Apollo's APQ hash or by their exact text), APQ registration does not get
 * around it, and an API key bound to a client runs only that client's
 * documents.
 */
const SHOP_A_PRODUCTS = 'query ShopAProducts { products(first: 2) { totalCount } }';
const SHOP_B_CATEGORIES = 'query ShopBCategories { categories { id name } }';
const UNPUBLISHED = 'query Unpublished { brands { id } }';

const PUBLISH = `mutation Publish($input: PublishTrustedDocumentsInput!) {
  publishTrustedDocuments(input: $input) { published total userErrors { code field message } }
}`;
const DOCUMENTS_OF = 'query DocumentsOf($client: String!) { trustedDocuments(client: $client) { id client version document } }';
const CREATE_KEY = `mutation CreateKey($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { secret apiKey { id documentsClient } userErrors { code field message } }
}`;

type Answer = {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
};
type Published = {
  publishTrustedDocuments: {
    published: number | null;
    total: number | null;
    userErrors: { code: string; field: string; message: string }[];
  };
};

const manifestOf = (...documents: string[]) => Object.fromEntries(documents.map((document) => [documentIdOf(document), document]));
const codesOf = (answer: Answer) => answer.body.errors?.map((error) => error.extensions?.code);

describe.each(databaseTargets())('trusted documents with TRUSTED_DOCUMENTS=enforce on $label', (target) => {
  let system: TestSystem;
  let publisher: string;

  beforeAll(async () => {
    // Lookups are not cached, so a document is known at once after it is published (the cache is the router's own concern).
    system = await startTestSystem(target, { TRUSTED_DOCUMENTS: 'enforce', TRUSTED_DOCUMENTS_CACHE_SECONDS: '0' });
    publisher = await system.staffToken(['documents:write', 'documents:arbitrary', 'members:write']);
  });
  afterAll(async () => {
    await system?.close();
  });

  const post = async (body: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const response = await fetch(system.system.routerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  };
  const publish = async (client: string, version: string, manifest: Record<string, string>) => {
    const documents = Object.entries(manifest).map(([id, document]) => ({ id, document }));
    const { body } = await system.graphql<Published>(PUBLISH, { input: { client, version, documents } }, publisher);
    return body.data!.publishTrustedDocuments;
  };
  const documentsOf = async (client: string) =>
    (await system.graphql<{ trustedDocuments: { id: string }[] }>(DOCUMENTS_OF, { client }, publisher)).body.data!.trustedDocuments;

  it('refuses an anonymous unpublished query with PERSISTED_DOCUMENT_REQUIRED, and answers it once published, by documentId', async () => {
    const refused = await post({ query: SHOP_A_PRODUCTS });
    expect(refused.status).toBe(400);
    expect(codesOf(refused)).toEqual(['PERSISTED_DOCUMENT_REQUIRED']);
    expect(refused.body.errors![0]!.message).toContain(documentIdOf(SHOP_A_PRODUCTS));

    expect(await publish('shop-a', '1.0.0', manifestOf(SHOP_A_PRODUCTS))).toEqual({ published: 1, total: 1, userErrors: [] });
    const byId = await post({ documentId: documentIdOf(SHOP_A_PRODUCTS), variables: {} });
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual({ data: { products: { totalCount: expect.any(Number) } } });
    // Its exact text is the same document, and so is Apollo's APQ hash of it.
    expect((await post({ query: SHOP_A_PRODUCTS })).body.data).toEqual(byId.body.data);
    const apq = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: hashOfDocumentId(documentIdOf(SHOP_A_PRODUCTS)) } } });
    expect(apq.body).toEqual(byId.body);
  });

  it('answers the web client’s own operations, which members published at start as client web', async () => {
    const manifest = webClientManifest();
    const web = await documentsOf('web');
    expect(web.map((row) => row.id).sort()).toEqual(Object.keys(manifest));
    // Exactly the text codegen published for the web client (web-client/src/gql/persisted-documents.json), which it sends.
    const Vehicles = Object.values(manifest).find((document) => document.includes('query StoreVehicles'))!;
    const asTheWebClientSendsIt = await post({ query: Vehicles, variables: {} });
    expect(asTheWebClientSendsIt.status).toBe(200);
    expect(asTheWebClientSendsIt.body).toEqual({ data: { __typename: 'Query', vehicles: expect.any(Array) } });
    expect((await post({ documentId: documentIdOf(Vehicles) })).body).toEqual(asTheWebClientSendsIt.body);
  });

  it('answers a published document by documentId on a GET too', async () => {
    const url = new URL(system.system.routerUrl);
    url.searchParams.set('documentId', documentIdOf(SHOP_A_PRODUCTS));
    const response = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { products: { totalCount: expect.any(Number) } } });
  });

  it('does not let APQ registration go around enforcement: the query is refused and its hash stays unknown', async () => {
    const sha256Hash = hashOfDocumentId(documentIdOf(UNPUBLISHED));
    const registering = await post({ query: UNPUBLISHED, extensions: { persistedQuery: { version: 1, sha256Hash } } });
    expect(codesOf(registering)).toEqual(['PERSISTED_DOCUMENT_REQUIRED']);
    // A caller allowed arbitrary operations registers it in Apollo's APQ cache; anonymous callers still cannot run it by hash.
    const staff = await post(
      { query: UNPUBLISHED, extensions: { persistedQuery: { version: 1, sha256Hash } } },
      { authorization: `Bearer ${publisher}` },
    );
    expect(staff.body.errors).toBeUndefined();
    const byHash = await post({ extensions: { persistedQuery: { version: 1, sha256Hash } } });
    expect(byHash.status).toBe(400);
    expect(codesOf(byHash)).toEqual(['PERSISTED_DOCUMENT_REQUIRED']);
  });

  it('holds members and staff without documents:arbitrary to published documents, and lets staff with it run anything', async () => {
    const member = await system.memberToken('member-trusted-documents');
    expect(codesOf(await post({ query: UNPUBLISHED }, { authorization: `Bearer ${member}` }))).toEqual(['PERSISTED_DOCUMENT_REQUIRED']);
    const clerk = await system.staffToken(['catalogue:read', 'stock:read']);
    expect(codesOf(await post({ query: UNPUBLISHED }, { authorization: `Bearer ${clerk}` }))).toEqual(['PERSISTED_DOCUMENT_REQUIRED']);
    expect((await post({ documentId: documentIdOf(SHOP_A_PRODUCTS) }, { authorization: `Bearer ${clerk}` })).body.errors).toBeUndefined();
    const admin = await system.staffToken(['catalogue:read', 'documents:arbitrary']);
    expect((await post({ query: UNPUBLISHED }, { authorization: `Bearer ${admin}` })).body).toEqual({
      data: { brands: expect.any(Array) },
    });
  });

  it('holds subscriptions to the same rule on every transport: refused until published, then opened', async () => {
    const liveAvailability = 'subscription LiveAvailability { stockChanged { sku { code } available } }';
    const common = { routerUrl: system.system.routerUrl, query: liveAvailability, field: 'stockChanged' };
    const open = () => [subscribeToRouter(common), subscribeOverSse(common), subscribeOverMultipart(common)];
    const refused = open();
    for (const stream of refused) {
      expect((await stream.ended).errors?.map((error) => error.extensions?.code)).toEqual(['PERSISTED_DOCUMENT_REQUIRED']);
      await stream.dispose();
    }
    expect((await publish('storefront', '1', manifestOf(liveAvailability))).userErrors).toEqual([]);
    const opened = open();
    try {
      await eventually(
        async () => /^graphql_subscriptions_open 3$/m.test(await (await fetch(system.system.routerMetricsUrl)).text()),
        'the three subscriptions are open',
      );
    } finally {
      await Promise.all(opened.map((stream) => stream.dispose()));
    }
  });

  it('lets a key bound to client shop-a run shop-a’s documents only, not shop-b’s nor anything else', async () => {
    expect((await publish('shop-b', '7', manifestOf(SHOP_B_CATEGORIES))).userErrors).toEqual([]);
    const { body } = await system.graphql<{ createApiKey: { secret: string; apiKey: { documentsClient: string } } }>(
      CREATE_KEY,
      { input: { name: 'Shop A app', scopes: ['catalogue:read', 'documents:arbitrary'], documentsClient: 'shop-a' } },
      publisher,
    );
    expect(body.data!.createApiKey.apiKey.documentsClient).toBe('shop-a');
    const key = { 'x-api-key': body.data!.createApiKey.secret };

    expect((await post({ documentId: documentIdOf(SHOP_A_PRODUCTS) }, key)).body).toEqual({
      data: { products: { totalCount: expect.any(Number) } },
    });
    const otherClients = await post({ documentId: documentIdOf(SHOP_B_CATEGORIES) }, key);
    expect(otherClients.status).toBe(400);
    expect(codesOf(otherClients)).toEqual(['PERSISTED_DOCUMENT_NOT_FOUND']);
    // Even though shop-b's document is published, and the key holds documents:arbitrary: the binding decides.
    expect(codesOf(await post({ query: SHOP_B_CATEGORIES }, key))).toEqual(['PERSISTED_DOCUMENT_REQUIRED']);
    expect(codesOf(await post({ query: UNPUBLISHED }, key))).toEqual(['PERSISTED_DOCUMENT_REQUIRED']);
    // Anyone else may run shop-b's document.
    expect((await post({ documentId: documentIdOf(SHOP_B_CATEGORIES) })).body.errors).toBeUndefined();
    // A partner key bound to no client is held to its scopes and limits, not to the safelist.
    const unbound = await system.graphql<{ createApiKey: { secret: string } }>(
      CREATE_KEY,
      { input: { name: 'Unbound app', scopes: ['catalogue:read'] } },
      publisher,
    );
    expect((await post({ query: UNPUBLISHED }, { 'x-api-key': unbound.body.data!.createApiKey.secret })).body).toEqual({
      data: { brands: expect.any(Array) },
    });
  });

  it('refuses a manifest with an operation the API schema does not validate, naming it, and publishes none of it', async () => {
    const broken = 'query BrokenOne { products(first: 1) { noSuchField } }';
    const valid = 'query FineOne { categories { id } }';
    const refused = await publish('shop-c', '1', manifestOf(valid, broken));
    expect(refused.published).toBeNull();
    expect(refused.userErrors).toEqual([
      { code: 'INVALID_DOCUMENT', field: 'input.documents[1]', message: expect.stringContaining('operation BrokenOne') },
    ]);
    expect(refused.userErrors[0]!.message).toContain('noSuchField');
    const mismatched = await publish('shop-c', '1', { [documentIdOf(valid)]: `${valid} ` });
    expect(mismatched.userErrors).toEqual([
      { code: 'INVALID_DOCUMENT', field: 'input.documents[0]', message: expect.stringContaining('is not the SHA-256 of its document') },
    ]);
    expect(await documentsOf('shop-c')).toEqual([]);
    expect(codesOf(await post({ documentId: documentIdOf(valid) }))).toEqual(['PERSISTED_DOCUMENT_NOT_FOUND']);
  });

  it('accepts the public contract’s PublishTrustedDocuments with its example as it is', async () => {
    const { body } = await system.graphql<Published>(
      contractOperation('members.graphql', 'PublishTrustedDocuments'),
      contractExamples().PublishTrustedDocuments as Record<string, unknown>,
      publisher,
    );
    expect(body.data!.publishTrustedDocuments).toEqual({ published: 1, total: 1, userErrors: [] });
  });

  it('publishes with `npm run documents -- publish`, which records the manifest for npm run compose, and again harmlessly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trusted-documents-'));
    try {
      const document = 'query WebBrands { brands { id name } }';
      const file = join(dir, 'manifest.json');
      writeFileSync(file, JSON.stringify(manifestOf(document)));
      const lines: string[] = [];
      const run = () =>
        runDocumentsCommand(
          ['publish', '--client', 'web-e2e', '--version', '2026.12.4', '--url', system.system.routerUrl, '--token', publisher, file],
          { manifestsDir: join(dir, 'recorded'), print: (line) => lines.push(line) },
        );
      await run();
      await run();
      expect(lines).toEqual([
        'published 1 new of 1 documents for web-e2e 2026.12.4; 1 in all',
        'published 0 new of 1 documents for web-e2e 2026.12.4; 1 in all',
      ]);
      expect(JSON.parse(readFileSync(join(dir, 'recorded', 'web-e2e.json'), 'utf8'))).toEqual(manifestOf(document));
      expect((await post({ documentId: documentIdOf(document) })).body).toEqual({ data: { brands: expect.any(Array) } });
      expect((await documentsOf('web-e2e')).map((row) => row.id)).toEqual([documentIdOf(document)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('trusted documents on MySQL', () => reportSkippedMysql());

describe('trusted documents with TRUSTED_DOCUMENTS=log', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem(
      { label: 'SQLite', mysqlUrl: undefined },
      { TRUSTED_DOCUMENTS: 'log', TRUSTED_DOCUMENTS_CACHE_SECONDS: '0' },
    );
  });
  afterAll(async () => {
    await system?.close();
  });
  const unregistered = async () => {
    const metrics = await (await fetch(system.system.routerMetricsUrl)).text();
    return Number(/^router_unregistered_operations_total\{outcome="logged"\} (\d+)$/m.exec(metrics)?.[1] ?? 0);
  };

  it('answers unpublished operations and counts each one, while published ones are not counted', async () => {
    const before = await unregistered();
    for (let i = 0; i < 3; i++) expect((await system.graphql(UNPUBLISHED)).body.errors).toBeUndefined();
    expect(await unregistered()).toBe(before + 3);

    const publisher = await system.staffToken(['documents:write']);
    const documents = [{ id: documentIdOf(SHOP_A_PRODUCTS), document: SHOP_A_PRODUCTS }];
    const { body } = await system.graphql<Published>(PUBLISH, { input: { client: 'shop-a', version: '1', documents } }, publisher);
    expect(body.data!.publishTrustedDocuments.userErrors).toEqual([]);
    // The publishing mutation is itself an operation nobody published, sent by staff without documents:arbitrary.
    expect(await unregistered()).toBe(before + 4);
    expect((await system.graphql(SHOP_A_PRODUCTS)).body.errors).toBeUndefined();
    expect(await unregistered()).toBe(before + 4);
  });
});
