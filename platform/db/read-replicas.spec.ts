import type { Identity } from '../auth/identity.ts';
import { loadConfig } from '../config/config.ts';
import { eventually } from '../testing/eventually.ts';
import { type ReplicaPair, startReplicaPair, unavailableReason } from '../testing/mariadb-replica-pair.ts';
import { noteSubgraph } from '../testing/note-subgraph.ts';
import { startTestSubgraph, type TestSubgraph } from '../testing/subgraph-client.ts';
import {
  formatGtidPosition,
  hasReached,
  MAX_POSITION_CHARS,
  MAX_POSITION_DOMAINS,
  newest,
  parseForwardedPosition,
  parseGtidPosition,
} from './gtid-position.ts';

/**
 * Read replicas on a real MariaDB primary and replica (each its own server on
 * a free port, never the machine's shared one), behind a real subgraph over
 * HTTP: which server answered a read is told by rows that exist on one server
 * only (written directly on the replica, or on the primary while the
 * replica's SQL thread is stopped).
 */
const definition = noteSubgraph;
const alice: Identity = { kind: 'member', subject: 'alice', scopes: [] };
const bob: Identity = { kind: 'member', subject: 'bob', scopes: [] };

const reason = unavailableReason();
if (reason) console.warn(`read-replicas.spec.ts skipped: ${reason}`);
const describeOnPair = reason ? describe.skip : describe;

describe('GTID positions', () => {
  it('a replica has reached a position when every domain is at or past it', () => {
    expect(hasReached(parseGtidPosition('0-1-10,1-2-3'), parseGtidPosition('0-1-9,1-2-3'))).toBe(true);
    expect(hasReached(parseGtidPosition('0-1-10'), parseGtidPosition('0-1-11'))).toBe(false);
    expect(hasReached(parseGtidPosition('0-1-10'), parseGtidPosition('0-1-1,1-2-1'))).toBe(false);
    expect(hasReached(parseGtidPosition(''), parseGtidPosition(''))).toBe(true);
  });

  it('keeps, per domain, the later transaction of two positions, and writes it back as MariaDB does', () => {
    const merged = newest(parseGtidPosition('0-1-10,2-7-3'), parseGtidPosition('1-2-5,0-3-9,2-8-4'));
    expect(formatGtidPosition(merged)).toBe('0-1-10,1-2-5,2-8-4');
  });

  it('reads a position from another process strictly: GTID list syntax, bounded length and domains, numbers in range', () => {
    expect(parseForwardedPosition('0-1-10,1-2-3')).toEqual({ ok: true, position: parseGtidPosition('0-1-10,1-2-3') });
    const refused = [
      '',
      'garbage',
      '0-1-',
      '0-1-10, 1-2-3',
      '0-1-10,',
      '-1-1-1',
      '0-1-1,0-2-2',
      '4294967296-1-1',
      '0-4294967296-1',
      '0-1-99999999999999999',
      Array.from({ length: MAX_POSITION_DOMAINS + 1 }, (_, domain) => `${domain}-1-1`).join(','),
      `0-1-${'1'.repeat(MAX_POSITION_CHARS)}`,
    ];
    for (const text of refused) expect({ text, ok: parseForwardedPosition(text).ok }).toEqual({ text, ok: false });
  });
});

