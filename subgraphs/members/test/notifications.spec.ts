import { randomUUID } from 'node:crypto';
import { type Database, openDatabase } from '../../../platform/db/database.ts';
import type { DomainEvent } from '../../../platform/events/event.ts';
import type { Logger } from '../../../platform/observability/log.ts';
import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { eventually } from '../../../platform/testing/eventually.ts';
import { staff, startTestSubgraph, type TestSubgraph } from '../../../platform/testing/subgraph-client.ts';
import { newId } from '../../../platform/values/ids.ts';
import { MemberEntity } from '../entities/account.entity.ts';
import { NotificationEntity } from '../entities/notification.entity.ts';
import { enqueueNotification, MAX_ATTEMPTS, sendPendingNotifications } from '../notifications/notifications.ts';
import { EXPIRY_NOTICE_DAYS, queuePointsExpiryNotices } from '../notifications/points-expiry-notices.ts';
import { recordedSms, type SmsProvider, smsSimulator } from '../notifications/sms.ts';
import { membersSubgraph } from '../server.ts';

const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

const event = (type: string, data: unknown): DomainEvent => ({
  id: randomUUID(),
  type,
  source: 'orders',
  key: null,
  occurredAt: new Date().toISOString(),
  data,
});

async function addMember(db: Database, phone: string | null): Promise<string> {
  const em = db.fork();
  const id = newId();
  await db.transaction(em, async (tx) => {
    tx.create(MemberEntity, {
      id,
      name: 'Zhang Min',
      email: `${id}@example.com`,
      phone,
      tier: 'BASIC',
      status: 'ACTIVE',
      createdAt: new Date(),
    });
  });
  return id;
}

/** The sender and the queue on their own: a database with no background sender running. */
describe.each(databaseTargets())('sending member notifications on $label', (target) => {
  let env: TestEnvironment;
  let db: Database;

  beforeAll(async () => {
    env = testEnvironment(target);
    db = await openDatabase(env.config, { name: 'members', entities: membersSubgraph.entities, migrations: membersSubgraph.migrations });
  });
  afterAll(async () => {
    await db?.close();
    await env?.cleanup();
  });

  const queue = (memberId: string, dedupeKey = `test:${randomUUID()}`) =>
    db.transaction(db.fork(), (tx) =>
      enqueueNotification(db, tx, { memberId, kind: 'ORDER_SHIPPED', dedupeKey, text: 'Your order has shipped.' }),
    );
  const statusOf = async (memberId: string) => (await db.fork().find(NotificationEntity, { memberId })).map((row) => row.status);

  it('queues a cause once, however often it is queued', async () => {
    const memberId = await addMember(db, '+86 139 0000 0001');
    expect(await queue(memberId, 'order-shipped:o-1')).toBe(true);
    expect(await queue(memberId, 'order-shipped:o-1')).toBe(false);
    expect(await statusOf(memberId)).toEqual(['PENDING']);
  });

  it('sends each message once when several senders run at the same time', async () => {
    const members = await Promise.all(Array.from({ length: 5 }, (_, i) => addMember(db, `+86 139 0000 01${i}`)));
    for (const memberId of members) for (let i = 0; i < 4; i++) await queue(memberId);
    const sms = smsSimulator(env.config.dataDir);
    const before = recordedSms(env.config.dataDir).length;
    const sent = await Promise.all(Array.from({ length: 4 }, () => sendPendingNotifications({ db, sms, log: quiet })));
    // Every message went out, and only once, whichever sender took it.
    expect(sent.reduce((sum, count) => sum + count, 0)).toBe(members.length * 4 + 1); // + the one queued above
    const recorded = recordedSms(env.config.dataDir).slice(before);
    expect(new Set(recorded.map((sms) => sms.idempotencyKey)).size).toBe(recorded.length);
    for (const memberId of members) expect(await statusOf(memberId)).toEqual(['SENT', 'SENT', 'SENT', 'SENT']);
  });

  it('skips a member without a phone number, and sends nothing', async () => {
    const memberId = await addMember(db, null);
    await queue(memberId);
    const calls: string[] = [];
    const sms: SmsProvider = {
      send: async (message) => {
        calls.push(message.to);
        return { providerMessageId: 'x' };
      },
    };
    await sendPendingNotifications({ db, sms, log: quiet });
    expect(await statusOf(memberId)).toEqual(['SKIPPED']);
    expect(calls).toEqual([]);
  });

  it('retries a provider failure, then gives up after the last attempt', async () => {
    const memberId = await addMember(db, '+86 139 0000 0002');
    await queue(memberId);
    let calls = 0;
    const failing: SmsProvider = {
      send: async () => {
        calls += 1;
        throw new Error('provider unavailable');
      },
    };
    for (let round = 1; round < MAX_ATTEMPTS; round++) {
      await sendPendingNotifications({ db, sms: failing, log: quiet });
      expect(await statusOf(memberId)).toEqual(['PENDING']);
    }
    await sendPendingNotifications({ db, sms: failing, log: quiet });
    const [row] = await db.fork().find(NotificationEntity, { memberId });
    expect(row).toEqual(expect.objectContaining({ status: 'FAILED', attempts: MAX_ATTEMPTS, lastError: 'provider unavailable' }));
    await sendPendingNotifications({ db, sms: failing, log: quiet });
    expect(calls).toBe(MAX_ATTEMPTS);
  });

  it('tells a member once about points that expire soon, and not about later ones', async () => {
    const memberId = await addMember(db, '+86 139 0000 0003');
    const now = new Date();
    const lot = async (points: number, daysAhead: number) => {
      const expiresAt = new Date(now.getTime() + daysAhead * 86_400_000);
      await db.transaction(db.fork(), (tx) =>
        db.run(
          tx,
          `insert into points_entry (id, member_id, delta, reason, order_id, lot_id, expires_at, remaining, created_at)
            values (?, ?, ?, 'EARNED', null, null, ?, ?, ?)`,
          [newId(), memberId, points, db.sqlDate(expiresAt), points, db.sqlDate(now)],
        ),
      );
    };
    await lot(120, 3);
    await lot(80, 3);
    await lot(500, EXPIRY_NOTICE_DAYS + 10);
    expect(await queuePointsExpiryNotices(db, now)).toBeGreaterThanOrEqual(1);
    expect(await queuePointsExpiryNotices(db, now)).toBe(0);
    const notices = await db.fork().find(NotificationEntity, { memberId });
    const day = new Date(now.getTime() + 3 * 86_400_000).toISOString().slice(0, 10);
    expect(notices.map((row) => [row.kind, row.text])).toEqual([
      ['POINTS_EXPIRING', `200 of your points expire on ${day}. Use them at checkout before then.`],
    ]);
  });
});

