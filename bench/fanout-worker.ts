/**
 * The fan-out's subscribers (see fanout.ts), in their own process so their
 * work never waits behind the subgraphs': N graphql-ws clients, one socket
 * and one LiveStock subscription each, and what each of them received.
 * Answers the harness's questions over IPC (FanoutQuestion → reply with the same id).
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { FanoutDelivery, FanoutQuestion, FanoutStart, StockChange } from './fanout.ts';
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

const clients = received.map((events) => {
  const client = createClient({
    url: start.url,
    webSocketImpl: WebSocket,
    connectionParams: start.connectionParams,
    retryAttempts: 0,
  });
  client.subscribe<{ stockChanged: StockChange }>(
    { query: start.query, variables: { skuCodes: start.skus } },
    {
      next: (result) => {
        if (result.errors) failed(`errors: ${JSON.stringify(result.errors)}`);
        if (!result.data) return;
        events.push({ change: result.data.stockChanged, at: Date.now() });
        lastEventAt = Date.now();
      },
      error: (error) => failed(`subscription failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`),
      complete: () => undefined,
    },
  );
  return client;
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
      await Promise.all(clients.map((client) => client.dispose()));
      process.disconnect();
      break;
    }
  }
});
process.send!({ id: 0, answer: { opened: clients.length } });
