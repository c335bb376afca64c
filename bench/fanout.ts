import { fork } from 'node:child_process';
import type { Transport } from './routers.ts';
import type { StockKeeper } from './stock-keeper.ts';
import { LIVE_STOCK } from './workloads.ts';

/**
 * Live stock fan-out through one router (issues 10 and 21): N dashboards
 * subscribe to the contract's LiveStock over one transport (graphql-ws, SSE
 * or multipart HTTP), each on its own connection, in a process of their own
 * (fanout-worker.ts). Stock changes (+1 corrections)
 * nudge until every subscriber has seen one, so the burst starts with all of
 * them listening; then M changes are made by 10 concurrent writers and the
 * subscribers report what they received: every change exactly once, in order
 * per level, completed with the product name from the catalogue.
 *
 * The harness makes the changes on the stock subgraph directly
 * (stock-keeper.ts): the router's work is the fan-out alone, the same for
 * every router.
 */
export const FANOUT_SKUS = ['BP-TOY-COR-F', 'OF-VW-GOLF'];
const WRITERS = 10;
const MAX_NUDGES = 50;
const NUDGE_EVERY_MS = 200;
/** Collection gives up when no event arrived for this long, or at the deadline: what is missing then counts as lost. */
const QUIET_MS = 15_000;
const DEADLINE_MS = 180_000;
const WORKER_EXIT_MS = 10_000;

export type StockChange = {
  sku: { code: string; product: { name: string } | null };
  warehouse: { code: string };
  onHand: number;
  delta: number;
  reason: string;
  at: string;
};

/**
 * What the worker gets first. `url`: the router's GraphQL URL over HTTP;
 * `credentials`: the caller's headers, sent as graphql-ws `connection_init`
 * params or as the HTTP request's headers.
 */
export type FanoutStart = {
  url: string;
  transport: Transport;
  credentials: Record<string, string>;
  subscribers: number;
  skus: string[];
  query: string;
};
export type FanoutAsk = { ask: 'live' } | { ask: 'mark' } | { ask: 'collect'; changes: number; quietMs: number; deadlineMs: number };
export type FanoutQuestion = FanoutAsk & { id: number };

/** What the subscribers received of the burst, all of them together. */
export type FanoutDelivery = {
  /** Burst events received, duplicates included. */
  delivered: number;
  /** Changes a subscriber never received, summed over subscribers. */
  lost: number;
  duplicates: number;
  /** Events whose level did not follow from the previous one of the same level (onHand = previous + delta). */
  outOfOrder: number;
  /** Events without the product name (resolved from the catalogue per event). */
  incomplete: number;
  /** When the last burst event arrived (epoch ms). */
  lastDeliveryAt: number;
  /** From a change's commit to its arrival at a subscriber, over all deliveries. */
  p50Ms: number;
  p99Ms: number;
  /** From a change's commit to its arrival at the last subscriber that got it, over the changes. */
  lastSubscriberP50Ms: number;
  lastSubscriberP99Ms: number;
  /** Subscription errors (GraphQL errors in events, failed subscriptions). */
  errorCount: number;
  errorSamples: string[];
};

export type FanoutResult = FanoutDelivery & {
  transport: Transport;
  subscribers: number;
  changes: number;
  /** From the burst's first write to its last delivery. */
  seconds: number;
  eventsPerSecond: number;
  /** Why the run measured nothing (no subscriber became live), else null. */
  failure: string | null;
};

export type FanoutOptions = { transport: Transport; subscribers: number; changes: number; progress: (line: string) => void };

/** The warehouse each fan-out SKU's changes go to: its first level's. */
export async function fanoutLevels(keeper: StockKeeper): Promise<Map<string, string>> {
  const warehouses = new Map<string, string>();
  for (const sku of FANOUT_SKUS) {
    const [level] = await keeper.levels(sku);
    if (!level) throw new Error(`${sku} has no stock level in any warehouse`);
    warehouses.set(sku, level.warehouse.id);
  }
  return warehouses;
}

/**
 * Subscribes over `options.transport`, warms up, bursts and collects through
 * the router at `routerUrl`; `onBurst` marks the start of the measured part.
 */
