import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { createServer, type Server, Socket } from 'node:net';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import amqp from 'amqplib';

/**
 * RabbitMQ in tests (docs/architecture.md §7): the suites run when AMQP_URL is set and
 * fail when they cannot reach the broker; without it they are reported as
 * skipped with the reason, never silently passed.
 */
export function amqpUrlForTests(): string | undefined {
  const url = process.env.AMQP_URL?.trim();
  return url ? url : undefined;
}

/** Registers a skipped test that says why the RabbitMQ suite did not run. */
export function reportSkippedAmqp(): void {
  if (!amqpUrlForTests()) it.skip('on RabbitMQ: not run, because AMQP_URL is not set', () => undefined);
}

/** A name no other test run uses: exchanges and queues of one run never meet another's. */
export function uniqueName(prefix: string): string {
  return `${prefix}.${randomBytes(5).toString('hex')}`;
}

/** Deletes queues and exchanges a test declared (missing ones are fine). */
export async function deleteTopology(url: string, topology: { queues?: readonly string[]; exchanges?: readonly string[] }): Promise<void> {
  const connection = await amqp.connect(url);
  try {
    for (const queue of topology.queues ?? []) {
      const channel = await connection.createChannel();
      await channel.deleteQueue(queue).catch(() => undefined);
      await channel.close().catch(() => undefined);
    }
    for (const exchange of topology.exchanges ?? []) {
      const channel = await connection.createChannel();
      await channel.deleteExchange(exchange).catch(() => undefined);
      await channel.close().catch(() => undefined);
    }
  } finally {
    await connection.close();
  }
}

/** Takes every message waiting in a queue (tests read the dead-letter queue with it). */
export async function drainQueue(url: string, queue: string): Promise<{ body: string; headers: Record<string, unknown> }[]> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    const messages: { body: string; headers: Record<string, unknown> }[] = [];
    for (;;) {
      const message = await channel.get(queue, { noAck: true });
      if (message === false) return messages;
      messages.push({ body: message.content.toString('utf8'), headers: (message.properties.headers ?? {}) as Record<string, unknown> });
    }
  } finally {
    await connection.close();
  }
}

/**
 * A TCP proxy between a client and the broker, to cut the network under a
 * client: `drop()` kills every connection through it (a network error on
 * both sides; the broker requeues what was unacked), `refuse()` also closes
 * the door to new ones until `accept()`.
 */
export type TcpProxy = {
  /** The broker URL with the proxy's host and port in it. */
  readonly url: string;
  drop(): void;
  refuse(): void;
  accept(): void;
  close(): Promise<void>;
};

export async function startTcpProxy(targetUrl: string): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const targetHost = target.hostname.replace(/^\[|\]$/g, '');
  const targetPort = Number(target.port || (target.protocol === 'amqps:' ? 5671 : 5672));
  const pairs = new Set<[Socket, Socket]>();
  let refusing = false;
  const server: Server = createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = new Socket();
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
    upstream.connect(targetPort, targetHost, () => {
      client.pipe(upstream);
      upstream.pipe(client);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the proxy has no TCP address');
  const proxied = new URL(targetUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(address.port);
  const drop = () => {
    for (const [client, upstream] of pairs) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
  };
  return {
    url: proxied.toString(),
    drop,
    refuse() {
      refusing = true;
      drop();
    },
    accept() {
      refusing = false;
    },
    async close() {
      drop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const run = promisify(execFile);

/** Whether `rabbitmqctl` is on this machine (CI runs the broker on the same machine). */
export function rabbitmqctlAvailable(): boolean {
  for (const dir of (process.env.PATH ?? '').split(delimiter).concat(['/usr/sbin', '/usr/local/sbin'])) {
    try {
      accessSync(join(dir, 'rabbitmqctl'), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/**
 * Makes the broker close the connections whose client-provided name is
 * `connectionName` (`connection.close` from the server, as on a broker
 * shutdown or an operator's force-close); resolves with how many it closed.
 */
export async function closeConnectionFromServer(connectionName: string, reason = 'test'): Promise<number> {
  const env = { ...process.env, PATH: `${process.env.PATH ?? ''}${delimiter}/usr/sbin${delimiter}/usr/local/sbin` };
  const { stdout } = await run('rabbitmqctl', ['list_connections', '--quiet', '--no-table-headers', 'pid', 'client_properties'], { env });
  const pids = stdout
    .split('\n')
    .filter((line) => line.includes(`"${connectionName}"`))
    .map((line) => line.split('\t')[0]?.trim())
    .filter((pid): pid is string => Boolean(pid));
  for (const pid of pids) await run('rabbitmqctl', ['close_connection', '--quiet', pid, reason], { env });
  return pids.length;
}

/** `promise`, or a rejection naming `what` after `timeoutMs`. */
export async function within<T>(promise: Promise<T>, what: string, timeoutMs = 5_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
