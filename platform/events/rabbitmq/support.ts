import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { DomainEvent } from '../event.ts';

/** The small pure pieces every part of the RabbitMQ bus uses: names, decoding, timeouts. */

export const DEFAULT_EXCHANGE = 'commerce.events';

/** The dead-letter exchange and queue of an events exchange (both have this name). */
export function deadLetterName(exchange: string): string {
  return `${exchange}.dead`;
}

export const noop = () => undefined;

/**
 * Messages ready in a queue, asked on a channel of its own: the broker closes
 * the channel that asks about a queue that does not exist, and that must not
 * be the publishing channel (whose close ends the session).
 */
export async function readyMessages(connection: ChannelModel, queue: string): Promise<number> {
  const channel = await connection.createChannel();
  channel.on('error', noop);
  try {
    return (await channel.checkQueue(queue)).messageCount;
  } finally {
    await channel.close().catch(noop);
  }
}

/** Topic patterns for a subscription's types: '#' for every type, else each type as it is routed. */
export function patternsOf(types: readonly string[] | '*'): string[] {
  if (types === '*') return ['#'];
  for (const type of types) {
    if (!/^[A-Za-z0-9_.-]+$/.test(type))
      throw new Error(`event types are routing keys: letters, digits, '_', '-' and '.' only; received "${type}"`);
  }
  return [...new Set(types)];
}

/** The event a message carries, with its outbox position when it has one, or null when its body is not a DomainEvent. */
export function decode(message: ConsumeMessage): DomainEvent | null {
  try {
    const value = JSON.parse(message.content.toString('utf8')) as Partial<DomainEvent> | null;
    if (!value || typeof value.id !== 'string' || typeof value.type !== 'string') return null;
    // A position is what a live subscriber resumes from: only a relay's number is one.
    if (value.position !== undefined && !(Number.isSafeInteger(value.position) && value.position > 0)) delete value.position;
    delete value.traceContext;
    const traceContext = traceContextFrom(message.properties.headers);
    if (traceContext) value.traceContext = traceContext;
    return value as DomainEvent;
  } catch {
    return null;
  }
}

/** The W3C trace context a publisher put in the message headers (traced-bus.ts); what is not a short string is ignored. */
function traceContextFrom(headers: Record<string, unknown> | undefined): Record<string, string> | undefined {
  const traceparent = headers?.traceparent;
  if (typeof traceparent !== 'string' || traceparent.length > 100) return undefined;
  const tracestate = headers?.tracestate;
  return typeof tracestate === 'string' && tracestate.length <= 1024 ? { traceparent, tracestate } : { traceparent };
}

/** How often the queue has handed this message out before (quorum queues count it). */
export function deliveryCount(message: ConsumeMessage): number {
  const count = message.properties.headers?.['x-delivery-count'];
  return typeof count === 'number' ? count : message.fields.redelivered ? 1 : 0;
}

/** Resolves once the channel can take writes again (or is gone). */
export function drained(channel: Channel): Promise<void> {
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

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Closes cleanly when the broker answers; a connection that does not (a dead network) has its socket destroyed. */
export async function closeConnection(connection: ChannelModel, timeoutMs: number): Promise<void> {
  try {
    await withTimeout(connection.close(), timeoutMs, 'closing the connection');
  } catch {
    // Already closed, or no answer: amqplib's typings do not show the socket, but the connection holds it.
    (connection.connection as unknown as { stream?: { destroy(): void } }).stream?.destroy();
  }
}

/** The URL for logs and errors: the password never appears. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable AMQP_URL)';
  }
}

export function reasonOf(reason: unknown): string {
  if (reason instanceof Error) return reason.message || reason.name;
  return String(reason);
}
