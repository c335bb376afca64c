import {
  amqpUrlForTests,
  closeConnectionFromServer,
  deleteTopology,
  rabbitmqctlAvailable,
  reportSkippedAmqp,
  uniqueName,
} from '../../testing/amqp.ts';
import { eventually } from '../../testing/eventually.ts';
import { RabbitMqSession, type Session } from './session.ts';
import { busSettings } from './settings.ts';

const amqpUrl = amqpUrlForTests();
const log = { info: () => undefined, warn: () => undefined, error: () => undefined };

if (amqpUrl) {
  describe('the RabbitMQ session', () => {
    const exchange = uniqueName('test.session');
    let link: RabbitMqSession | null = null;
    afterEach(async () => {
      const session = link?.stop();
      await session?.connection.close().catch(() => undefined);
    });
    afterAll(() => deleteTopology(amqpUrl, { queues: [`${exchange}.dead`], exchanges: [exchange, `${exchange}.dead`] }));

    const open = async () => {
      const events: string[] = [];
      const settings = busSettings({ url: amqpUrl, service: 'test', exchange, log, reconnectDelay: { initialMs: 20, maxMs: 100 } });
      link = new RabbitMqSession(settings, {
        connected: (session: Session) => events.push(`connected ${session.alive}`),
        lost: (session: Session) => events.push(`lost ${session.alive}`),
      });
      await link.start();
      return { link, events, settings };
    };

    it('connects with its exchanges declared and tells its owner', async () => {
      const { link, events } = await open();
      expect(events).toEqual(['connected true']);
      expect(link.current?.alive).toBe(true);
      await link.current!.publisher.checkExchange(exchange);
      await link.current!.publisher.checkQueue(`${exchange}.dead`);
    });

    (rabbitmqctlAvailable() ? it : it.skip)('reconnects after the broker closes its connection, with a new session', async () => {
      const { link, events, settings } = await open();
      const first = link.current!;
      expect(await closeConnectionFromServer(settings.connectionName)).toBe(1);
      await eventually(() => link.current !== null && link.current !== first, 'a new session is up');
      expect(first.alive).toBe(false);
      expect(events).toEqual(['connected true', 'lost false', 'connected true']);
    });

    it('takes a failed channel for a fault of its session and reconnects', async () => {
      const { link, events } = await open();
      const first = link.current!;
      // Publishing to an exchange that does not exist makes the broker close the channel.
      first.publisher.publish(uniqueName('no.such.exchange'), 'x', Buffer.from('{}'));
      await eventually(() => link.current !== null && link.current !== first, 'a new session is up');
      expect(events).toEqual(['connected true', 'lost false', 'connected true']);
    });

    it('refuses to start against a broker it cannot reach, naming the URL but not the password', async () => {
      const settings = busSettings({ url: 'amqp://user:secret@127.0.0.1:1', service: 'test', log, connectTimeoutMs: 1_000 });
      const unreachable = new RabbitMqSession(settings, { connected: () => undefined, lost: () => undefined });
      const failure = unreachable.start();
      await expect(failure).rejects.toThrow('cannot connect to RabbitMQ at amqp://user:***@127.0.0.1:1');
      await expect(failure).rejects.not.toThrow('secret');
      expect(unreachable.closed).toBe(true);
    });
  });
}

describe('the RabbitMQ session', () => reportSkippedAmqp());
