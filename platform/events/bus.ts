import { createLogger, type Logger } from '../observability/log.ts';
import type { DomainEvent } from './event.ts';

/**
 * Where relayed events go and subscribers listen. The embedded mode uses the
 * in-process bus below (one per process, shared by every subgraph in it);
 * RabbitMQ takes its place when AMQP_URL is set (the orders issue).
 */
export type EventHandler = (event: DomainEvent) => void | Promise<void>;

export type SubscribeOptions = {
  /**
   * A work queue shared by every instance of one service, e.g.
   * 'orders.reservation-expired': each event is handled by one instance,
   * retried when the handler fails, set aside after repeated failures.
   * Without it the subscription is a broadcast: every process gets every
   * event (GraphQL subscriptions). The in-process bus ignores it.
   */
  queue?: string;
};

export type EventBus = {
  /** Resolves once the events are safe: every local handler has had them, in order (in-process), or the broker confirmed them (RabbitMQ). */
  publish(events: readonly DomainEvent[]): Promise<void>;
  /** Handles events of the given types (or all, with '*'); returns the unsubscribe function. */
  subscribe(types: readonly string[] | '*', handler: EventHandler, options?: SubscribeOptions): () => void;
  /**
   * Resolves once every subscription made so far receives what is published
   * from then on. RabbitMQ binds a process's queue to a new type a few round
   * trips after `subscribe` returns; the in-process bus needs no wait.
   */
  ready?(): Promise<void>;
  /**
   * Messages waiting at the broker, for /metrics (RabbitMQ only; the
   * in-process bus keeps nothing waiting): those in the dead-letter queue,
   * which consumers gave up on, and those ready in each work queue this
   * process consumes (how far its consumers are behind).
   */
  waitingMessages?(): Promise<WaitingMessages>;
  close(): Promise<void>;
};

export type WaitingMessages = { deadLettered: number; workQueues: { queue: string; ready: number }[] };

export function createInProcessBus(log?: Logger): EventBus {
  const subscriptions = new Set<{ types: ReadonlySet<string> | '*'; handler: EventHandler }>();
  return {
    async publish(events) {
      for (const event of events) {
        for (const { types, handler } of subscriptions) {
          if (types !== '*' && !types.has(event.type)) continue;
          try {
            await handler(event);
          } catch (error) {
            // One failing consumer must not stop delivery to the others; nor may its failure go unseen.
            (log ?? createLogger('events')).error(`handler of ${event.type} ${event.id} failed`, error);
          }
        }
      }
    },
    subscribe(types, handler) {
      const subscription = { types: types === '*' ? ('*' as const) : new Set(types), handler };
      subscriptions.add(subscription);
      return () => subscriptions.delete(subscription);
    },
    async close() {
      subscriptions.clear();
    },
  };
}
