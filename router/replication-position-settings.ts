import type { CommonConfig } from '../platform/config/common.ts';
import { declareSettings, wholeNumber } from '../platform/config/env.ts';

/**
 * How long the router remembers a caller's writes for read replicas
 * (router/replication-positions.ts), apart from router/config.ts, which is
 * near its length limit.
 */
export type ReplicationPositionSettings = {
  /** REPLICA_POSITION_TTL_SECONDS: how long a caller's last write position per subgraph is kept and forwarded; 0, not at all. */
  replicaPositionTtlSeconds: number;
};

const ttlSeconds = wholeNumber('REPLICA_POSITION_TTL_SECONDS', {
  default: 60,
  min: 0,
  max: 86_400,
  unit: 'seconds',
  description:
    "How long the router remembers, per caller and subgraph, the primary's GTID position a subgraph answered after the caller's write (in its memory, or in Redis shared by every router when `REDIS_URL` is set), and sends it with the caller's later fetches to that subgraph: whichever instance serves them reads a replica only once the replica holds that write (docs/architecture.md, Read replicas). Keep it a few times the subgraphs' `MYSQL_REPLICA_MAX_LAG_SECONDS`: a replica further behind than this could serve a caller a read older than their own write made at another instance, once the router has forgotten it. `0`: the router neither keeps nor forwards positions (for deployments where no subgraph reads from replicas, which then spare a Redis lookup per request).",
});

export const replicationPositionSettings = declareSettings<CommonConfig, ReplicationPositionSettings>({
  readBy: 'router',
  settings: [ttlSeconds],
  build: (read) => ({ replicaPositionTtlSeconds: read(ttlSeconds) }),
});
