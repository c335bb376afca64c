import type { EventBus, SubscribeOptions, WaitingMessages } from './bus.ts';
import { BroadcastSubscribers } from './rabbitmq/broadcast.ts';
import { publishConfirmed } from './rabbitmq/publisher.ts';
import { RabbitMqSession, type Session } from './rabbitmq/session.ts';
import { busSettings, type RabbitMqBusOptions } from './rabbitmq/settings.ts';
import { closeConnection, noop, patternsOf, readyMessages } from './rabbitmq/support.ts';
import { WorkQueueConsumers } from './rabbitmq/work-queues.ts';

/*
 * The event bus on RabbitMQ (docs/architecture.md §10), used when AMQP_URL is
 * set. Its parts live in rabbitmq/, one concern each:
 * - session.ts: the connection, the exchanges (`commerce.events`, a durable
 *   topic exchange, and `<exchange>.dead` with a queue of the same name that
 *   keeps what consumers gave up on), and reconnecting with backoff.
 * - publisher.ts: confirmed, persistent publishing, routed by event type.
 * - work-queues.ts: per-service durable quorum queues, handled once per
 *   service, redelivered on failure and dead-lettered after `maxDeliveries`.
 * - broadcast.ts: one exclusive queue per process for live updates.
 * This file ties them together: every new session declares the topology and
 * every consumer again, one declaration after another, so a broker restart
 * only costs the time to reconnect.
 */

export type { RabbitMqBusOptions } from './rabbitmq/settings.ts';
export { DEFAULT_EXCHANGE, deadLetterName } from './rabbitmq/support.ts';

export type RabbitMqBus = EventBus & {
  /** Resolves when connected and every consumer subscribed so far is consuming (after a reconnect too). */
  ready(): Promise<void>;
  /** Whether the bus has a live connection right now. */
  readonly connected: boolean;
  /** The connection's name in the broker (client property `connection_name`), unique per bus. */
  readonly connectionName: string;
  /** Where messages go after `maxDeliveries` failed deliveries. */
  readonly deadLetterQueue: string;
  /** Rejects while not connected (the gauges then report nothing). */
  waitingMessages(): Promise<WaitingMessages>;
};

export async function createRabbitMqBus(options: RabbitMqBusOptions): Promise<RabbitMqBus> {
  const settings = busSettings(options);
  const { service, log, where, connectionName } = settings;
  const syncs = new Set<Promise<void>>();

  const link: RabbitMqSession = new RabbitMqSession(settings, {
    connected: (session) => requestSync(session),
    lost: (session) => {
      broadcast.sessionLost(session);
      work.sessionLost(session);
    },
  });
  const work = new WorkQueueConsumers(settings, link);
  const broadcast = new BroadcastSubscribers(settings, link);

  /** Declares whatever the subscriptions need and this session lacks; runs serialized per session. */
  const requestSync = (session: Session) => {
    const run = session.syncing.then(async () => {
      if (!session.alive) return;
      await broadcast.sync(session);
      await work.sync(session);
    });
    session.syncing = run.catch(noop);
    syncs.add(run);
    run
      .catch((error: unknown) => {
        if (session.alive) log.error(`RabbitMQ consumers of ${connectionName} could not be set up; reconnecting`, error);
        link.fault(session, error);
      })
      .finally(() => syncs.delete(run));
  };
  const subscribed = (unsubscribe: () => void) => {
    if (link.current) requestSync(link.current);
    return unsubscribe;
  };

  await link.start();

  return {
    connectionName,
    deadLetterQueue: settings.deadLetter,
    get connected() {
      return link.current?.alive === true;
    },

    async publish(events) {
      if (link.closed) throw new Error(`the RabbitMQ bus of ${service} is closed`);
      const session = link.current;
      if (!session?.alive) {
        throw new Error(
          `not connected to RabbitMQ at ${where}; reconnecting (the events stay in the outbox until a later publish succeeds)`,
        );
      }
      if (events.length === 0) return;
      await publishConfirmed(
        session.publisher,
        { exchange: settings.exchange, appId: service, timeoutMs: settings.publishTimeoutMs },
        events,
      );
    },

    subscribe(types, handler, subscribeOptions: SubscribeOptions = {}) {
      if (link.closed) {
        log.warn(`subscribe on the closed RabbitMQ bus of ${service} ignored`);
        return noop;
      }
      const patterns = patternsOf(types);
      if (subscribeOptions.queue !== undefined) return subscribed(work.add(subscribeOptions.queue, patterns, handler));
      return subscribed(broadcast.add(types, patterns, handler));
    },

    async waitingMessages() {
      const session = link.current;
      // Not connected: the gauges report nothing for this scrape rather than a made-up zero.
      if (!session?.alive) throw new Error(`not connected to RabbitMQ at ${where}`);
      const deadLettered = await readyMessages(session.connection, settings.deadLetter);
      const workQueues = await Promise.all(
        work.queues().map(async (queue) => ({ queue, ready: await readyMessages(session.connection, queue) })),
      );
      return { deadLettered, workQueues };
    },

    async ready() {
      for (;;) {
        if (link.closed) throw new Error(`the RabbitMQ bus of ${service} is closed`);
        const session = link.current;
        if (!session) {
          await link.nextConnection();
          continue;
        }
        await Promise.all([...syncs].map((run) => run.catch(noop)));
        if (link.current === session && session.alive && syncs.size === 0) return;
      }
    },

    async close() {
      if (link.closed) return;
      const session = link.stop();
      await Promise.all([work.closeAll(), broadcast.closeAll(session)]);
      if (session) {
        session.alive = false;
        await closeConnection(session.connection, settings.closeTimeoutMs);
      }
    },
  };
}
