import type { Identity } from '../platform/auth/identity.ts';
import type { GtidPosition } from '../platform/db/gtid-position.ts';
import type { AnswerTrace } from './entity-cache/answer-cache.ts';
import type { CacheStatus } from './entity-cache/entity-cache.ts';
import type { HttpCacheTally } from './entity-cache/http-cache.ts';

/** What the router knows about one GraphQL request, from the HTTP layer to every subgraph fetch. */
export type RouterContext = {
  requestId: string;
  /** The caller, established once from the request's credentials (auth/identity.ts). */
  identity: Identity;
  /** The client's address as the router's socket saw it, for subgraphs that limit by source (members' login throttle). */
  clientAddress?: string;
  /**
   * The caller's write generation when the request arrived (write-generations.ts): part of every merge key,
   * so a read never shares an answer that began before the caller's own last completed write.
   */
  writeGeneration?: string;
  /** The positions of the caller's writes by subgraph, looked up on the first fetch and sent with each (replication-positions.ts). */
  replicaPositions?: Promise<ReadonlyMap<string, GtidPosition>>;
  /** The identity header for subgraphs, signed on the first fetch and reused by the others (signed-data-source.ts). */
  signedIdentity?: string;
  /** In development, what this request's entity fetches found in the entity cache (the `cacheStatus` extension). */
  entityCacheStatus?: CacheStatus;
  /** Whether every subgraph fetch of this request could be kept for everyone: decides its Cache-Control (entity-cache/http-cache.ts). */
  httpCacheTally?: HttpCacheTally;
  /** While this query's whole answer may be kept, what its fetches were keyed by in the entity cache (entity-cache/answer-cache.ts). */
  answerTrace?: AnswerTrace;
};
