import { randomUUID } from 'node:crypto';
import { eventually } from '../../platform/testing/eventually.ts';
import { type RouterEventStream, subscribeOverSse } from '../../router/subscriptions/testing/router-event-stream.ts';
import { subscribeOverMultipart } from '../../router/subscriptions/testing/router-multipart.ts';
import { expectWellBehavedQueryAnswered } from '../support/abuse.ts';
import { contractOperation } from '../support/contract.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

/**
 * A signed-in member floods the router with subscriptions over plain HTTP
 * (Server-Sent Events and multipart, alternately), each to an order id of its
 * own (so none can share an upstream), one HTTP stream each. Past the per-caller limit every one is
 * refused with TOO_MANY_SUBSCRIPTIONS and opens nothing; the open streams
 * hold no place under MAX_REQUESTS_IN_FLIGHT, so queries are still answered,
 * another member still subscribes, and once the flooder goes away every place
 * and upstream is free again. (subscription-flood.spec.ts is the same over
 * graphql-ws, with the router's default limits.)
 */
const LIVE_ORDERS = contractOperation('orders.graphql', 'LiveOrders');
const PER_CALLER = 40;
const FLOOD = 100;

describe('a flood of subscriptions over HTTP streams from one member', () => {
  let system: TestSystem;
  const streams: RouterEventStream<unknown>[] = [];
  beforeAll(async () => {
    // A generous rate limit, so what is measured here is the subscription limit; MAX_REQUESTS_IN_FLIGHT below the flood.
    system = await startTestSystem(
      { label: 'SQLite', mysqlUrl: undefined },
      { MEMBER_RATE_LIMIT_PER_MINUTE: '1000000', SUBSCRIPTIONS_PER_CALLER: String(PER_CALLER), MAX_REQUESTS_IN_FLIGHT: '20' },
    );
  });
  afterAll(async () => {
    await Promise.all(streams.map((stream) => stream.dispose()));
    await system?.close();
  });

  const subscribe = (token: string, over = subscribeOverSse) => {
    const stream = over({
      routerUrl: system.system.routerUrl,
      headers: { authorization: `Bearer ${token}` },
      query: LIVE_ORDERS,
      variables: { orderId: randomUUID() },
      field: 'orderUpdated',
    });
    streams.push(stream);
    return stream;
  };
  const metric = async (name: string) => {
    const text = await (await fetch(system.system.routerMetricsUrl)).text();
    return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1]);
  };

  it(`refuses what passes ${PER_CALLER} with TOO_MANY_SUBSCRIPTIONS, keeps serving others, and frees everything when the flooder leaves`, async () => {
    const flooder = await system.memberToken(`member-${randomUUID()}`);
    const flood = Array.from({ length: FLOOD }, (_, index) =>
      subscribe(flooder, index % 2 === 0 ? subscribeOverSse : subscribeOverMultipart),
    );
    const refusals: string[] = [];
    for (const stream of flood) {
      void stream.ended.then((outcome) => refusals.push(String(outcome.errors?.[0]?.extensions?.code ?? JSON.stringify(outcome))));
    }
    await eventually(() => refusals.length >= FLOOD - PER_CALLER, 'the excess is refused', { timeoutMs: 30_000 });
    expect(new Set(refusals)).toEqual(new Set(['TOO_MANY_SUBSCRIPTIONS']));
    await eventually(async () => (await metric('graphql_subscriptions_open')) === PER_CALLER, `${PER_CALLER} are open`, {
      timeoutMs: 10_000,
    });

    // Others are unharmed: more open streams than MAX_REQUESTS_IN_FLIGHT, and queries and subscriptions still answered.
    await expectWellBehavedQueryAnswered(system);
    const other = subscribe(await system.memberToken(`member-${randomUUID()}`));
    await eventually(async () => (await metric('graphql_subscriptions_open')) === PER_CALLER + 1, 'the other member subscribed', {
      timeoutMs: 10_000,
    });
    expect(refusals).toHaveLength(FLOOD - PER_CALLER);

    await Promise.all(flood.map((stream) => stream.dispose()));
    await eventually(async () => (await metric('graphql_subscriptions_open')) === 1, 'the flooder’s places are free', {
      timeoutMs: 10_000,
    });
    await eventually(async () => (await metric('graphql_subscription_upstreams_open')) === 1, 'the flooder’s upstreams are closed', {
      timeoutMs: 10_000,
    });
    // Its places are free for it again.
    const again = subscribe(flooder);
    await eventually(async () => (await metric('graphql_subscriptions_open')) === 2, 'the flooder subscribes again', {
      timeoutMs: 10_000,
    });
    await other.dispose();
    await again.dispose();
  }, 60_000);
});
