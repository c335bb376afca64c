/**
 * The fan-out's subscribers (see fanout.ts), in their own process so their
 * work never waits behind the subgraphs': N clients of one transport, each
 * with its own connection (a graphql-ws socket, or an HTTP stream of its
 * own) and one LiveStock subscription, and what each of them received. The
 * clients are the router's test clients (router/subscriptions/testing/), so
 * the benchmark reads SSE and multipart with the same parsers the tests do.
 * Answers the harness's questions over IPC (FanoutQuestion → reply with the same id).
 */
import { subscribeOverSse } from '../router/subscriptions/testing/router-event-stream.ts';
import { subscribeOverMultipart } from '../router/subscriptions/testing/router-multipart.ts';
import { subscribeToRouter } from '../router/subscriptions/testing/router-subscription.ts';
import type { FanoutDelivery, FanoutQuestion, FanoutStart, StockChange } from './fanout.ts';
import type { Transport } from './routers.ts';
import { percentile } from './stats.ts';

const start = await new Promise<FanoutStart>((resolve) => process.once('message', (message) => resolve(message as FanoutStart)));
const reply = (id: number, answer: unknown) => process.send!({ id, answer });

type Received = { change: StockChange; at: number };
const received: Received[][] = Array.from({ length: start.subscribers }, () => []);
let offsets: number[] = received.map(() => 0);
let lastEventAt = Date.now();
const errorSamples = new Set<string>();
let errorCount = 0;
const failed = (problem: string) => {
  errorCount++;
  if (errorSamples.size < 5) errorSamples.add(problem.slice(0, 300));
};

type Subscriber = { ended: Promise<Record<string, unknown>>; dispose(): Promise<void> };
type SubscribeOptions = { onEvent: (change: StockChange) => void };
const operation = { routerUrl: start.url, query: start.query, variables: { skuCodes: start.skus }, field: 'stockChanged' };
const subscribeOver: Record<Transport, (options: SubscribeOptions) => Subscriber> = {
  ws: (options) => subscribeToRouter<StockChange>({ ...operation, ...options, connectionParams: start.credentials }),
  sse: (options) => subscribeOverSse<StockChange>({ ...operation, ...options, headers: start.credentials }),
  multipart: (options) => subscribeOverMultipart<StockChange>({ ...operation, ...options, headers: start.credentials }),
};

/** Set when the harness is done with the subscribers: what ends them after that is their closing, not a failure. */
let closing = false;
const subscribers = received.map((events) => {
  const subscriber = subscribeOver[start.transport]({
    onEvent: (change) => {
      events.push({ change, at: Date.now() });
      lastEventAt = Date.now();
    },
  });
  // A subscription that ends while it is measured (an error result, a refusal, a closed connection, or completed by the router) failed.
  void subscriber.ended.then((outcome) => {
    if (!closing) failed(`the subscription ended early: ${JSON.stringify(outcome)}`);
  });
  return subscriber;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until every subscriber has `changes` events since the mark, or none arrived for `quietMs`, or `deadlineMs` passed. */
async function collect(changes: number, quietMs: number, deadlineMs: number): Promise<FanoutDelivery> {
  const deadline = Date.now() + deadlineMs;
  while (received.some((events, i) => events.length - offsets[i]! < changes)) {
    if (Date.now() > deadline || Date.now() - lastEventAt > quietMs) break;
    await sleep(20);
  }
  // A little longer, so a duplicate just behind the last expected event is seen too.
  await sleep(200);
  let delivered = 0;
  let lost = 0;
  let duplicates = 0;
  let outOfOrder = 0;
  let incomplete = 0;
  let lastDeliveryAt = 0;
  const latencies: number[] = [];
  const lastSubscriber = new Map<number, number>();
  received.forEach((events, i) => {
    const seen = new Set<number>();
    const previous = new Map<string, number>();
    for (const { change, at } of events.slice(offsets[i]!)) {
      const n = Number(/burst (\d+)/.exec(change.reason)?.[1] ?? Number.NaN);
      if (!Number.isInteger(n)) continue;
      delivered++;
      if (seen.has(n)) duplicates++;
      seen.add(n);
      if (!change.sku.product?.name) incomplete++;
      // In order per level: each onHand is the previous one plus its delta.
      const level = `${change.sku.code}@${change.warehouse.code}`;
      const before = previous.get(level);
      if (before !== undefined && change.onHand !== before + change.delta) outOfOrder++;
      previous.set(level, change.onHand);
      // From the change's commit (its own timestamp, this machine's clock) to its arrival here.
      const latency = at - Date.parse(change.at);
      latencies.push(latency);
      lastSubscriber.set(n, Math.max(lastSubscriber.get(n) ?? 0, latency));
      lastDeliveryAt = Math.max(lastDeliveryAt, at);
    }
    lost += changes - seen.size;
  });
  const sorted = (values: Iterable<number>) => Float64Array.from(values).sort();
  const all = sorted(latencies);
  const last = sorted(lastSubscriber.values());
  return {
    delivered,
    lost,
    duplicates,
    outOfOrder,
    incomplete,
    lastDeliveryAt,
    p50Ms: percentile(all, 0.5),
    p99Ms: percentile(all, 0.99),
    lastSubscriberP50Ms: percentile(last, 0.5),
    lastSubscriberP99Ms: percentile(last, 0.99),
    errorCount,
    errorSamples: [...errorSamples],
  };
}

process.on('message', async (message: FanoutQuestion) => {
  switch (message.ask) {
    case 'live':
      reply(message.id, { live: received.filter((events) => events.length > 0).length, errorSamples: [...errorSamples] });
      break;
    case 'mark':
      offsets = received.map((events) => events.length);
      reply(message.id, {});
      break;
    case 'collect': {
      const delivery = await collect(message.changes, message.quietMs, message.deadlineMs);
      reply(message.id, delivery);
      closing = true;
      await Promise.all(subscribers.map((subscriber) => subscriber.dispose()));
      process.disconnect();
      break;
    }
  }
});
process.send!({ id: 0, answer: { opened: subscribers.length } });