export async function runFanout(
  routerUrl: string,
  credentials: Record<string, string>,
  keeper: StockKeeper,
  warehouses: Map<string, string>,
  options: FanoutOptions,
  onBurst: () => void = () => undefined,
): Promise<FanoutResult> {
  const worker = fork(new URL('./fanout-worker.ts', import.meta.url), [], {
    execArgv: ['--no-warnings'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, (answer: unknown) => void>();
  let exited: Error | null = null;
  worker.on('message', (message: { id: number; answer: unknown }) => {
    pending.get(message.id)?.(message.answer);
    pending.delete(message.id);
  });
  worker.once('exit', (code) => {
    exited = new Error(`the fan-out's subscriber process exited with ${code}`);
    for (const [, resolve] of pending) resolve(undefined);
  });
  let nextId = 1;
  const answerTo = <T>(id: number) =>
    new Promise<T>((resolve, reject) => {
      if (exited) return reject(exited);
      pending.set(id, (answer) => (exited && answer === undefined ? reject(exited) : resolve(answer as T)));
    });
  const ask = <T>(question: FanoutAsk): Promise<T> => {
    const id = nextId++;
    const answer = answerTo<T>(id);
    worker.send({ ...question, id });
    return answer;
  };
  const change = (n: number, reason: string) => {
    const sku = FANOUT_SKUS[n % FANOUT_SKUS.length]!;
    return keeper.adjust(sku, warehouses.get(sku)!, 1, reason);
  };
  const base = { transport: options.transport, subscribers: options.subscribers, changes: options.changes };
  try {
    const opened = answerTo<{ opened: number }>(0);
    const start: FanoutStart = {
      url: routerUrl,
      transport: options.transport,
      credentials,
      subscribers: options.subscribers,
      skus: FANOUT_SKUS,
      query: LIVE_STOCK,
    };
    worker.send(start);
    await opened;

    let live = { live: 0, errorSamples: [] as string[] };
    for (let nudge = 0; nudge < MAX_NUDGES && live.live < options.subscribers; nudge++) {
      await change(nudge, `warm-up ${nudge}`);
      await new Promise((resolve) => setTimeout(resolve, NUDGE_EVERY_MS));
      live = await ask({ ask: 'live' });
    }
    if (live.live === 0) {
      return {
        ...base,
        ...emptyDelivery(live.errorSamples),
        seconds: 0,
        eventsPerSecond: 0,
        failure: `no subscriber received any of ${MAX_NUDGES} warm-up changes`,
      };
    }
    if (live.live < options.subscribers)
      options.progress(`      only ${live.live} of ${options.subscribers} subscribers became live; the rest count as lost`);
    // Let the last warm-up events drain before the mark.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await ask({ ask: 'mark' });

    onBurst();
    const burstStarted = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        while (next < options.changes) {
          const n = next++;
          await change(n, `burst ${n}`);
        }
      }),
    );
    const delivery = await ask<FanoutDelivery>({ ask: 'collect', changes: options.changes, quietMs: QUIET_MS, deadlineMs: DEADLINE_MS });
    // It closes its connections and exits; the router is stopped after that, not under their feet.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, WORKER_EXIT_MS);
      worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    const seconds = Math.max(0.001, (delivery.lastDeliveryAt - burstStarted) / 1000);
    return { ...base, ...delivery, seconds, eventsPerSecond: delivery.delivered / seconds, failure: null };
  } finally {
    if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
  }
}

/** A run that ended in an exception (a router that fell over, a subgraph that stopped answering): reported, not fatal. */
export function failedFanout(options: Pick<FanoutOptions, 'transport' | 'subscribers' | 'changes'>, reason: string): FanoutResult {
  return {
    ...emptyDelivery([]),
    transport: options.transport,
    subscribers: options.subscribers,
    changes: options.changes,
    seconds: 0,
    eventsPerSecond: 0,
    failure: reason,
  };
}

function emptyDelivery(errorSamples: string[]): FanoutDelivery {
  return {
    delivered: 0,
    lost: 0,
    duplicates: 0,
    outOfOrder: 0,
    incomplete: 0,
    lastDeliveryAt: 0,
    p50Ms: 0,
    p99Ms: 0,
    lastSubscriberP50Ms: 0,
    lastSubscriberP99Ms: 0,
    errorCount: errorSamples.length,
    errorSamples,
  };
}
