import { HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import type { Identity } from '../platform/auth/identity.ts';
import { requestMerging } from './request-merging.ts';

const staff: Identity = { kind: 'staff', subject: 'staff-1', scopes: ['orders:read'] };
const otherStaff: Identity = { kind: 'staff', subject: 'staff-2', scopes: ['orders:read'] };
const json = 'application/json';
const body = (query: string, extra: Record<string, unknown> = {}) => JSON.stringify({ query, ...extra });

/** Executions that run until released, each answering with its own number. */
function heldExecutions() {
  const releases: (() => void)[] = [];
  let runs = 0;
  const execute = async (): Promise<HTTPGraphQLResponse> => {
    const run = ++runs;
    await new Promise<void>((resolve) => releases.push(resolve));
    return { status: 200, headers: new HeaderMap([['content-type', json]]), body: { kind: 'complete', string: `{"data":{"run":${run}}}` } };
  };
  return {
    execute,
    runs: () => runs,
    releaseAll: () => {
      for (const release of releases.splice(0)) release();
    },
  };
}

/** A caller as the router hands it over: who, and their write generation when the request arrived. */
const caller = (identity: typeof staff, writeGeneration = '0') => ({ identity, writeGeneration });

const textOf = async (answer: Promise<HTTPGraphQLResponse>) => {
  const { body } = await answer;
  return body.kind === 'complete' ? body.string : 'streamed';
};

describe('merging identical requests in flight', () => {
  it('answers identical query requests of one caller once, every one with the same finished answer', async () => {
    const held = heldExecutions();
    const merging = requestMerging();
    const text = body('query Page($first: Int) { products(first: $first) { totalCount } }', { variables: { first: 10 } });
    const answers = [1, 2, 3].map(() => merging.around(text, caller(staff), json, held.execute));
    held.releaseAll();
    expect(await Promise.all(answers.map(textOf))).toEqual(['{"data":{"run":1}}', '{"data":{"run":1}}', '{"data":{"run":1}}']);
    expect(held.runs()).toBe(1);
    expect(merging.merged).toBe(2);
  });

  it('runs each request on its own when the caller, their write generation, the accepted type or a byte of the body differs', async () => {
    const held = heldExecutions();
    const merging = requestMerging();
    const text = body('{ products { totalCount } }');
    const answers = [
      merging.around(text, caller(staff), json, held.execute),
      merging.around(text, caller(otherStaff), json, held.execute),
      merging.around(text, caller(staff), 'application/graphql-response+json', held.execute),
      merging.around(body('{ products { totalCount } }', { variables: {} }), caller(staff), json, held.execute),
      // The same caller after a write of theirs was answered: never the answer that began before it.
      merging.around(text, caller(staff, '1'), json, held.execute),
    ];
    held.releaseAll();
    await Promise.all(answers);
    expect(held.runs()).toBe(5);
    expect(merging.merged).toBe(0);
  });

  it('never merges a mutation, a subscription, a batch, an unparsable body or a document whose chosen operation is a mutation', async () => {
    const held = heldExecutions();
    const merging = requestMerging();
    const twoOperations = 'query Read { a } mutation Write { b }';
    const bodies = [
      body('mutation { placeOrder { id } }'),
      body('subscription { stockChanged { onHand } }'),
      JSON.stringify([{ query: '{ a }' }, { query: '{ a }' }]),
      '{"query": "{ a "',
      'not json',
      body(twoOperations, { operationName: 'Write' }),
      // Two operations and no name: Apollo Server refuses it; nothing to share.
      body(twoOperations),
    ];
    const answers = bodies.flatMap((text) => [
      merging.around(text, caller(staff), json, held.execute),
      merging.around(text, caller(staff), json, held.execute),
    ]);
    held.releaseAll();
    await Promise.all(answers);
    expect(held.runs()).toBe(bodies.length * 2);
    // The query of a two-operation document is a query like any other.
    const read = body(twoOperations, { operationName: 'Read' });
    const reads = [merging.around(read, caller(staff), json, held.execute), merging.around(read, caller(staff), json, held.execute)];
    held.releaseAll();
    await Promise.all(reads);
    expect(held.runs()).toBe(bodies.length * 2 + 1);
  });

  it('runs a request again once the identical one was answered, and a follower of a streamed answer runs its own', async () => {
    const merging = requestMerging();
    const text = body('{ a }');
    let runs = 0;
    const streamed = async (): Promise<HTTPGraphQLResponse> => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return {
        status: 200,
        headers: new HeaderMap(),
        body: runs === 1 ? { kind: 'chunked', asyncIterator: (async function* () {})() } : { kind: 'complete', string: `run ${runs}` },
      };
    };
    const [first, second] = [merging.around(text, caller(staff), json, streamed), merging.around(text, caller(staff), json, streamed)];
    expect(await textOf(first)).toBe('streamed');
    expect(await textOf(second)).toBe('run 2');
    expect(await textOf(merging.around(text, caller(staff), json, streamed))).toBe('run 3');
    expect(merging.merged).toBe(0);
  });
});
