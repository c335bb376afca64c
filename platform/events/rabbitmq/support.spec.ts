import type { ConsumeMessage } from 'amqplib';
import { busSettings } from './settings.ts';
import { decode, deliveryCount, patternsOf, redactUrl, withTimeout } from './support.ts';

const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
const message = (body: string, headers: Record<string, unknown> = {}, redelivered = false) =>
  ({ content: Buffer.from(body), properties: { headers }, fields: { redelivered } }) as unknown as ConsumeMessage;

describe('the RabbitMQ bus support', () => {
  it('routes every type with # and each named type by itself, refusing what is not a routing key', () => {
    expect(patternsOf('*')).toEqual(['#']);
    expect(patternsOf(['OrderPlaced', 'OrderPlaced', 'stock.changed'])).toEqual(['OrderPlaced', 'stock.changed']);
    expect(() => patternsOf(['Order*'])).toThrow('received "Order*"');
    expect(() => patternsOf(['a b'])).toThrow('routing keys');
  });

  it('decodes a DomainEvent and nothing else', () => {
    expect(decode(message('{"id":"e1","type":"T","data":{}}'))).toMatchObject({ id: 'e1', type: 'T' });
    expect(decode(message('{"id":1,"type":"T"}'))).toBeNull();
    expect(decode(message('null'))).toBeNull();
    expect(decode(message('not json'))).toBeNull();
  });

  it("keeps an event's outbox position, and drops one that no relay could have given", () => {
    expect(decode(message('{"id":"e1","type":"T","data":{},"position":42}'))?.position).toBe(42);
    expect(decode(message('{"id":"e1","type":"T","data":{}}'))).not.toHaveProperty('position');
    for (const forged of ['"42"', '-1', '0', '1.5', '1e300'])
      expect(decode(message(`{"id":"e1","type":"T","data":{},"position":${forged}}`))).not.toHaveProperty('position');
  });

  it("counts earlier deliveries from the quorum queue's header, else from the redelivered flag", () => {
    expect(deliveryCount(message('{}', { 'x-delivery-count': 3 }))).toBe(3);
    expect(deliveryCount(message('{}', {}, true))).toBe(1);
    expect(deliveryCount(message('{}'))).toBe(0);
  });

  it('never shows the password of a URL', () => {
    expect(redactUrl('amqp://user:secret@broker:5672/vhost')).toBe('amqp://user:***@broker:5672/vhost');
    expect(redactUrl('not a url')).toBe('(an unparsable AMQP_URL)');
  });

  it('rejects naming what took too long, and passes a result that came in time', async () => {
    await expect(withTimeout(new Promise(() => undefined), 10, 'the thing')).rejects.toThrow('the thing took longer than 10 ms');
    await expect(withTimeout(Promise.resolve(7), 1_000, 'the thing')).resolves.toBe(7);
  });

  it('fills in the defaults and refuses a delivery limit that is not a positive integer', () => {
    const settings = busSettings({ url: 'amqp://u:p@h', service: 'stock', log });
    expect(settings).toMatchObject({ exchange: 'commerce.events', deadLetter: 'commerce.events.dead', prefetch: 20, maxDeliveries: 5 });
    expect(settings.where).toBe('amqp://u:***@h');
    expect(settings.connectionName).toMatch(/^stock@.+#\d+-[0-9a-f]{6}$/);
    expect(() => busSettings({ url: 'amqp://h', service: 's', log, maxDeliveries: 0 })).toThrow('maxDeliveries must be a positive integer');
  });

  it("keeps the default exchange's queue names and prefixes another deployment's with its exchange", () => {
    expect(busSettings({ url: 'amqp://h', service: 'stock', log }).queueName('stock.order-placed')).toBe('stock.order-placed');
    const staging = busSettings({ url: 'amqp://h', service: 'stock', log, exchange: 'staging.events' });
    expect(staging.queueName('stock.order-placed')).toBe('staging.events:stock.order-placed');
    expect(staging.deadLetter).toBe('staging.events.dead');
  });
});
