import type { Database } from '../db/database.ts';
import { resyncRequired } from '../graphql/errors.ts';
import type { DomainEvent } from './event.ts';
import { eventsBetween, newestPosition, publishedAtOf } from './outbox-positions.ts';

/**
 * How far back a live subscriber may resume (REPLAY_WINDOW_SECONDS,
 * REPLAY_WINDOW_EVENTS): at most `events` positions behind the newest, and
 * only while the first event it missed was published at most `seconds` ago.
 * Both bound the work one reconnect may cost: one bounded query.
 */
export type ReplayWindow = { seconds: number; events: number };

const RELOAD = 'reload the data and subscribe again without a position';

/**
 * What a subscriber that last saw position `after` missed among `types`, read
 * from the outbox, and the newest position that read covers. Throws
 * RESYNC_REQUIRED when that cannot be answered in full: `after` lies outside
 * the window, or beyond the newest position (a position this outbox never
 * gave: forged, or from another database).
 */
export async function missedEvents(
  db: Database,
  types: readonly string[],
  after: number,
  window: ReplayWindow,
  now: () => number,
): Promise<{ events: DomainEvent[]; upTo: number }> {
  const newest = await newestPosition(db);
  if (after > newest) throw resyncRequired(`position ${after} is past the newest event (${newest}) of this stream; ${RELOAD}`);
  if (after === newest) return { events: [], upTo: newest };
  if (newest - after > window.events) {
    throw resyncRequired(
      `position ${after} is ${newest - after} events behind, more than the replay window of ${window.events} holds; ${RELOAD}`,
    );
  }
  const firstMissedAt = await publishedAtOf(db, after + 1);
  if (firstMissedAt === undefined) throw resyncRequired(`the events after position ${after} are no longer kept; ${RELOAD}`);
  if (firstMissedAt !== null && now() - firstMissedAt.getTime() > window.seconds * 1000) {
    throw resyncRequired(
      `the events after position ${after} were published more than the replay window of ${window.seconds} s ago; ${RELOAD}`,
    );
  }
  return { events: await eventsBetween(db, { after, upTo: newest }, types, window.events), upTo: newest };
}
