import amqp, { type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { amqpUrlForTests, deleteTopology, reportSkippedAmqp, uniqueName } from '../../testing/amqp.ts';
import type { DomainEvent } from '../event.ts';
import { publishConfirmed } from './publisher.ts';
import { decode } from './support.ts';

const amqpUrl = amqpUrlForTests();

const event = (n: number): DomainEvent => ({
  id: `event-${n}`,
  type: 'Counted',
  source: 'test',
  key: String(n),
  occurredAt: '2026-12-04T05:00:00.000Z',
  data: { n },
});

if (amqpUrl) {
  describe('the RabbitMQ publisher', () => {
    const exchange = uniqueName('test.publisher');
    const queue = uniqueName('test.publisher.queue');
    let connection: ChannelModel;
    let channel: ConfirmChannel;
    beforeAll(async () => {
      connection = await amqp.connect(amqpUrl);
      channel = await connection.createConfirmChannel();
      await channel.assertExchange(exchange, 'topic', { durable: false });
      await channel.assertQueue(queue, { durable: false });
      await channel.bindQueue(queue, exchange, 'Counted');
    });
    afterAll(async () => {
      await connection.close().catch(() => undefined);
      await deleteTopology(amqpUrl, { queues: [queue], exchanges: [exchange] });
    });

    it('publishes every event persistent, routed by its type and named by its id, once the broker confirmed them', async () => {
      await publishConfirmed(channel, { exchange, appId: 'stock', timeoutMs: 5_000 }, [event(1), event(2), event(3)]);
      const received = [];
      for (let i = 0; i < 3; i += 1) {
        const message = await channel.get(queue, { noAck: true });
        if (!message) throw new Error(`message ${i + 1} of 3 is not on the queue`);
        received.push(message);
      }
      expect(received.map((message) => JSON.parse(message.content.toString()).id)).toEqual(['event-1', 'event-2', 'event-3']);
      expect(received[0]!.properties).toMatchObject({
        messageId: 'event-1',
        type: 'Counted',
        appId: 'stock',
        contentType: 'application/json',
        deliveryMode: 2,
        timestamp: Date.parse('2026-12-04T05:00:00.000Z') / 1000,
      });
      expect(received[0]!.fields.routingKey).toBe('Counted');
    });

    it('sends the trace context as W3C message headers, not in the body, and the consumer side reads it back from them', async () => {
      const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      await publishConfirmed(channel, { exchange, appId: 'stock', timeoutMs: 5_000 }, [
        { ...event(5), traceContext: { traceparent, tracestate: 'vendor=1' } },
        event(6),
      ]);
      const take = async () => {
        const message = await channel.get(queue, { noAck: true });
        if (!message) throw new Error('the message is not on the queue');
        return message as unknown as ConsumeMessage;
      };
      const traced = await take();
      const untraced = await take();
      expect(traced.properties.headers).toMatchObject({ traceparent, tracestate: 'vendor=1' });
      expect(JSON.parse(traced.content.toString())).not.toHaveProperty('traceContext');
      expect(decode(traced)?.traceContext).toEqual({ traceparent, tracestate: 'vendor=1' });
      expect(decode(untraced)?.traceContext).toBeUndefined();
      // A body claiming a trace context is not believed: only headers carry it.
      const forged = { ...untraced, content: Buffer.from(JSON.stringify({ ...event(7), traceContext: { traceparent } })) };
      expect(decode(forged)?.traceContext).toBeUndefined();
    });

    it('rejects when the broker refuses the publish, so the outbox keeps the rows', async () => {
      const doomed = await connection.createConfirmChannel();
      doomed.on('error', () => undefined);
      const publishing = publishConfirmed(doomed, { exchange: uniqueName('no.such.exchange'), appId: 'stock', timeoutMs: 5_000 }, [
        event(4),
      ]);
      await expect(publishing).rejects.toThrow();
    });
  });
}

describe('the RabbitMQ publisher', () => reportSkippedAmqp());
