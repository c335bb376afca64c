import { AsyncLocalStorage } from 'node:async_hooks';
import type { MySqlConnection as Connection } from '@mikro-orm/mysql';
import type { EntityManager } from './database.ts';
import { type GtidPosition, hasReached, newest, parseGtidPosition } from './gtid-position.ts';

/** Callers whose last write the routing remembers individually; past it, every caller is held to one floor (see below). */
export const MAX_REMEMBERED_WRITERS = 100_000;

/** A replica's connection, and how the routing's checks query it directly (no failover to the primary). */
export type Replica = { connection: Connection; query: (sql: string) => Promise<unknown> };

type ReplicaState = Replica & {
  /** What the last check saw the replica apply; null until a check answered. */
  applied: GtidPosition | null;
  /** Off when the last check or a read failed, or replication is stopped or too far behind; the next good check turns it on. */
  usable: boolean;
};

type RequestReads = {
  caller: string;
  replica: ReplicaState | null;
  /** The primary's position after this request's last write, for the router to carry to other instances. */
  written?: GtidPosition;
};

export type ReplicaOptions = {
  /** Beyond this many seconds behind (Seconds_Behind_Master) a replica is skipped; 0: no bound. */
  maxLagSeconds: number;
  /** How often each replica's position, lag and health are checked. */
  checkIntervalMs: number;
  maxWriters?: number;
};

/**
 * Which connection a read uses. Reads go to a replica only inside a caller's
 * request (`readingFor`) and outside a transaction; everything else (writes,
 * a transaction's reads, background jobs, the outbox relay) uses the primary.
 *
 * Read-your-writes: after a caller's write commits, the routing records the
 * primary's GTID position (@@gtid_binlog_pos) for that caller, and the rest of
 * that request reads from the primary. A later request of theirs reads from a
 * replica only once a check has seen that replica apply that position; until
 * then, from the primary. The memory of writers is bounded: when full it
 * starts over, and the callers it forgets are held to the newest position it
 * recorded (the floor), which covers every write it forgot.
 *
 * That memory is this process's. With several instances of a subgraph, the
 * position of a request's write is also answered to the router
 * (graphql/replication-position.ts), which sends it with the caller's later
 * fetches to any instance: a read waits for the newer of the two.
 *
 * A replica that fails a read is skipped until a check succeeds again, and the
 * read is run on the primary (failover in mysql-prepared.ts), so a replica that
 * stops loses no answer. One whose replication is stopped, or is further
 * behind than `maxLagSeconds`, is skipped the same way.
 */
export class ReadRouting {
  readonly #storage = new AsyncLocalStorage<RequestReads>();
  readonly #replicas: ReplicaState[];
  readonly #primary: Connection;
  readonly #options: ReplicaOptions;
  readonly #writers = new Map<string, GtidPosition>();
  #floor: GtidPosition = new Map();
  #next = 0;
  #timer: NodeJS.Timeout | undefined;
  #checking: Promise<void> | undefined;

  constructor(primary: Connection, replicas: readonly Replica[], options: ReplicaOptions) {
    this.#primary = primary;
    this.#options = options;
    this.#replicas = replicas.map((replica) => ({ ...replica, applied: null, usable: false }));
  }

  start(): void {
    const tick = () => {
      this.#checking = this.check().finally(() => {
        this.#checking = undefined;
        if (this.#timer) this.#timer = setTimeout(tick, this.#options.checkIntervalMs).unref();
      });
    };
    this.#timer = setTimeout(tick, 0).unref();
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#checking;
  }

  /** Checks every replica once: reachable, replicating, within the lag bound, and how far it has applied. */
  async check(): Promise<void> {
    await Promise.all(
      this.#replicas.map(async (replica) => {
        try {
          const [status] = (await replica.query('show slave status')) as Record<string, unknown>[];
          const [row] = (await replica.query('select @@gtid_slave_pos as applied')) as { applied: unknown }[];
          const lag = status?.Seconds_Behind_Master;
          const replicating = status !== undefined && lag !== null && lag !== undefined;
          const bound = this.#options.maxLagSeconds;
          replica.applied = parseGtidPosition(row?.applied);
          replica.usable = bound === 0 || (replicating && Number(lag) <= bound);
        } catch {
          replica.usable = false;
        }
      }),
    );
  }

  /**
   * Runs a caller's request: its reads outside transactions may go to a
   * replica that holds the caller's own writes, those this process remembers
   * and `forwarded`, the position the router remembers from their writes at
   * other instances of this subgraph.
   */
  readingFor<T>(caller: string, work: () => T, forwarded?: GtidPosition): T {
    return this.#storage.run({ caller, replica: this.#choose(caller, forwarded) }, work);
  }

  /** The primary's position after the current request's last write; undefined when it wrote nothing (or the position could not be read). */
  writtenPosition(): GtidPosition | undefined {
    return this.#storage.getStore()?.written;
  }

  /** Runs `work` outside any caller's request (listeners after a commit start background work that must read the primary). */
  outsideRequests<T>(work: () => T): T {
    return this.#storage.exit(work);
  }

  /** The connection a read outside a transaction uses now. */
  readConnection(): Connection {
    return this.#storage.getStore()?.replica?.connection ?? this.#primary;
  }

  /** A read on `connection` failed where the primary answered: skip that replica until a check finds it well. */
  failed(connection: Connection): void {
    for (const replica of this.#replicas) if (replica.connection === connection) replica.usable = false;
    const reads = this.#storage.getStore();
    if (reads?.replica?.connection === connection) reads.replica = null;
  }

  /** The current caller's write committed: the rest of the request, and their later ones until a replica has it, read the primary. */
  async wrote(): Promise<void> {
    const reads = this.#storage.getStore();
    if (!reads) return;
    reads.replica = null;
    let position: GtidPosition;
    try {
      const [row] = (await this.#primary.execute('select @@gtid_binlog_pos as position')) as { position: unknown }[];
      position = parseGtidPosition(row?.position);
      reads.written = position;
    } catch {
      // The write committed; failing its caller now would only hide that. Without its position, the
      // caller reads the primary until the memory starts over (a position no replica reaches); other
      // instances are told nothing, as of a request that wrote nothing.
      position = new Map([[-1, { server: 0, sequence: Number.MAX_SAFE_INTEGER }]]);
    }
    if (this.#writers.size >= (this.#options.maxWriters ?? MAX_REMEMBERED_WRITERS) && !this.#writers.has(reads.caller)) {
      for (const remembered of this.#writers.values()) this.#floor = newest(this.#floor, remembered);
      this.#writers.clear();
    }
    this.#writers.set(reads.caller, position);
  }

  #choose(caller: string, forwarded: GtidPosition | undefined): ReplicaState | null {
    const remembered = this.#writers.get(caller) ?? this.#floor;
    const wanted = forwarded ? newest(remembered, forwarded) : remembered;
    for (let tried = 0; tried < this.#replicas.length; tried += 1) {
      const replica = this.#replicas[this.#next++ % this.#replicas.length]!;
      if (replica.usable && replica.applied && hasReached(replica.applied, wanted)) return replica;
    }
    return null;
  }
}

/** The connection a raw statement needs: a plain (non-locking) SELECT outside a transaction may be read from a replica. */
export function readOnly(em: EntityManager, sql: string): 'read' | 'write' {
  return !em.getTransactionContext() && /^\s*select\b/i.test(sql) && !/\b(for\s+update|lock\s+in\s+share\s+mode)\b/i.test(sql)
    ? 'read'
    : 'write';
}
