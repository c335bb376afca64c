import type { DatabaseTarget } from '../../platform/testing/databases.ts';
import { eventually } from '../../platform/testing/eventually.ts';
import { newId } from '../../platform/values/ids.ts';
import { routerMetric } from './router-metrics.ts';
import { registeredMember } from './shop.ts';
import { startTestSystem, type TestSystem } from './system.ts';

/**
 * What the entity cache specs of orders, payments and invoices share: a
 * system with the cache on (over RabbitMQ on MariaDB, as in production) and
 * two members, reads repeated until one is answered from the cache, and
 * changes followed until the router has heard their events.
 */
export async function startCacheSystem(target: DatabaseTarget) {
  const amqp: Record<string, string> = target.mysqlUrl && process.env.AMQP_URL ? { AMQP_URL: process.env.AMQP_URL } : {};
  const system = await startTestSystem(target, { SEED_DEMO_DATA: 'true', ENTITY_CACHE: 'on', ...amqp });
  const suffix = newId().slice(-8).toLowerCase();
  const alice = await registeredMember(system, { name: 'Alice', email: `alice-${suffix}@example.com` });
  const bob = await registeredMember(system, { name: 'Bob', email: `bob-${suffix}@example.com` });
  return { system, alice, bob };
}

/**
 * Repeats `read` until one is answered from the cache (the router's `metric`
 * grew across it), and returns that answer: with RabbitMQ the router keeps
 * nothing until its queue is bound, a few round trips after it starts.
 */
export async function readUntilCached<T>(system: TestSystem, metric: string, read: () => Promise<T>): Promise<T> {
  let answer: T | undefined;
  await eventually(
    async () => {
      const hits = await routerMetric(system, metric);
      answer = await read();
      return (await routerMetric(system, metric)) > hits;
    },
    'a read answered from the cache',
    { timeoutMs: 15_000 },
  );
  return answer as T;
}

/** Runs `change`, then waits until the router has heard each of `events` once more than before it. */
export async function afterEventsHeard<T>(system: TestSystem, events: string[], change: () => Promise<T>): Promise<T> {
  const before = await Promise.all(events.map((event) => routerMetric(system, 'router_entity_cache_events', event)));
  const changed = await change();
  for (const [index, event] of events.entries()) {
    await eventually(
      async () => (await routerMetric(system, 'router_entity_cache_events', event)) > before[index]!,
      `${event} reached the router`,
      {
        timeoutMs: 15_000,
      },
    );
  }
  return changed;
}
