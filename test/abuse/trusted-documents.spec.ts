import { documentIdOf, MAX_DOCUMENT_CHARACTERS, MAX_DOCUMENTS_PER_MANIFEST } from '../../platform/graphql/trusted-documents.ts';
import { expectWellBehavedQueryAnswered } from '../support/abuse.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

/**
 * Every input of trusted documents a hostile caller reaches: the documentId
 * and APQ hash of any request (anonymous included), and the manifests and
 * key bindings staff send. Each bad input gets its own code, quotes at most
 * an excerpt of what was sent, and changes nothing; the router keeps
 * answering a well-behaved caller (whose query is published, since
 * enforcement is on).
 */
const WELL_BEHAVED = '{ categories { id } }';
const PUBLISHED = 'query AbusePublished { brands { id } }';
const PUBLISH = `mutation Publish($input: PublishTrustedDocumentsInput!) {
  publishTrustedDocuments(input: $input) { published total userErrors { code field message } }
}`;
const DOCUMENTS_OF = 'query DocumentsOf($client: String!) { trustedDocuments(client: $client) { id } }';

type Answer = { status: number; text: string; body: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } };
type Payload = { published: number | null; total: number | null; userErrors: { code: string; field: string; message: string }[] };

describe('trusted documents under abuse (TRUSTED_DOCUMENTS=enforce)', () => {
  let system: TestSystem;
  let staff: string;

  beforeAll(async () => {
    system = await startTestSystem(
      { label: 'SQLite', mysqlUrl: undefined },
      { TRUSTED_DOCUMENTS: 'enforce', TRUSTED_DOCUMENTS_CACHE_SECONDS: '0' },
    );
    staff = await system.staffToken(['documents:write', 'documents:arbitrary', 'members:write']);
    expect(
      (
        await publishEntries(
          'abuse-web',
          [WELL_BEHAVED, PUBLISHED].map((document) => ({ id: documentIdOf(document), document })),
        )
      ).userErrors,
    ).toEqual([]);
  });
  afterAll(async () => {
    await system?.close();
  });
  afterEach(async () => {
    await expectWellBehavedQueryAnswered(system);
  });

  const post = async (body: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const response = await fetch(system.system.routerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text, body: JSON.parse(text) as Answer['body'] };
  };
  async function publishEntries(client: string, documents: { id: string; document: string }[], version = '1'): Promise<Payload> {
    const { body } = await system.graphql<{ publishTrustedDocuments: Payload }>(PUBLISH, { input: { client, version, documents } }, staff);
    return body.data!.publishTrustedDocuments;
  }
  const documentsOf = async (client: string) =>
    (await system.graphql<{ trustedDocuments: { id: string }[] }>(DOCUMENTS_OF, { client }, staff)).body.data!.trustedDocuments;
  const codeOf = (answer: Answer) => answer.body.errors?.map((error) => error.extensions?.code);

  it.each([
    ['a huge id', `sha256:${'a'.repeat(100_000)}`],
    ['another hash function', `md5:${'a'.repeat(32)}`],
    ['uppercase hex', `sha256:${'A'.repeat(64)}`],
    ['a bare hash', 'a'.repeat(64)],
    ['a number', 42],
    ['null', null],
    ['an object', { id: 'sha256:0' }],
  ])('refuses a documentId that is %s with 400 INVALID_DOCUMENT_ID, quoting an excerpt', async (_, documentId) => {
    const answer = await post({ documentId, variables: {} });
    expect(answer.status).toBe(400);
    expect(codeOf(answer)).toEqual(['INVALID_DOCUMENT_ID']);
    expect(answer.text.length).toBeLessThan(500);
  });

  it('refuses an id nobody published with PERSISTED_DOCUMENT_NOT_FOUND', async () => {
    const answer = await post({ documentId: documentIdOf('query Never { brands { id } }') });
    expect(answer.status).toBe(400);
    expect(codeOf(answer)).toEqual(['PERSISTED_DOCUMENT_NOT_FOUND']);
  });

  it('refuses a documentId sent with a query (which would run is a guess)', async () => {
    const answer = await post({ documentId: documentIdOf(PUBLISHED), query: '{ suppliers { id } }' });
    expect(answer.status).toBe(400);
    expect(codeOf(answer)).toEqual(['BAD_REQUEST']);
  });

  it('refuses a malformed APQ hash, and an unpublished one, before Apollo looks at its cache', async () => {
    const malformed = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: 'z'.repeat(10_000) } } });
    expect(codeOf(malformed)).toEqual(['INVALID_DOCUMENT_ID']);
    expect(malformed.text.length).toBeLessThan(500);
    const unknown = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } });
    expect(codeOf(unknown)).toEqual(['PERSISTED_DOCUMENT_REQUIRED']);
  });

  it('refuses a whole batch when one of its operations is not published', async () => {
    const answer = await post([{ documentId: documentIdOf(PUBLISHED) }, { query: '{ suppliers { id } }' }]);
    expect(answer.status).toBe(400);
    expect(codeOf(answer)).toEqual(['PERSISTED_DOCUMENT_REQUIRED']);
  });

  it('refuses an oversized manifest, publishing nothing', async () => {
    const documents = Array.from({ length: MAX_DOCUMENTS_PER_MANIFEST + 1 }, (_, i) => {
      const document = `query Many${i} { brands { id } }`;
      return { id: documentIdOf(document), document };
    });
    const refused = await publishEntries('abuse-many', documents);
    expect(refused.published).toBeNull();
    expect(refused.userErrors).toEqual([
      { code: 'INVALID_DOCUMENT', field: 'input.documents', message: expect.stringContaining(`at most ${MAX_DOCUMENTS_PER_MANIFEST}`) },
    ]);
    expect(await documentsOf('abuse-many')).toEqual([]);
  });

  it('refuses a document too long, one of two operations, and a broken one, leaving the client’s documents as they were', async () => {
    const before = await documentsOf('abuse-web');
    const long = `query Long { ${'brands { id } '.repeat(Math.ceil(MAX_DOCUMENT_CHARACTERS / 14))}}`;
    const two = 'query One { brands { id } } query Two { categories { id } }';
    const broken = 'query Broken { brands { id';
    const fine = 'query Fine { suppliers { id } }';
    const refused = await publishEntries(
      'abuse-web',
      [fine, long, two, broken].map((document) => ({ id: documentIdOf(document), document })),
    );
    // The subgraph's text guard holds every document to MAX_DOCUMENT_CHARACTERS before the service sees it.
    expect(refused.userErrors.map((error) => [error.code, error.field])).toEqual([['TEXT_TOO_LONG', 'input.documents[1].document']]);
    // Once the long one is out, the others are each named.
    const again = await publishEntries(
      'abuse-web',
      [fine, two, broken].map((document) => ({ id: documentIdOf(document), document })),
    );
    expect(again.userErrors.map((error) => [error.code, error.field])).toEqual([
      ['INVALID_DOCUMENT', 'input.documents[1]'],
      ['INVALID_DOCUMENT', 'input.documents[2]'],
    ]);
    expect(again.userErrors[0]!.message).toContain('operation One, Two');
    expect(await documentsOf('abuse-web')).toEqual(before);
    expect(codeOf(await post({ documentId: documentIdOf(fine) }))).toEqual(['PERSISTED_DOCUMENT_NOT_FOUND']);
  });

  it('accepts a document longer than ordinary text (4,096 characters) up to MAX_DOCUMENT_CHARACTERS', async () => {
    const document = `${'# a client’s generated operation, with its explanation kept\n'.repeat(110)}query Longish { brands { id } }`;
    expect(document.length).toBeGreaterThan(6000);
    expect(document.length).toBeLessThanOrEqual(MAX_DOCUMENT_CHARACTERS);
    expect(await publishEntries('abuse-long', [{ id: documentIdOf(document), document }])).toEqual({
      published: 1,
      total: 1,
      userErrors: [],
    });
  });

  it('refuses malformed client names, versions, ids and duplicates in a manifest, and binding a key to a malformed client', async () => {
    const entry = { id: documentIdOf(PUBLISHED), document: PUBLISHED };
    const refused = await publishEntries('Not A Name!', [entry, entry, { id: 'sha256:nope', document: PUBLISHED }], 'v 1');
    expect(refused.userErrors.map((error) => [error.code, error.field])).toEqual([
      ['INVALID_VALUE', 'input.client'],
      ['INVALID_VALUE', 'input.version'],
      ['INVALID_VALUE', 'input.documents[1].id'],
    ]);
    const key = await system.graphql<{ createApiKey: { secret: string | null; userErrors: { field: string }[] } }>(
      'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret userErrors { field } } }',
      { input: { name: 'bound badly', scopes: ['catalogue:read'], documentsClient: `x${'y'.repeat(100)}` } },
      staff,
    );
    expect(key.body.data!.createApiKey).toEqual({ secret: null, userErrors: [{ field: 'input.documentsClient' }] });
  });

  it('lets no caller without documents:write publish, and never anonymously', async () => {
    const input = { client: 'intruder', version: '1', documents: [{ id: documentIdOf(PUBLISHED), document: PUBLISHED }] };
    const anonymous = await post({ query: PUBLISH, variables: { input } });
    expect(codeOf(anonymous)).toEqual(['PERSISTED_DOCUMENT_REQUIRED']);
    const clerk = await system.staffToken(['catalogue:write', 'documents:arbitrary']);
    const { body } = await system.graphql(PUBLISH, { input }, clerk);
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(await documentsOf('intruder')).toEqual([]);
  });
});
