import { IDENTITY_HEADER, signIdentity } from '../platform/auth/identity-header.ts';
import { loadSecrets } from '../platform/auth/secrets.ts';
import { hasReached, parseForwardedPosition, parseGtidPosition } from '../platform/db/gtid-position.ts';
import { READ_PRIMARY_HEADER, REPLICATION_POSITION_HEADER } from '../platform/graphql/replication-position.ts';
import { createSubgraphServer, type SubgraphServer } from '../platform/graphql/subgraph.ts';
import { createLogger } from '../platform/observability/log.ts';
import { type TestEnvironment, testEnvironment } from '../platform/testing/databases.ts';
import { eventually } from '../platform/testing/eventually.ts';
import { type ReplicaPair, startReplicaPair, unavailableReason } from '../platform/testing/mariadb-replica-pair.ts';
import { NOTE_SUBGRAPH_SDL, noteSubgraph } from '../platform/testing/note-subgraph.ts';
import { newId } from '../platform/values/ids.ts';
import type { Router } from '../router/server.ts';
import { startTestRouters } from '../router/testing/harness.ts';

/**
 * Read-your-writes across instances of a subgraph that reads from a MariaDB
 * replica (docs/architecture.md §9, Read replicas), scaled out as the README
 * says: two routers sharing Redis, each in front of its own instance of one
 * subgraph, both instances on the same primary and replica (real servers of
 * their own, platform/testing/mariadb-replica-pair.ts). With the replica's SQL
 * thread stopped it cannot hold a new write; which server answered a read is
 * told by the value only it has (the replica keeps the old one).
 *
 * A caller writes through router 1 (instance A), then reads through router 2
 * (instance B, which never saw the write): the position router 1 kept in
 * Redis reaches instance B and holds that read to the primary. Another
 * caller's read through the same router and instance is still served by the
 * replica, as is the writer's own read sent to instance B without the
 * forwarded position.
 */
const redisUrl = process.env.REDIS_URL;
const reason = unavailableReason() ?? (redisUrl ? undefined : 'REDIS_URL is not set (the routers share positions through Redis)');
if (reason) console.warn(`replica-read-your-writes.spec.ts skipped: ${reason}`);
const describeOnPair = reason ? describe.skip : describe;