/** The running subgraph: events in, text messages out, and what staff see of them. */
describe.each(databaseTargets())('member notifications in the running subgraph on $label', (target) => {
  let env: TestEnvironment;
  let subgraph: TestSubgraph;

  beforeAll(async () => {
    env = testEnvironment(target);
    subgraph = await startTestSubgraph(membersSubgraph, env.config);
  });
  afterAll(async () => {
    await subgraph?.close();
    await env?.cleanup();
  });

  it('texts a member once when their order ships, even when the event arrives twice', async () => {
    const memberId = await addMember(subgraph.server.db, '+86 139 1111 2222');
    const shipped = event('OrderShipped', { orderId: 'order-1', number: 'SO-2026-000042', memberId, status: 'SHIPPED' });
    await subgraph.server.bus.publish([shipped]);
    await subgraph.server.bus.publish([shipped]);
    // A new delivery of the same fact (another event id) is still one message.
    await subgraph.server.bus.publish([{ ...shipped, id: randomUUID() }]);
    await eventually(
      async () => {
        const rows = await subgraph.server.db.fork().find(NotificationEntity, { memberId });
        return rows.length > 0 && rows.every((row) => row.status === 'SENT');
      },
      'every queued message is sent',
      { timeoutMs: 10_000, intervalMs: 50 },
    );
    // One row for the cause, sent: nothing is left that could go out again.
    expect(await subgraph.server.db.fork().count(NotificationEntity, { memberId })).toBe(1);
    const texts = recordedSms(env.config.dataDir).filter((sms) => sms.to === '+86 139 1111 2222');
    expect(texts.map((sms) => sms.text)).toEqual(['Your order SO-2026-000042 has shipped.']);

    const { data } = await subgraph.request<{ member: { notifications: Record<string, unknown>[] } }>(
      'query ($id: ID!) { member(id: $id) { notifications { kind text status attempts sentAt } } }',
      { id: memberId },
      staff('members:pii'),
    );
    expect(data?.member.notifications).toEqual([
      { kind: 'ORDER_SHIPPED', text: 'Your order SO-2026-000042 has shipped.', status: 'SENT', attempts: 1, sentAt: expect.any(String) },
    ]);
  });

  it('says nothing about a guest order shipping', async () => {
    const before = recordedSms(env.config.dataDir).length;
    await subgraph.server.bus.publish([event('OrderShipped', { orderId: 'order-2', number: 'SO-2026-000043', memberId: null })]);
    const rows = await subgraph.server.db.fork().find(NotificationEntity, { dedupeKey: 'order-shipped:order-2' });
    expect(rows).toEqual([]);
    expect(recordedSms(env.config.dataDir)).toHaveLength(before);
  });

  it('reports sign-ups per day, members per tier and the points liability to staff', async () => {
    const db = subgraph.server.db;
    const earlier = await addMember(db, null);
    await db.transaction(db.fork(), async (tx) => {
      await db.run(tx, 'update member set created_at = ? where id = ?', [db.sqlDate(new Date('2026-03-01T10:00:00Z')), earlier]);
      await db.run(tx, 'update member set tier = ? where id = ?', ['GOLD', earlier]);
    });
    const holder = await addMember(db, null);
    await db.transaction(db.fork(), (tx) =>
      db.run(tx, 'insert into points_account (member_id, balance, updated_at) values (?, ?, ?)', [holder, 1234, db.sqlDate(new Date())]),
    );
    const { data, errors } = await subgraph.request<{ memberReport: Record<string, unknown> }>(
      `query ($from: DateTime!, $to: DateTime!) { memberReport(from: $from, to: $to) {
        newMembersPerDay { day count } tierDistribution { tier { name } members } pointsLiability { points members value { amount currencyCode } }
      } }`,
      { from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z' },
      staff('members:read'),
    );
    expect(errors).toBeUndefined();
    const members = await db.fork().find(MemberEntity, {});
    expect(data?.memberReport).toEqual({
      newMembersPerDay: [{ day: '2026-03-01', count: 1 }],
      tierDistribution: ['BASIC', 'SILVER', 'GOLD', 'PLATINUM'].map((tier) => ({
        tier: { name: tier },
        members: members.filter((member) => member.tier === tier).length,
      })),
      pointsLiability: { points: 1234, members: 1, value: { amount: '12.34', currencyCode: 'CNY' } },
    });
  });

  it('refuses a report period that ends before it starts', async () => {
    const { errors } = await subgraph.request(
      'query { memberReport(from: "2026-03-02T00:00:00Z", to: "2026-03-01T00:00:00Z") { newMembersPerDay { day } } }',
      {},
      staff('members:read'),
    );
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('member notifications on MySQL', () => reportSkippedMysql());
