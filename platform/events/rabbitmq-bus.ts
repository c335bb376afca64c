import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import amqp from 'amqplib';
import type { Logger } from '../observability/log.ts';
import type { EventBus, EventHandler, SubscribeOptions } from './bus.ts';
import type { DomainEvent } from './event.ts';

/**
 * The event bus on RabbitMQ (DESIGN.md §3), used when AMQP_URL is set.
 *
 * Topology, all declared idempotently on every (re)connect:
 * - `exchange` (default `commerce.events`): a durable topic exchange; every
 *   event is published to it persistent, routing key = event type,
 *   messageId = event id, body = the whole DomainEvent as JSON.
 * - Work queues (`subscribe(types, handler, { queue })`): a durable quorum
 *   queue per name, shared by every instance of one service, so each event
 *   is handled once per service. Acked after the handler resolves; a failed
 *   handler nacks it back onto the queue. The quorum queue counts deliveries
 *   (`x-delivery-count`) and, after `maxDeliveries` (default 5), the broker
 *   dead-letters the message to `<exchange>.dead` instead of redelivering.
 * - `<exchange>.dead`: a durable topic exchange and a durable queue of the
 *   same name bound to it with '#': the messages set aside, with the broker's
 *   `x-death` header saying which queue gave up on them.
 * - Broadcast (no queue name; GraphQL subscriptions): one exclusive,
 *   auto-delete, server-named queue per bus (per process), bound to the
 *   union of the types subscribed; each message goes to every matching local
 *   handler in order, like the in-process bus. A failing local handler is
 *   logged and does not redeliver the event to the others.
 *
 * Publishing uses a confirm channel: `publish` resolves once the broker has
 * confirmed every message and rejects on a nack, a closed channel, a
 * connection that is down, or after `publishTimeoutMs`, so the outbox relay
 * keeps the rows and tries again.
 *
 * When the connection or a channel drops (broker restart, connection closed
 * by the server, network error) the bus reconnects with exponential backoff
 * and declares the topology and every consumer again. Unacked messages of
 * the lost connection go back to their work queues and are redelivered
 * (consumers deduplicate by event id, see handleOnce); broadcast queues die
 * with the connection, so broadcast subscribers miss what is published while
 * it is down.
 */
export type RabbitMqBusOptions = {
  url: string;
  /** The service this process runs; names the connection in the broker's management views. */
  service: string;
  exchange?: string;
  log: Logger;
  /** Unacked messages the broker sends ahead to each consumer (default 20). */
  prefetch?: number;
  /** Deliveries of one message to a work queue before it is dead-lettered (default 5). */
  maxDeliveries?: number;
  /** How long `publish` waits for the broker's confirmations (default 10 s). */
  publishTimeoutMs?: number;
  /** How long one connection attempt may take (default 5 s). */
  connectTimeoutMs?: number;
  /** Backoff between reconnection attempts: doubles from `initialMs` up to `maxMs` (default 100 ms to 5 s). */
  reconnectDelay?: { initialMs: number; maxMs: number };
  /** How long `close` lets running handlers finish so their acks go out (default 5 s). */
  closeTimeoutMs?: number;
};

export type RabbitMqBus = EventBus & {
  /** Resolves when connected and every consumer subscribed so far is consuming (after a reconnect too). */
  ready(): Promise<void>;
  /** Whether the bus has a live connection right now. */
  readonly connected: boolean;
  /** The connection's name in the broker (client property `connection_name`), unique per bus. */
  readonly connectionName: string;
  /** Where messages go after `maxDeliveries` failed deliveries. */
  readonly deadLetterQueue: string;
};

export const DEFAULT_EXCHANGE = 'commerce.events';

/** The dead-letter exchange and queue of an events exchange (both have this name). */
export function deadLetterName(exchange: string): string {
  return `${exchange}.dead`;
}

type Session = {
  connection: ChannelModel;
  publisher: ConfirmChannel;
  alive: boolean;
  broadcast: BroadcastConsumer | null;
  /** Consumers are declared one after another; this is the tail of that chain. */
  syncing: Promise<void>;
};

type Consumer = {
  session: Session;
  channel: Channel;
  consumerTag: string;
  /** False once the channel is gone: buffered messages are then left for the broker to redeliver. */
  open: boolean;
  /** Set when we close it ourselves, so its close is not taken for a fault. */
  detaching: boolean;
  /** Messages are handled one at a time, in delivery order; this is the tail. */
  handling: Promise<void>;
};

type BroadcastConsumer = Consumer & { queue: string; bound: Set<string> };

