import type { CommonConfig } from './common.ts';
import { declareSettings, text, url, wholeNumber } from './env.ts';

/**
 * How a process reaches the event bus. Read by every subgraph (they publish
 * and consume) and by the router (its entity cache drops what the events
 * name), so a router running as its own process hears the same bus.
 */

const amqpUrl = url('AMQP_URL', {
  protocols: ['amqp:', 'amqps:'],
  defaultText: 'unset (in-process bus)',
  description:
    'e.g. `amqp://guest:guest@127.0.0.1:5672`: events travel through RabbitMQ (a durable topic exchange, `AMQP_EXCHANGE`, ' +
    'publisher confirms, manual acks, quorum work queues per consuming service, a dead-letter queue after 5 failed deliveries), ' +
    'so they reach every process of every subgraph and every router. Unset, the in-process bus serves the one process of `npm start`.',
});
const amqpExchange = text('AMQP_EXCHANGE', {
  default: 'commerce.events',
  pattern: /^(?!amq\.)[A-Za-z0-9_.:-]{1,100}$/,
  rule: "must be 1 to 100 letters, digits, '_', '-', '.' or ':' and not start with 'amq.'",
  accepts: '1 to 100 letters, digits, `_`, `-`, `.`, `:`',
  description:
    'The topic exchange events are published to (its dead letters go to `<exchange>.dead`). Another name keeps two deployments ' +
    "on one broker apart: their work queues are then named `<exchange>:<queue>`, so neither consumes the other's events.",
});
const amqpQueueExpirySeconds = wholeNumber('AMQP_QUEUE_EXPIRY_SECONDS', {
  default: 0,
  min: 0,
  max: 2_592_000,
  unit: 'seconds',
  description:
    'For short-lived deployments (test systems, previews): the broker deletes a work queue or dead-letter queue that has had no ' +
    'consumer for this long. `0`: queues are kept, as production needs (events wait for a consumer that is down).',
});

export type EventBusConfig = {
  /** AMQP_URL: RabbitMQ carries events between processes; unset, the in-process bus does (one process). */
  amqpUrl: string | undefined;
  /** AMQP_EXCHANGE: the topic exchange; a name other than the default also prefixes the work queues. */
  amqpExchange: string;
  /** AMQP_QUEUE_EXPIRY_SECONDS: queues unused this long are deleted by the broker; 0, never. */
  amqpQueueExpirySeconds: number;
};

export const eventBusSettings = declareSettings<CommonConfig, EventBusConfig>({
  readBy: 'every subgraph, the router',
  settings: [amqpUrl, amqpExchange, amqpQueueExpirySeconds],
  build: (read) => ({
    amqpUrl: read(amqpUrl),
    amqpExchange: read(amqpExchange),
    amqpQueueExpirySeconds: read(amqpQueueExpirySeconds),
  }),
});

/** The RabbitMQ bus options a process's configuration gives (with its service name and logger added by the caller). */
export function busTopology(config: EventBusConfig): { exchange: string; queueExpiryMs: number } {
  return { exchange: config.amqpExchange, queueExpiryMs: config.amqpQueueExpirySeconds * 1000 };
}