describeOnPair('reads on a MariaDB primary and replica', () => {
  let pair: ReplicaPair;
  let subgraph: TestSubgraph;
  const read = async (field: 'note' | 'noteByOrm', id: string, identity = bob) =>
    (await subgraph.request<Record<string, string | null>>(`query($id: ID!) { ${field}(id: $id) }`, { id }, identity)).data?.[field];
  const write = async (id: string, body: string, identity = alice) =>
    (await subgraph.request(`mutation($id: ID!, $body: String!) { setNote(id: $id, body: $body) }`, { id, body }, identity)).data;

  const configWithLagBound = (seconds: string) =>
    loadConfig({
      NODE_ENV: 'test',
      SEED_DEMO_DATA: 'false',
      MYSQL_URL: pair.primaryUrl,
      MYSQL_REPLICA_URLS: pair.replicaUrl,
      MYSQL_REPLICA_CHECK_MS: '50',
      MYSQL_REPLICA_MAX_LAG_SECONDS: seconds,
    });

  beforeAll(async () => {
    pair = (await startReplicaPair())!;
    // No lag bound: the tests stop the replica's SQL thread to make it stale on purpose.
    subgraph = await startTestSubgraph(definition, configWithLagBound('0'));
    // The database and its table reach the replica through replication.
    await eventually(() => pair.sql('replica', 'select count(*) as n from commerce_catalogue.note'), 'the note table reached the replica', {
      timeoutMs: 20_000,
    });
  }, 120_000);
  afterAll(async () => {
    await subgraph?.close();
    await pair?.stop();
  });

  it('sends a caller’s reads to the replica, through raw SQL and through the ORM', async () => {
    // A row only the replica holds can be read only from the replica.
    await pair.sql('replica', 'insert into commerce_catalogue.note (id, body) values (?, ?)', ['replica-only', 'from the replica']);
    await eventually(async () => expect(await read('note', 'replica-only')).toBe('from the replica'), 'a read came from the replica');
    expect(await read('noteByOrm', 'replica-only')).toBe('from the replica');
  });

  it('serves a caller’s read after their own write from the primary while the replica lags; others may read stale', async () => {
    await write('n1', 'first');
    await eventually(async () => expect(await read('note', 'n1')).toBe('first'), 'the first write reached the replica');
    await pair.sql('replica', 'stop slave sql_thread');
    try {
      expect(await write('n1', 'second')).toEqual({ setNote: 'second' });
      // Alice wrote: her reads come from the primary until a replica holds her write.
      expect(await read('note', 'n1', alice)).toBe('second');
      expect(await read('noteByOrm', 'n1', alice)).toBe('second');
      // Bob did not: his read goes to the stopped replica, which still has the old row (what proves the routing).
      expect(await read('note', 'n1', bob)).toBe('first');
      // Carol writes through an ORM flush outside any db.transaction: her read comes from the primary too.
      const carol: Identity = { kind: 'member', subject: 'carol', scopes: [] };
      const added = await subgraph.request('mutation { addNoteByOrm(id: "n5", body: "carol") }', {}, carol);
      expect(added).toEqual({ data: { addNoteByOrm: 'carol' } });
      expect(await read('note', 'n5', carol)).toBe('carol');
      expect(await read('note', 'n5', bob)).toBeNull();
    } finally {
      await pair.sql('replica', 'start slave sql_thread');
    }
    // Caught up, everyone reads the new value, from the replica again.
    await eventually(async () => expect(await read('note', 'n1', bob)).toBe('second'), 'the replica caught up');
    await pair.sql('replica', 'update commerce_catalogue.note set body = ? where id = ?', ['replica copy', 'n1']);
    await eventually(async () => expect(await read('note', 'n1', alice)).toBe('replica copy'), 'the writer reads the replica again');
  });

  it('with a lag bound, skips a replica whose replication is stopped', async () => {
    const bounded = await startTestSubgraph(definition, configWithLagBound('30'));
    const readBounded = async () =>
      (await bounded.request<{ note: string | null }>('query { note(id: "replica-only") }', {}, bob)).data?.note;
    try {
      await eventually(async () => expect(await readBounded()).toBe('from the replica'), 'the bounded subgraph read the replica');
      await pair.sql('replica', 'stop slave sql_thread');
      try {
        await eventually(async () => expect(await readBounded()).toBeNull(), 'the stopped replica was skipped');
      } finally {
        await pair.sql('replica', 'start slave sql_thread');
      }
    } finally {
      await bounded.close();
    }
  });

  it('answers a read the replica fails from the primary', async () => {
    await write('n4', 'kept');
    await eventually(async () => expect(await read('note', 'n4')).toBe('kept'), 'the write reached the replica');
    // The replica stays healthy to its checks, but every read of the table now fails there.
    await pair.sql('replica', 'drop table commerce_catalogue.note');
    for (const field of ['note', 'noteByOrm'] as const) {
      const answer = await subgraph.request(`query($id: ID!) { ${field}(id: $id) }`, { id: 'n4' }, bob);
      expect(answer).toEqual({ data: { [field]: 'kept' } });
    }
  });

  it('answers every read from the primary when the replica dies; nothing written is lost', async () => {
    await write('n2', 'before the replica died');
    await pair.killReplica();
    // The first read may hit the dead replica; it is answered from the primary all the same.
    for (const field of ['note', 'noteByOrm'] as const) {
      expect(await read(field, 'n2')).toBe('before the replica died');
      expect(await read(field, 'n2', alice)).toBe('before the replica died');
    }
    expect(await write('n3', 'after')).toEqual({ setNote: 'after' });
    expect(await read('note', 'n3')).toBe('after');
    expect(await read('noteByOrm', 'n3', alice)).toBe('after');
    // A row that existed only on the replica is gone with it: reads really moved to the primary.
    expect(await read('note', 'replica-only')).toBeNull();
  });
});
