import type { ConfirmChannel, Options } from 'amqplib';
import type { DomainEvent } from '../event.ts';
import { drained, withTimeout } from './support.ts';

/**
 * Publishes events on a confirm channel: each persistent, routed by its type,
 * identified by its id (consumers deduplicate by it), the whole event as JSON.
 * Resolves once the broker confirmed every one; rejects on a nack, a closed
 * channel or after `timeoutMs`, so the outbox relay keeps its rows and tries
 * again. Honours the channel's back-pressure between messages.
 */
export async function publishConfirmed(
  publisher: ConfirmChannel,
  target: { exchange: string; appId: string; timeoutMs: number },
  events: readonly DomainEvent[],
): Promise<void> {
  const confirmations: Promise<void>[] = [];
  for (const event of events) {
    let accepted = true;
    confirmations.push(
      new Promise<void>((resolve, reject) => {
        // The trace context travels as message headers (W3C names), not in the body.
        const { traceContext: _headers, ...content } = event;
        const body = Buffer.from(JSON.stringify(content));
        accepted = publisher.publish(target.exchange, event.type, body, publishProperties(event, target.appId), (error: unknown) => {
          if (error) reject(error instanceof Error ? error : new Error(`RabbitMQ did not confirm event ${event.id}: ${String(error)}`));
          else resolve();
        });
      }),
    );
    if (!accepted) await drained(publisher);
  }
  await withTimeout(Promise.all(confirmations), target.timeoutMs, `RabbitMQ confirmations of ${events.length} events`);
}

export function publishProperties(event: DomainEvent, appId: string): Options.Publish {
  const properties: Options.Publish = {
    persistent: true,
    messageId: event.id,
    type: event.type,
    contentType: 'application/json',
    appId,
  };
  if (event.traceContext) properties.headers = { ...event.traceContext };
  const occurred = Date.parse(event.occurredAt);
  if (Number.isFinite(occurred)) properties.timestamp = Math.floor(occurred / 1000);
  return properties;
}
