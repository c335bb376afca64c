import { AsyncLocalStorage } from 'node:async_hooks';
import type { MySqlConnection as Connection } from '@mikro-orm/mysql';
import type { EntityManager } from './database.ts';

/** Callers whose last write the routing remembers individually; past it, every caller is held to one floor (see below). */
export const MAX_REMEMBERED_WRITERS = 100_000;

/** A MariaDB GTID position (`0-1-42,1-2-7`) as domain → sequence number. */
export type GtidPosition = Map<number, number>;

export function parseGtidPosition(text: unknown): GtidPosition {
  const position: GtidPosition = new Map();
  for (const part of String(text ?? '').split(',')) {
    const match = /^\s*(\d+)-\d+-(\d+)\s*$/.exec(part);
    if (match) position.set(Number(match[1]), Number(match[2]));
  }
  return position;
}

/** Whether `reached` holds every transaction of `wanted` (a GTID position is per replication domain). */
export function hasReached(reached: GtidPosition, wanted: GtidPosition): boolean {
  for (const [domain, sequence] of wanted) if ((reached.get(domain) ?? -1) < sequence) return false;
  return true;
}

/** A replica's connection, and how the routing's checks query it directly (no failover to the primary). */
export type Replica = { connection: Connection; query: (sql: string) => Promise<unknown> };

type ReplicaState = Replica & {
  /** What the last check saw the replica apply; null until a check answered. */
  applied: GtidPosition | null;
  /** Off when the last check or a read failed, or replication is stopped or too far behind; the next good check turns it on. */
  usable: boolean;
};

type RequestReads = { caller: string; replica: ReplicaState | null };

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

  /** Runs a caller's request: its reads outside transactions may go to a replica that holds the caller's own writes. */
  readingFor<T>(caller: string, work: () => T): T {
    return this.#storage.run({ caller, replica: this.#choose(caller) }, work);
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
    } catch {
      // The write committed; failing its caller now would only hide that. Without its position, the
      // caller reads the primary until the memory starts over (a position no replica reaches).
      position = new Map([[-1, Number.MAX_SAFE_INTEGER]]);
    }
    if (this.#writers.size >= (this.#options.maxWriters ?? MAX_REMEMBERED_WRITERS) && !this.#writers.has(reads.caller)) {
      for (const remembered of this.#writers.values()) this.#floor = newest(this.#floor, remembered);
      this.#writers.clear();
    }
    this.#writers.set(reads.caller, position);
  }

  #choose(caller: string): ReplicaState | null {
    const wanted = this.#writers.get(caller) ?? this.#floor;
    for (let tried = 0; tried < this.#replicas.length; tried += 1) {
      const replica = this.#replicas[this.#next++ % this.#replicas.length]!;
      if (replica.usable && replica.applied && hasReached(replica.applied, wanted)) return replica;
    }
    return null;
  }
}

function newest(a: GtidPosition, b: GtidPosition): GtidPosition {
  const result = new Map(a);
  for (const [domain, sequence] of b) result.set(domain, Math.max(result.get(domain) ?? -1, sequence));
  return result;
}

/** The connection a raw statement needs: a plain (non-locking) SELECT outside a transaction may be read from a replica. */
export function readOnly(em: EntityManager, sql: string): 'read' | 'write' {
  return !em.getTransactionContext() && /^\s*select\b/i.test(sql) && !/\b(for\s+update|lock\s+in\s+share\s+mode)\b/i.test(sql)
    ? 'read'
    : 'write';
}