type WorkSubscription = {
  queue: string;
  patterns: readonly string[];
  handler: EventHandler;
  active: boolean;
  consumer: Consumer | null;
};

type BroadcastSubscription = { types: ReadonlySet<string> | '*'; patterns: readonly string[]; handler: EventHandler };

const noop = () => undefined;

export async function createRabbitMqBus(options: RabbitMqBusOptions): Promise<RabbitMqBus> {
  const { url, service, log } = options;
  const exchange = options.exchange ?? DEFAULT_EXCHANGE;
  const deadLetter = deadLetterName(exchange);
  const prefetch = options.prefetch ?? 20;
  const maxDeliveries = options.maxDeliveries ?? 5;
  const publishTimeoutMs = options.publishTimeoutMs ?? 10_000;
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  const reconnectDelay = options.reconnectDelay ?? { initialMs: 100, maxMs: 5_000 };
  const closeTimeoutMs = options.closeTimeoutMs ?? 5_000;
  if (!Number.isInteger(maxDeliveries) || maxDeliveries < 1)
    throw new Error(`maxDeliveries must be a positive integer; received ${maxDeliveries}`);
  const where = redactUrl(url);
  const connectionName = `${service}@${hostname()}#${process.pid}-${randomBytes(3).toString('hex')}`;

  const workSubscriptions = new Set<WorkSubscription>();
  const broadcastSubscriptions = new Set<BroadcastSubscription>();
  const syncs = new Set<Promise<void>>();
  let current: Session | null = null;
  let closed = false;
  let reconnectTimer: NodeJS.Timeout | null = null;
  let reconnecting = false;
  let attempt = 0;
  let connectedWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];

  const workQueueArguments = {
    'x-queue-type': 'quorum',
    // The broker dead-letters a message once it has been returned more often than this.
    'x-delivery-limit': maxDeliveries - 1,
    'x-dead-letter-exchange': deadLetter,
  };

  const fault = (session: Session, reason: unknown) => {
    if (!session.alive) return;
    session.alive = false;
    if (current === session) current = null;
    if (!closed) log.warn(`RabbitMQ connection ${connectionName} lost (${reasonOf(reason)}); reconnecting`);
    if (session.broadcast) session.broadcast.open = false;
    for (const subscription of workSubscriptions) {
      if (subscription.consumer?.session === session) {
        subscription.consumer.open = false;
        subscription.consumer = null;
      }
    }
    void closeConnection(session.connection, closeTimeoutMs);
    scheduleReconnect();
  };

  const watch = (session: Session, channel: Channel, what: string, isDetaching: () => boolean = () => false) => {
    channel.on('error', (error: Error) => {
      if (session.alive && !isDetaching()) log.warn(`RabbitMQ ${what} channel failed: ${error.message}`);
    });
    channel.on('close', () => {
      if (!isDetaching()) fault(session, new Error(`the ${what} channel closed`));
    });
  };

  const scheduleReconnect = () => {
    if (closed || reconnectTimer || reconnecting) return;
    const base = Math.min(reconnectDelay.maxMs, reconnectDelay.initialMs * 2 ** attempt);
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    attempt += 1;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      if (closed) return;
      reconnecting = true;
      connect()
        .then(() => {
          attempt = 0;
        })
        .catch((error: unknown) => {
          if (!closed) log.warn(`RabbitMQ reconnection of ${connectionName} to ${where} failed (${reasonOf(error)}); retrying`);
        })
        .finally(() => {
          reconnecting = false;
          if (!closed && !current) scheduleReconnect();
        });
    }, delay);
  };

  const connect = async (): Promise<void> => {
    const connection = await amqp.connect(url, {
      clientProperties: { connection_name: connectionName },
      timeout: connectTimeoutMs,
      keepAlive: true,
    });
    const session: Session = {
      connection,
      publisher: null as unknown as ConfirmChannel,
      alive: true,
      broadcast: null,
      syncing: Promise.resolve(),
    };
    // 'error' (a socket error, or a close by the server with an error code) comes before 'close' and names the cause.
    connection.on('error', (error: Error) => fault(session, error));
    connection.on('close', (error?: Error) => fault(session, error ?? new Error('the connection closed')));
    connection.on('blocked', (reason: string) => log.warn(`RabbitMQ blocks publishing on ${connectionName}: ${reason}`));
    connection.on('unblocked', () => log.info(`RabbitMQ unblocked publishing on ${connectionName}`));
    try {
      const setUp = async () => {
        const publisher = await connection.createConfirmChannel();
        watch(session, publisher, 'publishing');
        await publisher.assertExchange(exchange, 'topic', { durable: true });
        await publisher.assertExchange(deadLetter, 'topic', { durable: true });
        await publisher.assertQueue(deadLetter, { durable: true });
        await publisher.bindQueue(deadLetter, deadLetter, '#');
        session.publisher = publisher;
      };
      await withTimeout(setUp(), connectTimeoutMs, 'declaring the exchanges');
    } catch (error) {
      session.alive = false;
      await closeConnection(connection, closeTimeoutMs);
      throw error;
    }
    if (closed || !session.alive) {
      session.alive = false;
      await closeConnection(connection, closeTimeoutMs);
      if (closed) return;
      throw new Error('the connection closed while it was being set up');
    }
    current = session;
    log.info(`connected to RabbitMQ at ${where} as ${connectionName}`);
    requestSync(session);
    const waiters = connectedWaiters;
    connectedWaiters = [];
    for (const waiter of waiters) waiter.resolve();
  };

  /** Declares whatever the subscriptions need and this session lacks; runs serialized per session. */
  const requestSync = (session: Session) => {
    const run = session.syncing.then(() => sync(session));
    session.syncing = run.catch(noop);
    syncs.add(run);
    run
      .catch((error: unknown) => {
        if (session.alive) log.error(`RabbitMQ consumers of ${connectionName} could not be set up; reconnecting`, error);
        fault(session, error);
      })
      .finally(() => syncs.delete(run));
  };

  const sync = async (session: Session) => {
    if (!session.alive) return;
    const patterns = new Set<string>();
    for (const subscription of broadcastSubscriptions) {
      for (const pattern of subscription.patterns) patterns.add(pattern);
    }
    if (patterns.size > 0) {
      session.broadcast ??= await openBroadcast(session);
      for (const pattern of patterns) {
        if (session.broadcast.bound.has(pattern)) continue;
        await session.broadcast.channel.bindQueue(session.broadcast.queue, exchange, pattern);
        session.broadcast.bound.add(pattern);
      }
    }
    for (const subscription of workSubscriptions) {
      if (!session.alive) return;
      if (subscription.active && subscription.consumer?.session !== session) await attachWork(session, subscription);
    }
  };

  const openBroadcast = async (session: Session): Promise<BroadcastConsumer> => {
    const channel = await session.connection.createChannel();
    const consumer: BroadcastConsumer = {
      session,
      channel,
      consumerTag: '',
      open: true,
      detaching: false,
      handling: Promise.resolve(),
      queue: '',
      bound: new Set(),
    };
    watch(session, channel, 'broadcast', () => consumer.detaching);
    await channel.prefetch(prefetch);
    // Classic even where the vhost's default queue type is quorum: it lives and dies with this connection.
    const { queue } = await channel.assertQueue('', {
      exclusive: true,
      autoDelete: true,
      durable: false,
      arguments: { 'x-queue-type': 'classic' },
    });
    consumer.queue = queue;
    const { consumerTag } = await channel.consume(queue, (message) => onBroadcastMessage(consumer, message), { noAck: false });
    consumer.consumerTag = consumerTag;
    return consumer;
  };

  const onBroadcastMessage = (consumer: BroadcastConsumer, message: ConsumeMessage | null) => {
    if (message === null) {
      // The broker cancelled the consumer (its queue was deleted): start over.
      if (!consumer.detaching) fault(consumer.session, new Error('the broker cancelled the broadcast consumer'));
      return;
    }
    consumer.handling = consumer.handling.then(async () => {
      if (!consumer.open || closed) return;
      const event = decode(message);
      if (event) {
        for (const subscription of broadcastSubscriptions) {
          if (subscription.types !== '*' && !subscription.types.has(event.type)) continue;
          try {
            await subscription.handler(event);
          } catch (error) {
            // One failing subscriber must not stop delivery to the others (as on the in-process bus).
            log.error(`handler of ${event.type} ${event.id} failed`, error);
          }
        }
      } else {
        log.error(`dropped a message on the broadcast queue that is not a DomainEvent (messageId ${message.properties.messageId})`);
      }
      settle(consumer, () => consumer.channel.ack(message));
    });
  };

  const attachWork = async (session: Session, subscription: WorkSubscription) => {
    const channel = await session.connection.createChannel();
    const consumer: Consumer = { session, channel, consumerTag: '', open: true, detaching: false, handling: Promise.resolve() };
    watch(session, channel, `work queue ${subscription.queue}`, () => consumer.detaching);
    await channel.prefetch(prefetch);
    await channel.assertQueue(subscription.queue, { durable: true, arguments: workQueueArguments });
    for (const pattern of subscription.patterns) await channel.bindQueue(subscription.queue, exchange, pattern);
    const { consumerTag } = await channel.consume(subscription.queue, (message) => onWorkMessage(subscription, consumer, message), {
      noAck: false,
    });
    consumer.consumerTag = consumerTag;
    subscription.consumer = consumer;
    if (!subscription.active) await detach(subscription);
  };

  const onWorkMessage = (subscription: WorkSubscription, consumer: Consumer, message: ConsumeMessage | null) => {
    if (message === null) {
      if (!consumer.detaching) fault(consumer.session, new Error(`the broker cancelled the consumer of ${subscription.queue}`));
      return;
    }
    consumer.handling = consumer.handling.then(async () => {
      // A message buffered for a channel that is gone, or for a subscription that ended, is redelivered by the broker.
      if (!consumer.open || !subscription.active || closed) return;
      const event = decode(message);
      if (!event) {
        log.error(
          `dead-lettering a message on ${subscription.queue} that is not a DomainEvent (messageId ${message.properties.messageId})`,
        );
        settle(consumer, () => consumer.channel.nack(message, false, false));
        return;
      }
      try {
        await subscription.handler(event);
      } catch (error) {
        const delivery = deliveryCount(message) + 1;
        const next = delivery >= maxDeliveries ? `dead-lettering it to ${deadLetter}` : 'requeued';
        log.error(
          `handler of ${event.type} ${event.id} on ${subscription.queue} failed (delivery ${delivery} of ${maxDeliveries}); ${next}`,
          error,
        );
        settle(consumer, () => consumer.channel.nack(message, false, true));
        return;
      }
      settle(consumer, () => consumer.channel.ack(message));
    });
  };

  /** Stops a work consumer: no new deliveries, running handler finishes, channel closes (unacked messages return to the queue). */
  const detach = async (subscription: WorkSubscription) => {
    const consumer = subscription.consumer;
    if (!consumer) return;
    subscription.consumer = null;
    await stopConsumer(consumer);
  };

  const stopConsumer = async (consumer: Consumer) => {
    consumer.detaching = true;
    if (consumer.open && consumer.consumerTag) await consumer.channel.cancel(consumer.consumerTag).catch(noop);
    await withTimeout(consumer.handling, closeTimeoutMs, 'running handlers').catch(noop);
    consumer.open = false;
    await consumer.channel.close().catch(noop);
  };

  const settle = (consumer: Consumer, action: () => void) => {
    if (!consumer.open) return;
    try {
      action();
    } catch (error) {
      // The channel closed under us; the broker redelivers what was not acked.
      log.warn(`could not settle a message on ${connectionName}: ${reasonOf(error)}`);
    }
  };

  const tracked = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    const run = work.catch((error: unknown) => log.error('RabbitMQ consumer shutdown failed', error));
    tracked.add(run);
    void run.finally(() => tracked.delete(run));
  };

  try {
    await connect();
  } catch (error) {
    closed = true;
    if (reconnectTimer) clearTimeout(reconnectTimer);
    throw new Error(`cannot connect to RabbitMQ at ${where} (service ${service}): ${reasonOf(error)}`, { cause: error });
  }

  const bus: RabbitMqBus = {
    connectionName,
    deadLetterQueue: deadLetter,
    get connected() {
      return current?.alive === true;
    },

    async publish(events) {
      if (closed) throw new Error(`the RabbitMQ bus of ${service} is closed`);
      const session = current;
      if (!session?.alive) {
        throw new Error(
          `not connected to RabbitMQ at ${where}; reconnecting (the events stay in the outbox until a later publish succeeds)`,
        );
      }
      if (events.length === 0) return;
      const { publisher } = session;
      const confirmations: Promise<void>[] = [];
      for (const event of events) {
        let accepted = true;
        const properties: Options.Publish = {
          persistent: true,
          messageId: event.id,
          type: event.type,
          contentType: 'application/json',
          appId: service,
        };
        const occurred = Date.parse(event.occurredAt);
        if (Number.isFinite(occurred)) properties.timestamp = Math.floor(occurred / 1000);
        confirmations.push(
          new Promise<void>((resolve, reject) => {
            accepted = publisher.publish(exchange, event.type, Buffer.from(JSON.stringify(event)), properties, (error: unknown) => {
              if (error) reject(error instanceof Error ? error : new Error(`RabbitMQ did not confirm event ${event.id}: ${String(error)}`));
              else resolve();
            });
          }),
        );
        if (!accepted) await drained(publisher);
      }
      await withTimeout(Promise.all(confirmations), publishTimeoutMs, `RabbitMQ confirmations of ${events.length} events`);
    },

    subscribe(types, handler, subscribeOptions: SubscribeOptions = {}) {
      if (closed) {
        log.warn(`subscribe on the closed RabbitMQ bus of ${service} ignored`);
        return noop;
      }
      const patterns = patternsOf(types);
      if (subscribeOptions.queue !== undefined) {
        if (!/^[A-Za-z0-9_.:-]{1,200}$/.test(subscribeOptions.queue) || subscribeOptions.queue.startsWith('amq.')) {
          throw new Error(
            `a work queue name is 1 to 200 letters, digits, '_', '-', '.' or ':' and not 'amq.*'; received "${subscribeOptions.queue}"`,
          );
        }
        const subscription: WorkSubscription = {
          queue: subscribeOptions.queue,
          patterns,
          handler,
          active: true,
          consumer: null,
        };
        workSubscriptions.add(subscription);
        if (current) requestSync(current);
        return () => {
          if (!subscription.active) return;
          subscription.active = false;
          workSubscriptions.delete(subscription);
          track(detach(subscription));
        };
      }
      const subscription: BroadcastSubscription = { types: types === '*' ? '*' : new Set(types), patterns, handler };
      broadcastSubscriptions.add(subscription);
      if (current) requestSync(current);
      // The queue's bindings stay until the connection ends; events nobody listens to any more are acked and dropped.
      return () => {
        broadcastSubscriptions.delete(subscription);
      };
    },

    async ready() {
      for (;;) {
        if (closed) throw new Error(`the RabbitMQ bus of ${service} is closed`);
        const session = current;
        if (!session) {
          await new Promise<void>((resolve, reject) => connectedWaiters.push({ resolve, reject }));
          continue;
        }
        await Promise.all([...syncs].map((run) => run.catch(noop)));
        if (current === session && session.alive && syncs.size === 0) return;
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      reconnectTimer = null;
      const waiters = connectedWaiters;
      connectedWaiters = [];
      for (const waiter of waiters) waiter.reject(new Error(`the RabbitMQ bus of ${service} is closed`));
      const session = current;
      current = null;
      const stopping: Promise<void>[] = [...tracked];
      for (const subscription of workSubscriptions) {
        subscription.active = false;
        if (subscription.consumer) stopping.push(detach(subscription));
      }
      workSubscriptions.clear();
      broadcastSubscriptions.clear();
      if (session?.broadcast) stopping.push(stopConsumer(session.broadcast));
      await Promise.all(stopping);
      if (session) {
        session.alive = false;
        await closeConnection(session.connection, closeTimeoutMs);
      }
    },
  };
  return bus;
}

