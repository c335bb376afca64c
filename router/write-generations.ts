import type { ApolloServerPlugin } from '@apollo/server';
import type { Identity } from '../platform/auth/identity.ts';
import type { RouterContext } from './context.ts';
import { identityKey } from './identity-signing.ts';

/** Callers whose last write the router remembers individually; past it, every caller starts from one floor (see below). */
export const MAX_REMEMBERED_WRITERS = 100_000;

/**
 * Read-your-writes under merging. Every merge key (identical requests,
 * operations and subgraph fetches) holds the caller's write generation as it
 * was when the read arrived, and a caller's generation moves on each time a
 * mutation of theirs is answered. So a read a caller sends after their own
 * write has completed never joins a read that began before it: the two keys
 * differ, and the later read runs on its own, after the write.
 *
 * Generations come from one counter that only grows, so a caller's new one is
 * larger than any generation a read of theirs started with. The memory is
 * bounded: when it holds MAX_REMEMBERED_WRITERS callers it starts over, and
 * callers it no longer knows get the counter's value at that moment (the
 * floor), which is at least the generation of any write it forgot. A
 * forgotten caller's reads merge less for a moment; none ever sees an answer
 * older than their own write.
 */
export type WriteGenerations = {
  /** The caller's generation now: part of the merge key of a read that arrives now. */
  of(identity: Identity): number;
  /** A mutation of the caller's was answered: their later reads must not join earlier ones. */
  wrote(identity: Identity): void;
};

export function writeGenerations(maxWriters = MAX_REMEMBERED_WRITERS): WriteGenerations {
  const generations = new Map<string, number>();
  let latest = 0;
  let floor = 0;
  return {
    of: (identity) => generations.get(identityKey(identity)) ?? floor,
    wrote(identity) {
      const key = identityKey(identity);
      if (generations.size >= maxWriters && !generations.has(key)) {
        floor = latest;
        generations.clear();
      }
      latest += 1;
      generations.set(key, latest);
    },
  };
}

/** Moves the caller's generation on when a mutation of theirs is answered (before the answer leaves, so the caller's next read sees it). */
export function writeGenerationsPlugin(writes: WriteGenerations): ApolloServerPlugin<RouterContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, contextValue }) {
          if (operation?.operation === 'mutation') writes.wrote(contextValue.identity);
        },
      };
    },
  };
}
