import type { ConsumeMessage } from 'amqplib';
import type { EventHandler } from '../bus.ts';
import { type BroadcastConsumer, newConsumer, settle, stopConsumer } from './consumer.ts';
import type { RabbitMqSession, Session } from './session.ts';
import type { BusSettings } from './settings.ts';
import { decode } from './support.ts';

type BroadcastSubscription = { types: ReadonlySet<string> | '*'; patterns: readonly string[]; handler: EventHandler };

/**
 * Broadcast subscribers (GraphQL subscriptions): one exclusive, auto-delete,
 * server-named queue per bus, so per process, bound to the union of the types
 * subscribed. Each message goes to every matching local handler in order,
 * like the in-process bus; a failing handler is logged and does not keep the
 * event from the others. The queue dies with its connection, so what is
 * published while the connection is down is missed: live updates are for
 * now, and a client re-reads current state when it subscribes again.
 */
export class BroadcastSubscribers {
  private readonly subscriptions = new Set<BroadcastSubscription>();

  private readonly settings: BusSettings;
  private readonly link: RabbitMqSession;

  constructor(settings: BusSettings, link: RabbitMqSession) {
    this.settings = settings;
    this.link = link;
  }

  /** Adds a subscriber; the returned function removes it. */
  add(types: readonly string[] | '*', patterns: readonly string[], handler: EventHandler): () => void {
    const subscription: BroadcastSubscription = { types: types === '*' ? '*' : new Set(types), patterns, handler };
    this.subscriptions.add(subscription);
    // The queue's bindings stay until the connection ends; events nobody listens to any more are acked and dropped.
    return () => {
      this.subscriptions.delete(subscription);
    };
  }

  /** Opens this session's queue if anyone listens, and binds every pattern it lacks. */
  async sync(session: Session): Promise<void> {
    const patterns = new Set<string>();
    for (const subscription of this.subscriptions) {
      for (const pattern of subscription.patterns) patterns.add(pattern);
    }
    if (patterns.size === 0) return;
    session.broadcast ??= await this.open(session);
    for (const pattern of patterns) {
      if (session.broadcast.bound.has(pattern)) continue;
      await session.broadcast.channel.bindQueue(session.broadcast.queue, this.settings.exchange, pattern);
      session.broadcast.bound.add(pattern);
    }
  }

  sessionLost(session: Session): void {
    if (session.broadcast) session.broadcast.open = false;
  }

  /** Removes every subscriber and stops the session's queue consumer. */
  async closeAll(session: Session | null): Promise<void> {
    this.subscriptions.clear();
    if (session?.broadcast) await stopConsumer(session.broadcast, this.settings.closeTimeoutMs);
  }

  private async open(session: Session): Promise<BroadcastConsumer> {
    const channel = await session.connection.createChannel();
    const consumer: BroadcastConsumer = { ...newConsumer(session, channel), queue: '', bound: new Set() };
    this.link.watch(session, channel, 'broadcast', () => consumer.detaching);
    await channel.prefetch(this.settings.prefetch);
    // Classic even where the vhost's default queue type is quorum: it lives and dies with this connection.
    const { queue } = await channel.assertQueue('', {
      exclusive: true,
      autoDelete: true,
      durable: false,
      arguments: { 'x-queue-type': 'classic' },
    });
    consumer.queue = queue;
    const { consumerTag } = await channel.consume(queue, (message) => this.onMessage(consumer, message), { noAck: false });
    consumer.consumerTag = consumerTag;
    return consumer;
  }

  private onMessage(consumer: BroadcastConsumer, message: ConsumeMessage | null): void {
    const { log, connectionName } = this.settings;
    if (message === null) {
      // The broker cancelled the consumer (its queue was deleted): start over.
      if (!consumer.detaching) this.link.fault(consumer.session, new Error('the broker cancelled the broadcast consumer'));
      return;
    }
    consumer.handling = consumer.handling.then(async () => {
      if (!consumer.open || this.link.closed) return;
      const event = decode(message);
      if (event) {
        for (const subscription of this.subscriptions) {
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
      settle(consumer, () => consumer.channel.ack(message), log, connectionName);
    });
  }
}
