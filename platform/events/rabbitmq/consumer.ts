import type { Channel } from 'amqplib';
import type { Logger } from '../../observability/log.ts';
import type { Session } from './session.ts';
import { noop, reasonOf, withTimeout } from './support.ts';

/** A consuming channel, of either kind (work queue or broadcast). */
export type Consumer = {
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

export type BroadcastConsumer = Consumer & { queue: string; bound: Set<string> };

export function newConsumer(session: Session, channel: Channel): Consumer {
  return { session, channel, consumerTag: '', open: true, detaching: false, handling: Promise.resolve() };
}

/** Stops a consumer: no new deliveries, the running handler finishes, the channel closes (unacked messages return to the queue). */
export async function stopConsumer(consumer: Consumer, closeTimeoutMs: number): Promise<void> {
  consumer.detaching = true;
  if (consumer.open && consumer.consumerTag) await consumer.channel.cancel(consumer.consumerTag).catch(noop);
  await withTimeout(consumer.handling, closeTimeoutMs, 'running handlers').catch(noop);
  consumer.open = false;
  await consumer.channel.close().catch(noop);
}

/** Acks or nacks on a channel that may have closed meanwhile; then the broker redelivers what was not acked. */
export function settle(consumer: Consumer, action: () => void, log: Logger, connectionName: string): void {
  if (!consumer.open) return;
  try {
    action();
  } catch (error) {
    log.warn(`could not settle a message on ${connectionName}: ${reasonOf(error)}`);
  }
}
