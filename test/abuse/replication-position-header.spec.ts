import { createServer } from 'node:http';
import { IDENTITY_HEADER, signIdentity, verifyIdentity } from '../../platform/auth/identity-header.ts';
import { createTokenMinter } from '../../platform/auth/jwt.ts';
import { loadSecrets } from '../../platform/auth/secrets.ts';
import { MAX_POSITION_CHARS, MAX_POSITION_DOMAINS } from '../../platform/db/gtid-position.ts';
import { BAD_REPLICATION_POSITION, READ_PRIMARY_HEADER, REPLICATION_POSITION_HEADER } from '../../platform/graphql/replication-position.ts';
import { createLogger } from '../../platform/observability/log.ts';
import { type TestEnvironment, testEnvironment } from '../../platform/testing/databases.ts';
import { noteSubgraph } from '../../platform/testing/note-subgraph.ts';
import { startTestSubgraph, type TestSubgraph } from '../../platform/testing/subgraph-client.ts';
import { createRouter, type Router } from '../../router/server.ts';
import { composeTestSupergraph } from '../../router/testing/harness.ts';
import { onFreePort } from '../../router/testing/held-subgraph.ts';

/**
 * The replication position header (docs/architecture.md §9, Read replicas)
 * holds a caller's reads to the primary until a replica has their write. A
 * hostile client who could set it would send every read of theirs, or of
 * anyone, to the primary (a position no replica reaches); so only the router
 * sets it on a fetch, from what a subgraph answered it for that caller's
 * writes. A client's header of that name is never forwarded; a malformed
 * position a subgraph answers is ignored; a malformed one a subgraph is sent
 * is refused with its own code, and nothing runs.
 */
const SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
  type Query { version: Int! }
  type Mutation { bump: Int! }
