import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Database } from '../db/database.ts';
import { formatGtidPosition, type GtidPosition, parseForwardedPosition } from '../db/gtid-position.ts';
import { sendError } from '../http/graphql-over-http.ts';
import { headerValue } from '../http/http-server.ts';

/**
 * Read-your-writes across instances of a subgraph (docs/architecture.md §9,
 * Read replicas). A subgraph answers, in this header, the primary's GTID
 * position after the caller's write in that request; the router keeps the
 * newest per caller and subgraph (router/replication-positions.ts) and sends
 * it, in the same header, with that caller's later fetches to the subgraph,
 * whichever instance gets them. Only the router sets it on a fetch: it never
 * forwards a client's header of that name.
 */
export const REPLICATION_POSITION_HEADER = 'x-commerce-replication-position';

/**
 * Set by the router (to `1`) on a fetch whose answer its entity cache will
 * keep: such a read goes to the primary, never a replica. An event drops a
 * kept answer once the change committed on the primary; a replica that had
 * not applied it yet would hand the old data straight back into the cache,
 * where it would stay until its time to live. Cache misses are few, so the
 * primary carries little for it.
 */
export const READ_PRIMARY_HEADER = 'x-commerce-read-primary';

/** Whether the router asked this request's reads to go to the primary (READ_PRIMARY_HEADER). */
export function readsPrimary(req: IncomingMessage): boolean {
  return headerValue(req, READ_PRIMARY_HEADER) === '1';
}

/** The code of a request refused for a malformed forwarded position. */
export const BAD_REPLICATION_POSITION = 'BAD_REPLICATION_POSITION';

/**
 * The position the router forwarded with a request, read strictly
 * (gtid-position.ts); undefined when there is none. A malformed one is
 * refused here (400 BAD_REPLICATION_POSITION) and null returned: only the
 * router sends it (to a caller the identity header proved) and it never sends
 * a malformed one.
 */
export function forwardedPositionOf(req: IncomingMessage, res: ServerResponse): GtidPosition | undefined | null {
  const text = headerValue(req, REPLICATION_POSITION_HEADER);
  if (text === undefined) return undefined;
  const parsed = parseForwardedPosition(text);
  if (parsed.ok) return parsed.position;
  sendError(res, 400, BAD_REPLICATION_POSITION, `${REPLICATION_POSITION_HEADER} refused: ${parsed.reason}`);
  return null;
}

/** The header naming the position of the request's write (when it wrote, with read replicas); none otherwise. */
export function writtenPositionHeaders(db: Database): Record<string, string> | undefined {
  const written = db.writtenPosition();
  return written && written.size > 0 ? { [REPLICATION_POSITION_HEADER]: formatGtidPosition(written) } : undefined;
}

/** Answers writtenPositionHeaders on Apollo Server's path (the direct path adds them itself: direct-execution.ts). */
export function answerWrittenPosition(db: Database): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          for (const [name, value] of Object.entries(writtenPositionHeaders(db) ?? {})) response.http.headers.set(name, value);
        },
      };
    },
  };
}
