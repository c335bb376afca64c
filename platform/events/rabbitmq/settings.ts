import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../../observability/log.ts';
import { DEFAULT_EXCHANGE, deadLetterName, redactUrl } from './support.ts';

export type RabbitMqBusOptions = {
  url: string;
  /** The service this process runs; names the connection in the broker's management views. */
  service: string;
  exchange?: string;
  /** The broker deletes a work or dead-letter queue unused this long (0 or unset: never; for test systems and previews). */
  queueExpiryMs?: number;
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

/** The options with every default filled in, and the names derived from them, shared by the bus's parts. */
export type BusSettings = Required<Omit<RabbitMqBusOptions, 'exchange'>> & {
  exchange: string;
  /** The name a work queue is declared under: the deployment's own when the exchange is not the default. */
  queueName(queue: string): string;
  deadLetter: string;
  /** The connection's name in the broker, unique per bus. */
  connectionName: string;
  /** The URL as logs show it (no password). */
  where: string;
};

export function busSettings(options: RabbitMqBusOptions): BusSettings {
  const exchange = options.exchange ?? DEFAULT_EXCHANGE;
  const maxDeliveries = options.maxDeliveries ?? 5;
  if (!Number.isInteger(maxDeliveries) || maxDeliveries < 1)
    throw new Error(`maxDeliveries must be a positive integer; received ${maxDeliveries}`);
  return {
    url: options.url,
    service: options.service,
    log: options.log,
    exchange,
    // Two deployments on one broker with their own exchanges must not share (and steal from) a work queue.
    queueName: (queue) => (exchange === DEFAULT_EXCHANGE ? queue : `${exchange}:${queue}`),
    queueExpiryMs: options.queueExpiryMs ?? 0,
    deadLetter: deadLetterName(exchange),
    prefetch: options.prefetch ?? 20,
    maxDeliveries,
    publishTimeoutMs: options.publishTimeoutMs ?? 10_000,
    connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
    reconnectDelay: options.reconnectDelay ?? { initialMs: 100, maxMs: 5_000 },
    closeTimeoutMs: options.closeTimeoutMs ?? 5_000,
    connectionName: `${options.service}@${hostname()}#${process.pid}-${randomBytes(3).toString('hex')}`,
    where: redactUrl(options.url),
  };
}
