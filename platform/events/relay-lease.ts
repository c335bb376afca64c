import { randomUUID } from 'node:crypto';
import { Migration } from '@mikro-orm/migrations';
import type { Database } from '../db/database.ts';

/**
 * Which relay publishes a database's outbox. Every instance of a subgraph
 * runs a relay, but if two published at once they would send the same rows
 * twice and, worse, out of order (one relay's batch overtaking another's),
 * and live subscribers would see a level go back. So the relays of one
 * database take turns through a lease: the holder renews it on every run;
 * another relay takes over only once it has lapsed (the holder stopped or
 * died). A relay that does not hold the lease leaves its commits to the
 * holder, whose timer publishes them within one interval.
 */
export const LEASE_MS = 10_000;
/** How often a relay without the lease asks whether it has lapsed. */
export const RETRY_MS = 1000;

export class KitRelayLeaseMigration extends Migration {
  override name = '0000-kit-relay-lease';

  override up(): void {
    this.addSql(`create table outbox_relay_lease (
      name varchar(40) not null primary key,
      holder varchar(36) not null,
      expires_at bigint not null)`);
  }
}

export function relayLease(db: Database, now: () => number = Date.now) {
  const holder = randomUUID();
  let created = false;
  /** Until when this relay may go on without asking: half the lease, which leaves room for clocks that disagree. */
  let trustedUntil = 0;
  /**
   * Until when a relay that lost the lease does not ask again. Asking is itself
   * a commit, and every commit runs the relay: without a pause a relay
   * without the lease would ask in a loop.
   */
  let quietUntil = 0;
  return {
    holder,
    /** Takes or renews the lease; resolves whether this relay holds it now. */
    async acquire(): Promise<boolean> {
      // Renewing on every run would add a write to every commit; half a lease is plenty of margin.
      if (now() < trustedUntil) return true;
      if (now() < quietUntil) return false;
      return db.transaction(db.fork(), async (tx) => {
        if (!created) {
          await db.run(tx, `${db.insertIgnore} outbox_relay_lease (name, holder, expires_at) values ('outbox', '', 0)`);
          created = true;
        }
        const at = now();
        const taken = await db.run(
          tx,
          "update outbox_relay_lease set holder = ?, expires_at = ? where name = 'outbox' and (holder = ? or expires_at < ?)",
          [holder, at + LEASE_MS, holder, at],
        );
        trustedUntil = taken === 1 ? at + LEASE_MS / 2 : 0;
        quietUntil = taken === 1 ? 0 : at + RETRY_MS;
        return taken === 1;
      });
    },
    /** Lets the next relay take over at once (a clean stop). */
    async release(): Promise<void> {
      trustedUntil = 0;
      quietUntil = 0;
      await db.transaction(db.fork(), (tx) =>
        db.run(tx, "update outbox_relay_lease set expires_at = 0 where name = 'outbox' and holder = ?", [holder]),
      );
    },
  };
}
