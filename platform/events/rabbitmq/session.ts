import type { Channel, ChannelModel, ConfirmChannel } from 'amqplib';
import amqp from 'amqplib';
import type { BroadcastConsumer } from './consumer.ts';
import type { BusSettings } from './settings.ts';
import { closeConnection, reasonOf, withTimeout } from './support.ts';

/**
 * One live connection to the broker and what hangs off it. A session is never
 * revived: when it fails, a new one replaces it and consumers attach again.
 */
export type Session = {
  connection: ChannelModel;
  /** The confirm channel every publish goes through; it also declares the exchanges. */
  publisher: ConfirmChannel;
  alive: boolean;
  broadcast: BroadcastConsumer | null;
  /** Consumers are declared one after another; this is the tail of that chain. */
  syncing: Promise<void>;
};

export type SessionHooks = {
  /** A new session is up, with its exchanges declared: attach the consumers. */
  connected(session: Session): void;
  /** A session failed: its consumers are gone with it. */
  lost(session: Session): void;
};

/**
 * The connection and its lifecycle: connect, declare the exchanges, notice a
 * failure of the connection or of any channel on it, and reconnect with
 * jittered exponential backoff until closed. When the broker restarts or the
 * network drops, unacked work messages return to their queues, so losing a
 * session loses nothing that was not yet handled.
 */
export class RabbitMqSession {
  /** The live session, or null while (re)connecting. */
  current: Session | null = null;
  closed = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnecting = false;
  private attempt = 0;
  private connectedWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];

  private readonly settings: BusSettings;
  private readonly hooks: SessionHooks;

  constructor(settings: BusSettings, hooks: SessionHooks) {
    this.settings = settings;
    this.hooks = hooks;
  }

  /** The first connection; a failure here is the caller's to report (nothing retries it). */
  async start(): Promise<void> {
    try {
      await this.connect();
    } catch (error) {
      this.closed = true;
      if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
      const { where, service } = this.settings;
      throw new Error(`cannot connect to RabbitMQ at ${where} (service ${service}): ${reasonOf(error)}`, { cause: error });
    }
  }

  /** Resolves at the next successful connection; rejects when the bus closes first. */
  nextConnection(): Promise<void> {
    return new Promise<void>((resolve, reject) => this.connectedWaiters.push({ resolve, reject }));
  }

  /** Ends the session for good: no reconnecting, waiters rejected; returns the session that was live, to close. */
  stop(): Session | null {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const waiters = this.connectedWaiters;
    this.connectedWaiters = [];
    for (const waiter of waiters) waiter.reject(new Error(`the RabbitMQ bus of ${this.settings.service} is closed`));
    const session = this.current;
    this.current = null;
    return session;
  }

  /** Takes a session out of service (once) and starts reconnecting. */
  fault(session: Session, reason: unknown): void {
    if (!session.alive) return;
    session.alive = false;
    if (this.current === session) this.current = null;
    if (!this.closed)
      this.settings.log.warn(`RabbitMQ connection ${this.settings.connectionName} lost (${reasonOf(reason)}); reconnecting`);
    this.hooks.lost(session);
    void closeConnection(session.connection, this.settings.closeTimeoutMs);
    this.scheduleReconnect();
  }

  /** A channel's close is a fault of its session unless we are closing it ourselves. */
  watch(session: Session, channel: Channel, what: string, isDetaching: () => boolean = () => false): void {
    channel.on('error', (error: Error) => {
      if (session.alive && !isDetaching()) this.settings.log.warn(`RabbitMQ ${what} channel failed: ${error.message}`);
    });
    channel.on('close', () => {
      if (!isDetaching()) this.fault(session, new Error(`the ${what} channel closed`));
    });
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer || this.reconnecting) return;
    const { reconnectDelay, log, connectionName, where } = this.settings;
    const base = Math.min(reconnectDelay.maxMs, reconnectDelay.initialMs * 2 ** this.attempt);
    // Jitter, so many processes that lost one broker do not all come back in the same instant.
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.closed) return;
      this.reconnecting = true;
      this.connect()
        .then(() => {
          this.attempt = 0;
        })
        .catch((error: unknown) => {
          if (!this.closed) log.warn(`RabbitMQ reconnection of ${connectionName} to ${where} failed (${reasonOf(error)}); retrying`);
        })
        .finally(() => {
          this.reconnecting = false;
          if (!this.closed && !this.current) this.scheduleReconnect();
        });
    }, delay);
  }

  private async connect(): Promise<void> {
    const { url, connectionName, connectTimeoutMs, closeTimeoutMs, log, where } = this.settings;
    const connection = await amqp.connect(url, {
      clientProperties: { connection_name: connectionName },
      timeout: connectTimeoutMs,
      keepAlive: true,
    });
    const session: Session = {
      connection,
      publisher: null as unknown as ConfirmChannel,
      alive: true,
      broadcast: null,
      syncing: Promise.resolve(),
    };
    // 'error' (a socket error, or a close by the server with an error code) comes before 'close' and names the cause.
    connection.on('error', (error: Error) => this.fault(session, error));
    connection.on('close', (error?: Error) => this.fault(session, error ?? new Error('the connection closed')));
    connection.on('blocked', (reason: string) => log.warn(`RabbitMQ blocks publishing on ${connectionName}: ${reason}`));
    connection.on('unblocked', () => log.info(`RabbitMQ unblocked publishing on ${connectionName}`));
    try {
      await withTimeout(this.declareExchanges(session), connectTimeoutMs, 'declaring the exchanges');
    } catch (error) {
      session.alive = false;
      await closeConnection(connection, closeTimeoutMs);
      throw error;
    }
    if (this.closed || !session.alive) {
      session.alive = false;
      await closeConnection(connection, closeTimeoutMs);
      if (this.closed) return;
      throw new Error('the connection closed while it was being set up');
    }
    this.current = session;
    log.info(`connected to RabbitMQ at ${where} as ${connectionName}`);
    this.hooks.connected(session);
    const waiters = this.connectedWaiters;
    this.connectedWaiters = [];
    for (const waiter of waiters) waiter.resolve();
  }

  /** The events exchange, and the dead-letter exchange with its queue bound to everything. */
  private async declareExchanges(session: Session): Promise<void> {
    const { exchange, deadLetter } = this.settings;
    const publisher = await session.connection.createConfirmChannel();
    this.watch(session, publisher, 'publishing');
    await publisher.assertExchange(exchange, 'topic', { durable: true });
    await publisher.assertExchange(deadLetter, 'topic', { durable: true });
    const expiry = this.settings.queueExpiryMs;
    await publisher.assertQueue(deadLetter, { durable: true, ...(expiry > 0 ? { arguments: { 'x-expires': expiry } } : {}) });
    await publisher.bindQueue(deadLetter, deadLetter, '#');
    session.publisher = publisher;
  }
}
