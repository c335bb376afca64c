import type { ConsumeMessage } from 'amqplib';
import type { EventHandler } from '../bus.ts';
import { type Consumer, newConsumer, settle, stopConsumer } from './consumer.ts';
import type { RabbitMqSession, Session } from './session.ts';
import type { BusSettings } from './settings.ts';
import { decode, deliveryCount } from './support.ts';

type WorkSubscription = {
  queue: string;
  patterns: readonly string[];
  handler: EventHandler;
  active: boolean;
  consumer: Consumer | null;
};

/**
 * Work-queue consumers: a durable quorum queue per name, shared by every
 * instance of one service, so each event is handled once per service. A
 * message is acked after its handler resolves; a failed handler nacks it back
 * onto the queue. The quorum queue counts deliveries, and after
 * `maxDeliveries` the broker dead-letters the message instead of handing it
 * out again, so one poisonous event cannot block a queue forever.
 */
export class WorkQueueConsumers {
  private readonly subscriptions = new Set<WorkSubscription>();
  private readonly stopping = new Set<Promise<void>>();
  private readonly queueArguments: Record<string, unknown>;

  private readonly settings: BusSettings;
  private readonly link: RabbitMqSession;

  constructor(settings: BusSettings, link: RabbitMqSession) {
    this.settings = settings;
    this.link = link;
    this.queueArguments = {
      'x-queue-type': 'quorum',
      // The broker dead-letters a message once it has been returned more often than this.
      'x-delivery-limit': settings.maxDeliveries - 1,
      'x-dead-letter-exchange': settings.deadLetter,
      ...(settings.queueExpiryMs > 0 ? { 'x-expires': settings.queueExpiryMs } : {}),
    };
  }

  /** Adds a subscription; the returned function ends it (its consumer stops in the background). */
  add(queue: string, patterns: readonly string[], handler: EventHandler): () => void {
    if (!/^[A-Za-z0-9_.:-]{1,200}$/.test(queue) || queue.startsWith('amq.')) {
      throw new Error(`a work queue name is 1 to 200 letters, digits, '_', '-', '.' or ':' and not 'amq.*'; received "${queue}"`);
    }
    const subscription: WorkSubscription = { queue: this.settings.queueName(queue), patterns, handler, active: true, consumer: null };
    this.subscriptions.add(subscription);
    return () => {
      if (!subscription.active) return;
      subscription.active = false;
      this.subscriptions.delete(subscription);
      this.track(this.detach(subscription));
    };
  }

  /** The work queues this process consumes. */
  queues(): string[] {
    return [...new Set([...this.subscriptions].map((subscription) => subscription.queue))];
  }

  /** Attaches every active subscription that has no consumer on this session. */
  async sync(session: Session): Promise<void> {
    for (const subscription of this.subscriptions) {
      if (!session.alive) return;
      if (subscription.active && subscription.consumer?.session !== session) await this.attach(session, subscription);
    }
  }

  /** The session's channels are gone: buffered messages are left for the broker to redeliver. */
  sessionLost(session: Session): void {
    for (const subscription of this.subscriptions) {
      if (subscription.consumer?.session === session) {
        subscription.consumer.open = false;
        subscription.consumer = null;
      }
    }
  }

  /** Stops every consumer, letting running handlers finish so their acks go out. */
  async closeAll(): Promise<void> {
    const stopping: Promise<void>[] = [...this.stopping];
    for (const subscription of this.subscriptions) {
      subscription.active = false;
      if (subscription.consumer) stopping.push(this.detach(subscription));
    }
    this.subscriptions.clear();
    await Promise.all(stopping);
  }

  private async attach(session: Session, subscription: WorkSubscription): Promise<void> {
    const { prefetch, exchange } = this.settings;
    const channel = await session.connection.createChannel();
    const consumer = newConsumer(session, channel);
    this.link.watch(session, channel, `work queue ${subscription.queue}`, () => consumer.detaching);
    await channel.prefetch(prefetch);
    await channel.assertQueue(subscription.queue, { durable: true, arguments: this.queueArguments });
    for (const pattern of subscription.patterns) await channel.bindQueue(subscription.queue, exchange, pattern);
    const { consumerTag } = await channel.consume(subscription.queue, (message) => this.onMessage(subscription, consumer, message), {
      noAck: false,
    });
    consumer.consumerTag = consumerTag;
    subscription.consumer = consumer;
    // Ended while it was being attached.
    if (!subscription.active) await this.detach(subscription);
  }

  private onMessage(subscription: WorkSubscription, consumer: Consumer, message: ConsumeMessage | null): void {
    const { log, connectionName, maxDeliveries, deadLetter } = this.settings;
    if (message === null) {
      if (!consumer.detaching) this.link.fault(consumer.session, new Error(`the broker cancelled the consumer of ${subscription.queue}`));
      return;
    }
    const ack = (action: () => void) => settle(consumer, action, log, connectionName);
    consumer.handling = consumer.handling.then(async () => {
      // A message buffered for a channel that is gone, or for a subscription that ended, is redelivered by the broker.
      if (!consumer.open || !subscription.active || this.link.closed) return;
      const event = decode(message);
      if (!event) {
        log.error(
          `dead-lettering a message on ${subscription.queue} that is not a DomainEvent (messageId ${message.properties.messageId})`,
        );
        ack(() => consumer.channel.nack(message, false, false));
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
        ack(() => consumer.channel.nack(message, false, true));
        return;
      }
      ack(() => consumer.channel.ack(message));
    });
  }

  private async detach(subscription: WorkSubscription): Promise<void> {
    const consumer = subscription.consumer;
    if (!consumer) return;
    subscription.consumer = null;
    await stopConsumer(consumer, this.settings.closeTimeoutMs);
  }

  private track(work: Promise<void>): void {
    const run = work.catch((error: unknown) => this.settings.log.error('RabbitMQ consumer shutdown failed', error));
    this.stopping.add(run);
    void run.finally(() => this.stopping.delete(run));
  }
}