`;
const HOSTILE = '0-1-9007199254740991';

/** A subgraph that records the position each fetch carried (and whose), and answers a mutation with the position it is told to. */
function recordingSubgraph(secret: string) {
  const fetches: { caller: string | undefined; position: string | undefined; readPrimary?: string }[] = [];
  let answer: string | undefined;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const verified = verifyIdentity(req.headers[IDENTITY_HEADER] as string, secret);
      const position = req.headers[REPLICATION_POSITION_HEADER];
      fetches.push({
        caller: verified.ok ? (verified.identity.subject ?? undefined) : undefined,
        position: position as string | undefined,
        readPrimary: req.headers[READ_PRIMARY_HEADER] as string | undefined,
      });
      const mutation = /^\s*mutation\b/.test((JSON.parse(body) as { query: string }).query);
      res.writeHead(200, { 'content-type': 'application/json', ...(mutation && answer ? { [REPLICATION_POSITION_HEADER]: answer } : {}) });
      res.end(JSON.stringify({ data: mutation ? { bump: 1 } : { version: 1 } }));
    });
  });
  return {
    fetches,
    answerWith(position: string | undefined) {
      answer = position;
    },
    ...onFreePort(server),
  };
}

describe('the replication position header between router and subgraphs', () => {
  let env: TestEnvironment;
  let subgraph: ReturnType<typeof recordingSubgraph>;
  let router: Router;
  let routerUrl: string;
  let mint: (subject: string) => Promise<string>;
  const warnings: string[] = [];

  beforeAll(async () => {
    // No REDIS_URL: this router keeps positions in its memory.
    env = testEnvironment({ label: 'SQLite', mysqlUrl: undefined });
    const secrets = loadSecrets(env.config);
    subgraph = recordingSubgraph(secrets.internalAuthSecret);
    router = await createRouter(env.config, {
      secrets,
      supergraphSdl: composeTestSupergraph(SDL),
      subgraphUrls: { catalogue: await subgraph.start() },
      log: createLogger('router', { write: (line) => warnings.push(line) }),
    });
    routerUrl = await router.listen(0);
    const minter = await createTokenMinter(secrets.jwtPrivateKey!, { issuer: env.config.jwtIssuer, audience: env.config.jwtAudience });
    mint = (subject) => minter({ subject, kind: 'member', scopes: [] });
  });
  afterAll(async () => {
    await router?.close();
    await subgraph?.stop();
    await env?.cleanup();
  });

  /** Sends `query` as `subject` with the client's own position header, and returns what the subgraph's fetch carried. */
  const send = async (subject: string, query: string, clientPosition?: string) => {
    const response = await fetch(routerUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await mint(subject)}`,
        ...(clientPosition ? { [REPLICATION_POSITION_HEADER]: clientPosition } : {}),
      },
      body: JSON.stringify({ query }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
    const sent = subgraph.fetches.at(-1);
    expect(sent?.caller).toBe(subject);
    return sent?.position;
  };

  it('never forwards a client’s demand to read the primary (only the entity cache may ask it)', async () => {
    const response = await fetch(routerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await mint('mallory')}`, [READ_PRIMARY_HEADER]: '1' },
      body: JSON.stringify({ query: '{ version }' }),
    });
    expect(response.status).toBe(200);
    expect(subgraph.fetches.at(-1)).toMatchObject({ caller: 'mallory', readPrimary: undefined });
  });

  it('never forwards a client’s position; forwards only what the subgraph answered for that caller', async () => {
    // A caller who never wrote: their own header reaches no subgraph.
    expect(await send('mallory', '{ version }', HOSTILE)).toBeUndefined();
    expect(await send('mallory', 'mutation { bump }', HOSTILE)).toBeUndefined();

    subgraph.answerWith('0-1-42');
    expect(await send('alice', 'mutation { bump }')).toBeUndefined();
    // Alice's later fetches carry her write's position, in place of anything she sends herself.
    expect(await send('alice', '{ version }')).toBe('0-1-42');
    expect(await send('alice', '{ version }', HOSTILE)).toBe('0-1-42');
    // Nobody else's do.
    expect(await send('mallory', '{ version }', HOSTILE)).toBeUndefined();
  });

  it('ignores, and logs, a malformed position a subgraph answers', async () => {
    const malformed = [
      'garbage',
      '0-1-43 , 1-1-1',
      '0-1-43,0-2-44',
      '0-1-99999999999999999',
      Array.from({ length: MAX_POSITION_DOMAINS + 1 }, (_, domain) => `${domain}-1-1`).join(','),
      `0-1-${'4'.repeat(MAX_POSITION_CHARS)}`,
    ];
    for (const answered of malformed) {
      subgraph.answerWith(answered);
      const before = warnings.length;
      await send('bob', 'mutation { bump }');
      expect({ answered, forwarded: await send('bob', '{ version }') }).toEqual({ answered, forwarded: undefined });
      expect(warnings.slice(before).join('\n')).toMatch(/answered a replica position the router ignores/);
    }
  });
});

describe('a subgraph sent a malformed replication position', () => {
  let env: TestEnvironment;
  let notes: TestSubgraph;
  beforeAll(async () => {
    env = testEnvironment({ label: 'SQLite', mysqlUrl: undefined });
    notes = await startTestSubgraph(noteSubgraph, env.config);
  });
  afterAll(async () => {
    await notes?.close();
    await env?.cleanup();
  });

  const post = (query: string, position: string) =>
    fetch(notes.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [IDENTITY_HEADER]: signIdentity({ kind: 'member', subject: 'alice', scopes: [] }, loadSecrets(env.config).internalAuthSecret),
        [REPLICATION_POSITION_HEADER]: position,
      },
      body: JSON.stringify({ query }),
    });

  it('refuses the request with BAD_REPLICATION_POSITION before anything runs', async () => {
    const malformed = ['garbage', '0-1-', '0-1-1,0-2-2', '4294967296-1-1', 'x'.repeat(MAX_POSITION_CHARS + 1)];
    for (const position of malformed) {
      const response = await post('mutation { setNote(id: "n1", body: "hostile") }', position);
      const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
      expect({ position, status: response.status, code: body.errors?.[0]?.extensions?.code }).toEqual({
        position,
        status: 400,
        code: BAD_REPLICATION_POSITION,
      });
    }
    // Nothing was written; a well-formed position is accepted.
    const read = await post('{ note(id: "n1") }', '0-1-1');
    expect(await read.json()).toEqual({ data: { note: null } });
  });
});