describeOnPair('read-your-writes across two routers and two instances of a subgraph on a MariaDB replica', () => {
  let pair: ReplicaPair;
  let env: TestEnvironment;
  const instances: SubgraphServer[] = [];
  const routers: Router[] = [];
  const routerUrls: string[] = [];
  const instanceUrls: string[] = [];
  const tokens = new Map<string, string>();
  // Subjects of their own: the routers' positions live in the Redis every test shares.
  const alice = `alice-${newId()}`;
  const bob = `bob-${newId()}`;

  const graphql = async (router: 0 | 1, subject: string, query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(routerUrls[router]!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(subject)}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: Record<string, string | null>; errors?: unknown[] };
  };
  const read = async (router: 0 | 1, subject: string, id: string) =>
    (await graphql(router, subject, 'query($id: ID!) { note(id: $id) }', { id })).data?.note;
  const write = async (router: 0 | 1, subject: string, id: string, body: string) =>
    (await graphql(router, subject, 'mutation($id: ID!, $body: String!) { setNote(id: $id, body: $body) }', { id, body })).data;

  beforeAll(async () => {
    pair = (await startReplicaPair())!;
    // No lag bound: the test stops the replica's SQL thread to make it stale on purpose.
    env = testEnvironment(
      { label: 'MySQL', mysqlUrl: pair.primaryUrl },
      { MYSQL_REPLICA_URLS: pair.replicaUrl, MYSQL_REPLICA_CHECK_MS: '50', MYSQL_REPLICA_MAX_LAG_SECONDS: '0', REDIS_URL: redisUrl! },
    );
    const secrets = loadSecrets(env.config);
    const log = createLogger('test', { write: () => undefined });
    for (let n = 0; n < 2; n += 1) {
      const instance = await createSubgraphServer(noteSubgraph, env.config, { secrets, log });
      instances.push(instance);
      instanceUrls.push(await instance.listen(0));
    }
    const started = await startTestRouters(env.config, { sdl: NOTE_SUBGRAPH_SDL, subgraphUrls: instanceUrls, log });
    routers.push(...started.routers);
    routerUrls.push(...started.urls);
    for (const subject of [alice, bob]) tokens.set(subject, await started.mint({ subject, kind: 'member' }));
    // The database and its table reach the replica through replication.
    const table = `${env.config.mysqlDatabasePrefix}catalogue.note`;
    await eventually(() => pair.sql('replica', `select count(*) as n from ${table}`), 'the note table reached the replica', {
      timeoutMs: 20_000,
    });
  }, 120_000);
  afterAll(async () => {
    for (const router of routers) await router.close();
    for (const instance of instances) await instance.close();
    await env?.cleanup();
    await pair?.stop();
  });

  it('serves the writer’s read at the other instance from the primary, and others’ reads from the lagging replica', async () => {
    const table = `${env.config.mysqlDatabasePrefix}catalogue.note`;
    expect(await write(0, alice, 'n1', 'first')).toEqual({ setNote: 'first' });
    // Reads go to the replica: a row only the replica holds is read through either router.
    await pair.sql('replica', `insert into ${table} (id, body) values (?, ?)`, ['replica-only', 'from the replica']);
    for (const router of [0, 1] as const)
      await eventually(
        async () => expect(await read(router, bob, 'replica-only')).toBe('from the replica'),
        'a read came from the replica',
      );
    await eventually(async () => expect(await read(1, bob, 'n1')).toBe('first'), 'the first write reached the replica');
    // Alice's first write is on the replica by now, so her reads too go there (nothing holds them to the primary).
    await eventually(async () => expect(await read(1, alice, 'replica-only')).toBe('from the replica'), 'alice reads the replica');

    await pair.sql('replica', 'stop slave sql_thread');
    try {
      expect(await write(0, alice, 'n1', 'second')).toEqual({ setNote: 'second' });
      // Instance B never saw Alice's write; router 2 learnt its position from Redis: her read comes from the primary.
      expect(await read(1, alice, 'n1')).toBe('second');
      // Bob did not write: his read through the same router and instance goes to the stopped replica (the old row).
      expect(await read(1, bob, 'n1')).toBe('first');
      // Without the forwarded position, instance B would have served Alice the replica's old row, as before.
      const direct = await fetch(instanceUrls[1]!, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [IDENTITY_HEADER]: signIdentity({ kind: 'member', subject: alice, scopes: [] }, loadSecrets(env.config).internalAuthSecret),
        },
        body: JSON.stringify({ query: '{ note(id: "n1") }' }),
      });
      expect(await direct.json()).toEqual({ data: { note: 'first' } });
      // A fetch whose answer the router's entity cache will keep reads the primary, whoever asks.
      const forCache = await fetch(instanceUrls[1]!, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [IDENTITY_HEADER]: signIdentity({ kind: 'member', subject: bob, scopes: [] }, loadSecrets(env.config).internalAuthSecret),
          [READ_PRIMARY_HEADER]: '1',
        },
        body: JSON.stringify({ query: '{ note(id: "n1") }' }),
      });
      expect(await forCache.json()).toEqual({ data: { note: 'second' } });
      // And Alice's read through router 1 (her own instance) comes from the primary too.
      expect(await read(0, alice, 'n1')).toBe('second');
    } finally {
      await pair.sql('replica', 'start slave sql_thread');
    }
    // Caught up, everyone reads the new value, and Alice's reads at instance B return to the replica.
    await eventually(async () => expect(await read(1, bob, 'n1')).toBe('second'), 'the replica caught up');
    await pair.sql('replica', `update ${table} set body = ? where id = ?`, ['replica copy', 'n1']);
    await eventually(async () => expect(await read(1, alice, 'n1')).toBe('replica copy'), 'the writer reads the replica again');
  });

  it('answers the position of a write with the write, and none with a read', async () => {
    const headersOf = async (query: string) => {
      const response = await fetch(instanceUrls[0]!, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [IDENTITY_HEADER]: signIdentity({ kind: 'member', subject: bob, scopes: [] }, loadSecrets(env.config).internalAuthSecret),
        },
        body: JSON.stringify({ query }),
      });
      await response.text();
      return response.headers.get(REPLICATION_POSITION_HEADER);
    };
    const before = parseGtidPosition((await pair.sql('primary', 'select @@gtid_binlog_pos as position'))[0]?.position);
    expect(await headersOf('{ note(id: "n1") }')).toBeNull();
    const answered = await headersOf('mutation { setNote(id: "n9", body: "bob") }');
    const after = parseGtidPosition((await pair.sql('primary', 'select @@gtid_binlog_pos as position'))[0]?.position);
    const position = parseForwardedPosition(answered ?? '');
    if (!position.ok) throw new Error(`the answered position ${answered} is not a GTID position: ${position.reason}`);
    // Past every transaction before the write (it includes the write), and the primary holds it (the instances' outbox leases may write on).
    expect(hasReached(before, position.position)).toBe(false);
    expect(hasReached(after, position.position)).toBe(true);
  });
});