/** Topic patterns for a subscription's types: '#' for every type, else each type as it is routed. */
function patternsOf(types: readonly string[] | '*'): string[] {
  if (types === '*') return ['#'];
  for (const type of types) {
    if (!/^[A-Za-z0-9_.-]+$/.test(type))
      throw new Error(`event types are routing keys: letters, digits, '_', '-' and '.' only; received "${type}"`);
  }
  return [...new Set(types)];
}

function decode(message: ConsumeMessage): DomainEvent | null {
  try {
    const value = JSON.parse(message.content.toString('utf8')) as Partial<DomainEvent> | null;
    if (!value || typeof value.id !== 'string' || typeof value.type !== 'string') return null;
    return value as DomainEvent;
  } catch {
    return null;
  }
}

/** How often the queue has handed this message out before (quorum queues count it). */
function deliveryCount(message: ConsumeMessage): number {
  const count = message.properties.headers?.['x-delivery-count'];
  return typeof count === 'number' ? count : message.fields.redelivered ? 1 : 0;
}

function drained(channel: Channel): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      channel.off('drain', done);
      channel.off('close', done);
      resolve();
    };
    channel.on('drain', done);
    channel.on('close', done);
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Closes cleanly when the broker answers; a connection that does not (a dead network) has its socket destroyed. */
async function closeConnection(connection: ChannelModel, timeoutMs: number): Promise<void> {
  try {
    await withTimeout(connection.close(), timeoutMs, 'closing the connection');
  } catch {
    // Already closed, or no answer: amqplib's typings do not show the socket, but the connection holds it.
    (connection.connection as unknown as { stream?: { destroy(): void } }).stream?.destroy();
  }
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable AMQP_URL)';
  }
}

function reasonOf(reason: unknown): string {
  if (reason instanceof Error) return reason.message || reason.name;
  return String(reason);
}
