import { ApolloServer, type BaseContext, HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse } from 'graphql';
import type { GraphQLRequestParts } from '../http/graphql-over-http.ts';
import type { OperationObserver } from '../observability/observability.ts';
import { directExecution } from './direct-execution.ts';
import { badUserInput, errorHandling } from './errors.ts';

type Context = { calls: string[] };

const schema = buildSubgraphSchema([
  {
    typeDefs: parse(`
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    type Query { hello(name: String!): String!  coded: String  broken: String  strict: Item  items: [Item!]!  page: Page! }
    type Item @key(fields: "id") { id: ID!  label: String! }
    type Page { total: Int!  note: String  labels: [String] }
    type Mutation { record(note: String!): Int! }`),
    resolvers: {
      Query: {
        hello: (_: unknown, args: { name: string }) => `hello ${args.name}`,
        coded: () => {
          throw badUserInput('the name is too long', 'name');
        },
        broken: () => {
          throw new Error('select * from secrets failed');
        },
        strict: () => ({ id: '1', label: null }),
        items: async () => [
          { id: '1', label: 'one' },
          { id: '2', label: 'two' },
        ],
        // Values graphql-js resolves without a resolver of their own: a function (our connections'
        // totalCount), a promise and a list holding a failed promise.
        page: () => ({
          total: async () => 3,
          note: Promise.resolve('later'),
          labels: [Promise.resolve('a'), Promise.reject(new Error('label gone'))],
        }),
      },
      Item: {
        __resolveReference: (reference: { id: string }) =>
          reference.id === 'none' ? null : { id: reference.id, label: `item ${reference.id}` },
      },
      Mutation: {
        record: (_: unknown, args: { note: string }, ctx: Context) => ctx.calls.push(args.note),
      },
    } as never,
  },
]);

/**
 * Apollo Server as the subgraph kit configures it (executors.ts): the same error handling and `cache-control`,
 * and no plugin that resolves each field (Apollo would then wrap every field's resolver in the shared schema).
 */
async function apolloFor(mode: 'production' | 'test') {
  const apollo = new ApolloServer<BaseContext>({
    schema,
    ...errorHandling(mode, () => undefined),
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      {
        async requestDidStart() {
          return {
            async willSendResponse({ response }) {
              response.http.headers.set('cache-control', 'no-store');
            },
          };
        },
      },
    ],
  });
  await apollo.start();
  return apollo;
}

const post = (body: unknown, headers: Record<string, string> = {}) => ({
  parts: { method: 'POST', body, search: '' } satisfies GraphQLRequestParts,
  headers: new HeaderMap(Object.entries({ 'content-type': 'application/json', ...headers })),
});

const answerOf = (response: HTTPGraphQLResponse) => ({
  status: response.status ?? 200,
  contentType: response.headers.get('content-type'),
  cacheControl: response.headers.get('cache-control'),
  body: response.body.kind === 'complete' ? response.body.string : 'streamed',
});

describe.each(['production', 'test'] as const)('direct execution in %s mode', (mode) => {
  let apollo: ApolloServer<BaseContext>;
  const observed: string[] = [];
  const observe = (): OperationObserver => ({
    resolved: (type, name) => observed.push(`resolved ${type} ${name}`),
    answered: (type, name, errors) => observed.push(`answered ${type} ${name} ${errors.map((e) => e.extensions?.code).join(',')}`),
  });
  const direct = directExecution<Context>(schema, {
    ...errorHandling(mode, () => undefined),
    headers: { 'cache-control': 'no-store' },
    observe,
  });

  beforeAll(async () => {
    apollo = await apolloFor(mode);
  });
  afterAll(() => apollo.stop());
  beforeEach(() => {
    observed.length = 0;
  });

  /** Both paths' answers to one request, each with its own context. */
  async function both(body: unknown, headers: Record<string, string> = {}) {
    const viaDirect = { calls: [] as string[] };
    const viaApollo = { calls: [] as string[] };
    const request = post(body, headers);
    const directAnswer = await direct(request.parts, request.headers, async () => viaDirect);
    const apolloAnswer = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers: request.headers, search: '', body },
      context: async () => viaApollo,
    });
    return { directAnswer, apolloAnswer, viaDirect, viaApollo };
  }

  it.each([
    ['a query with variables', { query: 'query Hi($n: String!) { hello(name: $n) }', variables: { n: 'Ann' } }],
    ['a named operation among several', { query: 'query A { hello(name: "a") } query B { items { id label } }', operationName: 'B' }],
    ['a coded error beside data', { query: '{ hello(name: "x") coded }' }],
    ['an unexpected error, masked or not as the mode says', { query: '{ broken items { id } }' }],
    ['a null in a non-null field', { query: '{ strict { id label } }' }],
    ['an aliased entity lookup', { query: '{ a: hello(name: "1") b: hello(name: "2") __typename }' }],
    ['fields held as functions and promises', { query: '{ page { total note labels } }' }],
    // graphql-jit writes JavaScript from the document: a literal must stay a value, never become code.
    [
      'string literals that look like code',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a placeholder that must stay text is the case
      { query: '{ a: hello(name: "\\"); process.exit(7); (\\"") b: hello(name: "${process.exit(7)}` */ \' \\\\") }' },
    ],
    [
      "a router's entity fetch",
      {
        query: 'query E($r: [_Any!]!) { _entities(representations: $r) { ... on Item { id label } } }',
        variables: {
          r: [
            { __typename: 'Item', id: '7' },
            { __typename: 'Item', id: 'none' },
          ],
        },
      },
    ],
    [
      'an entity fetch with its key as a variable inside the representation',
      {
        query: 'query E($id: ID!) { _entities(representations: [{ __typename: "Item", id: $id }]) { ... on Item { id label } } }',
        variables: { id: '8' },
      },
    ],
  ])('answers %s exactly as Apollo Server does', async (_label, body) => {
    const { directAnswer, apolloAnswer } = await both(body);
    expect(directAnswer).toBeDefined();
    expect(answerOf(directAnswer!)).toEqual(answerOf(apolloAnswer));
  });

  it.each(['*/*', 'application/json'])('answers a client that accepts %s as Apollo Server does', async (accept) => {
    const { directAnswer, apolloAnswer } = await both({ query: '{ hello(name: "x") coded }' }, { accept });
    expect(directAnswer).toBeDefined();
    expect(answerOf(directAnswer!)).toEqual(answerOf(apolloAnswer));
  });

  it('runs a mutation once and answers it as Apollo Server does', async () => {
    const { directAnswer, apolloAnswer, viaDirect, viaApollo } = await both({
      query: 'mutation M($note: String!) { record(note: $note) }',
      variables: { note: 'n1' },
    });
    expect(viaDirect.calls).toEqual(['n1']);
    expect(viaApollo.calls).toEqual(['n1']);
    expect(answerOf(directAnswer!)).toEqual(answerOf(apolloAnswer));
  });

  it('tells the observer the operation and the codes of its errors', async () => {
    await both({ query: 'query Checked { hello(name: "x") coded }' });
    expect(observed).toEqual(['resolved query Checked', 'answered query Checked BAD_USER_INPUT']);
  });

  it.each([
    ['variables that do not coerce', post({ query: 'mutation M($note: String!) { record(note: $note) }', variables: { note: 5 } })],
    ['a document that does not validate', post({ query: '{ nope }' })],
    ['a document that does not parse', post({ query: '{ hello(' })],
    ['introspection', post({ query: '{ __schema { queryType { name } } }' })],
    ['an unknown operation name', post({ query: 'query A { items { id } }', operationName: 'B' })],
    ['two operations and no name', post({ query: 'query A { items { id } } query B { items { id } }' })],
    ['a batch', post([{ query: '{ items { id } }' }])],
    ['extensions', post({ query: '{ items { id } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'x' } } })],
    ['a client that prefers graphql-response+json', post({ query: '{ items { id } }' }, { accept: 'application/graphql-response+json' })],
    ['a client that accepts no JSON', post({ query: '{ items { id } }' }, { accept: 'text/html' })],
    ['a body that is not JSON', post('{ items { id } }', { 'content-type': 'text/plain' })],
    ['variables that are a list', post({ query: '{ items { id } }', variables: [1] })],
  ])('leaves %s to Apollo Server, having run nothing', async (_label, request) => {
    const context = { calls: [] as string[] };
    expect(await direct(request.parts, request.headers, async () => context)).toBeUndefined();
    expect(context.calls).toEqual([]);
  });

  it('leaves a GET to Apollo Server', async () => {
    const request = { method: 'GET', body: undefined, search: '?query=%7Bitems%7Bid%7D%7D' };
    expect(await direct(request, new HeaderMap(), async () => ({ calls: [] }))).toBeUndefined();
  });

  it('gives an error its own HTTP status as Apollo Server would', async () => {
    const statusSchema = buildSubgraphSchema([
      {
        typeDefs: parse('type Query { limited: String }'),
        resolvers: {
          Query: {
            limited: () => {
              throw new GraphQLError('slow down', { extensions: { code: 'BAD_USER_INPUT', http: { status: 429, headers: new Map() } } });
            },
          },
        },
      },
    ]);
    const statusDirect = directExecution(statusSchema, { ...errorHandling(mode, () => undefined), headers: {} });
    const request = post({ query: '{ limited }' });
    const answer = await statusDirect(request.parts, request.headers, async () => ({}));
    expect(answer?.status).toBe(429);
    expect(JSON.parse(answer?.body.kind === 'complete' ? answer.body.string : '{}')).toEqual({
      errors: [{ message: 'slow down', locations: [{ line: 1, column: 3 }], path: ['limited'], extensions: { code: 'BAD_USER_INPUT' } }],
      data: { limited: null },
    });
  });
});
