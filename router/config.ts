import type { CommonConfig } from '../platform/config/common.ts';
import { declareSettings, flag, outsideProduction, path, port, setting, url, wholeNumber } from '../platform/config/env.ts';

/**
 * The router's own settings: its metrics listener and supergraph file, where it
 * finds token keys, rate limits, the limits on one operation, one request and
 * open subscriptions, and how it treats subgraphs that fail. Only the router
 * reads and validates these (a subgraph process ignores them).
 */

/** MAX_QUERY_DEPTH, MAX_ALIASES, MAX_QUERY_COST, MAX_PAGE_SIZE, QUERY_COST_LIST_SIZE, PARTNER_QUERY_COST_LIMITS. */
export type OperationLimitSettings = {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  /** The largest `first`/`last` a field may be asked for. */
  maxPageSize: number;
  /** What a list without `first`/`last` counts as in the cost. */
  defaultListSize: number;
  /** Per partner API key id, a cost limit that replaces `maxCost` for that key. */
  partnerCostLimits: Readonly<Record<string, number>>;
};

/** SUBGRAPH_TIMEOUT_MS, SUBGRAPH_RETRIES, SUBGRAPH_BREAKER_FAILURES, SUBGRAPH_BREAKER_RESET_MS. */
export type SubgraphFetchSettings = {
  /** How long a subgraph may answer nothing before a fetch to it is given up (router/fetch-deadline.ts). */
  timeoutMs: number;
  /** The longest a fetch waits while its subgraph keeps answering others. */
  busyTimeoutMs: number;
  /** Fetches in flight to one subgraph at once; more wait their turn (subgraph-admission.ts). 0: no limit. */
  maxInFlight: number;
  /** Further attempts for a query fetch that could not connect; mutations are never retried. */
  retries: number;
  /** Consecutive failed fetches that open a subgraph's circuit (0: no breaker). */
  breakerFailures: number;
  /** How long an open circuit fails fast before one trial fetch is let through. */
  breakerResetMs: number;
};

export type RouterSettings = {
  /** METRICS_PORT: where the router serves /metrics, apart from its public port (9464, Prometheus exporters' usual port; 0 picks a free one). */
  metricsPort: number;
  /** SUPERGRAPH_PATH: the supergraph file the router serves and watches; unset, schema/supergraph.graphql. */
  supergraphPath: string | undefined;
  /** REDIS_URL: rate-limit buckets shared by every router instance; unset, each router counts in memory. */
  redisUrl: string | undefined;
  /** JWKS_URL: where the router fetches the token verification keys; unset, the members subgraph's `/.well-known/jwks.json`. */
  jwksUrl: string | undefined;
  /** PARTNER_RATE_LIMIT_PER_MINUTE / MEMBER_RATE_LIMIT_PER_MINUTE: token buckets per API key and per member (0: no limit). */
  partnerRateLimitPerMinute: number;
  memberRateLimitPerMinute: number;
  /** ANONYMOUS_MUTATIONS_PER_MINUTE: mutations a caller who is not signed in may send per client address (0: no limit). */
  anonymousMutationsPerMinute: number;
  /** TRUSTED_PROXY_HOPS: proxies of ours in front of the router whose X-Forwarded-For entries are believed (router/client-address.ts). */
  trustedProxyHops: number;
  /** API_KEY_CACHE_SECONDS: how long a router trusts its lookup of an API key; a revoked key works at most this long. */
  apiKeyCacheSeconds: number;
  /** The router's limits on one operation (router/limits/operation-limits.ts). */
  operationLimits: OperationLimitSettings;
  /** MAX_BODY_BYTES: the largest request body the router reads (413 PAYLOAD_TOO_LARGE beyond). */
  maxBodyBytes: number;
  /** MAX_BATCH_SIZE: operations in one batched request (a JSON array); 0 turns batching off. */
  maxBatchSize: number;
  /** MAX_REQUESTS_IN_FLIGHT: GraphQL requests the router works on at once; past it 503 OVERLOADED at once (0: no limit). */
  maxRequestsInFlight: number;
  /** SUBSCRIPTIONS_PER_SOCKET / _PER_CALLER / _TOTAL: open subscriptions a router allows (TOO_MANY_SUBSCRIPTIONS beyond). */
  subscriptionLimits: { perSocket: number; perCaller: number; total: number };
  multipartHeartbeatMs: number;
  /** REQUEST_TIMEOUT_MS: how long the router gives one HTTP request, body and execution together. */
  requestTimeoutMs: number;
  /** INTROSPECTION / GRAPHIQL: schema introspection and the GraphiQL page; on by default outside production. */
  introspection: boolean;
  graphiql: boolean;
  /** SUBGRAPH_*: timeouts, retries and circuit breakers of the router's subgraph fetches (router/subgraph-resilience.ts). */
  subgraphFetch: SubgraphFetchSettings;
};

const metricsPort = port('METRICS_PORT', {
  default: 9464,
  description:
    "The router's `/metrics`, on a listener of its own (its public port answers `/metrics` with 404); scrape it from the internal " +
    'network. `0` picks a free port, printed at start (the tests do; `EmbeddedSystem.routerMetricsUrl` names it). Subgraphs serve ' +
    '`/metrics` on their own, internal, ports.',
});
const supergraphPath = path('SUPERGRAPH_PATH', {
  defaultText: '`schema/supergraph.graphql`',
  description:
    'The supergraph file the router serves; it reloads it when the file changes or on `SIGHUP` (see Hot reload of the supergraph).',
});
const redisUrl = url('REDIS_URL', {
  protocols: ['redis:', 'rediss:'],
  defaultText: 'unset (each router counts in memory)',
  description:
    "e.g. `redis://127.0.0.1:6379`: the router keeps its rate-limit buckets in Redis (one Lua script per request, Redis's clock), " +
    'so every router replica draws from the same bucket. If Redis goes away, requests are let through and the router logs it. ' +
    "Persisted queries and the entity cache's answers live there too, shared by every router (see The entity cache), and each signed-in caller's count of answered writes, read once per request of theirs, so a read after one's own write at another router never joins a read begun before it.",
});
const jwksUrl = url('JWKS_URL', {
  protocols: ['http:', 'https:'],
  defaultText: "the members subgraph's `/.well-known/jwks.json`",
  description:
    'Where the router fetches the keys that verify tokens. It caches them for 5 minutes and fetches again (at most every 10 ' +
    'seconds) when a token names a key id it has not seen.',
});
const partnerRate = wholeNumber('PARTNER_RATE_LIMIT_PER_MINUTE', {
  default: 600,
  min: 0,
  max: 1_000_000,
  description:
    'Token bucket per partner API key: a burst of this many requests, then this many a minute. `0` turns it off. Over the limit: ' +
    'HTTP 429, `Retry-After`, GraphQL error `RATE_LIMITED` with `extensions.retryAfterSeconds`.',
});
const memberRate = wholeNumber('MEMBER_RATE_LIMIT_PER_MINUTE', {
  default: 300,
  min: 0,
  max: 1_000_000,
  description:
    'The same per signed-in member. Staff are not limited by the router, nor are anonymous reads (they belong to the edge proxy).',
});
const anonymousMutations = wholeNumber('ANONYMOUS_MUTATIONS_PER_MINUTE', {
  default: 60,
  min: 0,
  max: 1_000_000,
  description:
    "Mutations a caller who is not signed in (registering, a guest's checkout) may send per client address, the only way such a " +
    'caller stores anything; over it: 429 `RATE_LIMITED` with `Retry-After`. `0` turns it off. Behind proxies of ours, set `TRUSTED_PROXY_HOPS`.',
});
const trustedProxyHops = wholeNumber('TRUSTED_PROXY_HOPS', {
  default: 0,
  min: 0,
  max: 10,
  description:
    "How many proxies of ours stand in front of the router. `0`: the client is the socket's peer and `X-Forwarded-For` is ignored " +
    '(anyone can write it); `N`: the client is the address the first of them saw, N entries from the right of `X-Forwarded-For` ' +
    'plus the peer. Used for the per-address limits (anonymous writes, login throttling).',
});
const apiKeyCacheSeconds = wholeNumber('API_KEY_CACHE_SECONDS', {
  default: 5,
  min: 0,
  max: 300,
  description: 'How long a router trusts its lookup of an `x-api-key`; a revoked key stops working at every router within this time.',
});
const depthAndAliases =
  'The router refuses an operation nested deeper than this (400 `QUERY_TOO_DEEP`) or using more aliases (400 `TOO_MANY_ALIASES`), ' +
  'before planning it; subscriptions too.';
const maxDepth = wholeNumber('MAX_QUERY_DEPTH', { default: 12, min: 1, max: 1000, description: depthAndAliases });
const maxAliases = wholeNumber('MAX_ALIASES', {
  default: 30,
  min: 0,
  max: 100_000,
  description: depthAndAliases,
  documentedWith: 'MAX_QUERY_DEPTH',
});
const cost =
  "An operation's cost: each field 1, times the size of every list above it (its `first`/`last`, else `QUERY_COST_LIST_SIZE`; " +
  "a connection's `edges` are its page). Above `MAX_QUERY_COST`: 400 `QUERY_TOO_COSTLY`; a `first`/`last` above `MAX_PAGE_SIZE`: " +
  '400 `PAGE_SIZE_TOO_LARGE`.';
const maxCost = wholeNumber('MAX_QUERY_COST', { default: 50_000, min: 1, max: 1_000_000_000, description: cost });
const defaultListSize = wholeNumber('QUERY_COST_LIST_SIZE', {
  default: 10,
  min: 1,
  max: 10_000,
  description: cost,
  documentedWith: 'MAX_QUERY_COST',
});
const maxPageSize = wholeNumber('MAX_PAGE_SIZE', {
  default: 1000,
  min: 1,
  max: 1_000_000,
  description: cost,
  documentedWith: 'MAX_QUERY_COST',
});
/** `keyId=cost,keyId=cost`: the ids of API keys (as `apiKeys` shows them) with their own cost limit. */
const partnerCostLimits = setting<Record<string, number>>(
  'PARTNER_QUERY_COST_LIMITS',
  '`keyId=cost` pairs separated by commas',
  () => ({}),
  {
    defaultText: 'unset',
    description:
      '`keyId=cost,keyId=cost`: partner API keys (their ids, as `apiKeys` shows them) with a cost limit of their own instead of `MAX_QUERY_COST`.',
  },
  (value, problem) => {
    const limits: Record<string, number> = {};
    for (const entry of value.split(',')) {
      const match = /^\s*([^=\s]+)\s*=\s*(\d{1,10})\s*$/.exec(entry);
      const limit = match ? Number(match[2]) : 0;
      if (!match || limit < 1) {
        problem(
          `PARTNER_QUERY_COST_LIMITS must be keyId=cost pairs separated by commas, each cost a whole number above 0; received "${entry.trim()}"`,
        );
        continue;
      }
      limits[match[1]!] = limit;
    }
    return limits;
  },
);
const maxBodyBytes = wholeNumber('MAX_BODY_BYTES', {
  default: 1024 * 1024,
  min: 1024,
  max: 100 * 1024 * 1024,
  description: 'Largest request body the router reads; beyond it 413 `PAYLOAD_TOO_LARGE`.',
});
const maxBatchSize = wholeNumber('MAX_BATCH_SIZE', {
  default: 20,
  min: 0,
  max: 1000,
  description:
    'Most operations in one batched request (a JSON array); more: 400 `BATCH_TOO_LARGE`. `0` turns batching off. A batch counts ' +
    'as one request for the rate limits.',
});
const maxRequestsInFlight = wholeNumber('MAX_REQUESTS_IN_FLIGHT', {
  default: 1000,
  min: 0,
  max: 1_000_000,
  description:
    'GraphQL requests over HTTP and picture or invoice downloads one router works on at once; past it a request is refused before anything is read, with 503 ' +
    '`OVERLOADED` and `Retry-After: 1`, so an overload sheds the excess instead of slowing every request down. `0`: no limit.',
});
const maxSubgraphFetchesInFlight = wholeNumber('SUBGRAPH_MAX_IN_FLIGHT', {
  default: 64,
  min: 0,
  max: 100_000,
  description:
    'Fetches one router has in flight to one subgraph at once (a fetch merged for many callers counts once); the rest wait their ' +
    'turn in order of arrival, under their own deadlines, so a busy subgraph works through a short queue instead of a long one. ' +
    'Raise it when a subgraph runs as several instances behind one URL. `0`: no limit.',
});
const perSocket = wholeNumber('SUBSCRIPTIONS_PER_SOCKET', {
  default: 100,
  min: 1,
  max: 100_000,
  description: 'Open subscriptions one graphql-ws socket may hold; more: `TOO_MANY_SUBSCRIPTIONS` for that operation.',
});
const perCaller = wholeNumber('SUBSCRIPTIONS_PER_CALLER', {
  default: 500,
  min: 1,
  max: 1_000_000,
  description: 'Open subscriptions one caller may hold across its sockets at one router (an anonymous caller counts by address).',
});
const total = wholeNumber('SUBSCRIPTIONS_TOTAL', {
  default: 20_000,
  min: 1,
  max: 10_000_000,
  description: 'Open subscriptions one router holds in all.',
});
const multipartHeartbeatMs = wholeNumber('MULTIPART_HEARTBEAT_MS', {
  default: 5000,
  min: 500,
  max: 120_000,
  description:
    'How often a multipart subscription stream with no event sends an empty part `{}`, so proxies keep it open (Apollo Router also sends one every 5 s).',
});
const requestTimeoutMs = wholeNumber('REQUEST_TIMEOUT_MS', {
  default: 30_000,
  min: 100,
  max: 600_000,
  description:
    'Deadline of one HTTP request at the router: a body still arriving is answered 408, an answer not ready 504, both `REQUEST_TIMEOUT`.',
});
const introspectionAndGraphiql =
  'Schema introspection, and the GraphiQL page at `/graphiql` (which needs introspection). Cross-site requests are always refused ' +
  '(400 `CSRF_REFUSED`): a POST needs `content-type: application/json`, a GET an `apollo-require-preflight` header. The router ' +
  "passes the GraphQL over HTTP spec's own audit (graphql-http's `auditServer`, in `router/graphql-over-http-audit.spec.ts`) with " +
  'no warning or error: a client accepting only `application/json` gets 200 for a document that does not parse or validate or ' +
  'whose variables do not coerce (errors in the body), one accepting `application/graphql-response+json` keeps the 4xx; the ' +
  "audit's GETs without that header stay notices, since CSRF protection refuses them. Persisted queries (Apollo's APQ, GET and " +
  "POST) are kept in Redis when `REDIS_URL` is set (a day after their last registration), else in the router's memory (an LRU of about 30 MB).";
const onOutsideProduction = '`true` (`false` in production)';
const introspection = flag('INTROSPECTION', {
  default: outsideProduction,
  defaultText: onOutsideProduction,
  description: introspectionAndGraphiql,
});
const graphiql = flag('GRAPHIQL', {
  default: outsideProduction,
  defaultText: onOutsideProduction,
  description: introspectionAndGraphiql,
  documentedWith: 'INTROSPECTION',
});
const timeoutAndRetries =
  'A router fetch to a subgraph gives up once the subgraph has answered nothing at all (no fetch of this router to it came back) ' +
  'for `SUBGRAPH_TIMEOUT_MS`: a busy subgraph that keeps answering other fetches is not a dead one, so the fetch waits on, up to ' +
  '`SUBGRAPH_BUSY_TIMEOUT_MS` from when it was sent. A query fetch that could not connect (or got 502/503/504) is tried ' +
  "again up to `SUBGRAPH_RETRIES` times, a mutation never, a timed-out fetch never. The answer then has the other subgraphs' data " +
  'and an error `SUBGRAPH_UNAVAILABLE` naming the subgraph.';
const fetchTimeoutMs = wholeNumber('SUBGRAPH_TIMEOUT_MS', { default: 10_000, min: 100, max: 600_000, description: timeoutAndRetries });
const busyTimeoutMs = wholeNumber('SUBGRAPH_BUSY_TIMEOUT_MS', {
  default: 30_000,
  min: 100,
  max: 600_000,
  description: timeoutAndRetries,
  documentedWith: 'SUBGRAPH_TIMEOUT_MS',
});
const fetchRetries = wholeNumber('SUBGRAPH_RETRIES', {
  default: 2,
  min: 0,
  max: 10,
  description: timeoutAndRetries,
  documentedWith: 'SUBGRAPH_TIMEOUT_MS',
});
const breaker =
  "After this many failed fetches in a row a subgraph's circuit opens: fetches to it fail at once (`SUBGRAPH_UNAVAILABLE`) until, " +
  'after the pause, one trial fetch decides. `0` turns the breaker off. The breaker counts fetches the subgraph was sent, not ' +
  'callers: a fetch that several callers share (merged reads) that fails, answers 502/503/504 or times out counts as one failure, ' +
  'however many of them were waiting, and each of them gets `SUBGRAPH_UNAVAILABLE`. Each caller keeps its own deadline: one ' +
  'caller giving up leaves the fetch running for the others; the shared fetch is aborted when the last has gone or when its own ' +
  '`SUBGRAPH_BUSY_TIMEOUT_MS` (from when it was sent) has passed, so callers that keep joining cannot keep a hung fetch alive. A ' +
  'subgraph that stops answering therefore opens its circuit after `SUBGRAPH_BREAKER_FAILURES` timed-out fetches (one that is ' +
  'busy but answering does not), and one ' +
  'successful trial fetch after the pause closes it.';
const breakerFailures = wholeNumber('SUBGRAPH_BREAKER_FAILURES', { default: 5, min: 0, max: 1000, description: breaker });
const breakerResetMs = wholeNumber('SUBGRAPH_BREAKER_RESET_MS', {
  default: 10_000,
  min: 100,
  max: 600_000,
  description: breaker,
  documentedWith: 'SUBGRAPH_BREAKER_FAILURES',
});

export const routerSettings = declareSettings<CommonConfig, RouterSettings>({
  readBy: 'router',
  settings: [
    metricsPort,
    supergraphPath,
    jwksUrl,
    redisUrl,
    partnerRate,
    memberRate,
    anonymousMutations,
    trustedProxyHops,
    apiKeyCacheSeconds,
    maxDepth,
    maxAliases,
    maxCost,
    defaultListSize,
    maxPageSize,
    partnerCostLimits,
    maxBodyBytes,
    maxBatchSize,
    maxRequestsInFlight,
    maxSubgraphFetchesInFlight,
    perSocket,
    perCaller,
    total,
    multipartHeartbeatMs,
    requestTimeoutMs,
    introspection,
    graphiql,
    fetchTimeoutMs,
    busyTimeoutMs,
    fetchRetries,
    breakerFailures,
    breakerResetMs,
  ],
  build: (read) => ({
    metricsPort: read(metricsPort),
    supergraphPath: read(supergraphPath),
    redisUrl: read(redisUrl),
    jwksUrl: read(jwksUrl),
    partnerRateLimitPerMinute: read(partnerRate),
    memberRateLimitPerMinute: read(memberRate),
    anonymousMutationsPerMinute: read(anonymousMutations),
    trustedProxyHops: read(trustedProxyHops),
    apiKeyCacheSeconds: read(apiKeyCacheSeconds),
    operationLimits: {
      maxDepth: read(maxDepth),
      maxAliases: read(maxAliases),
      maxCost: read(maxCost),
      maxPageSize: read(maxPageSize),
      defaultListSize: read(defaultListSize),
      partnerCostLimits: read(partnerCostLimits),
    },
    maxBodyBytes: read(maxBodyBytes),
    maxBatchSize: read(maxBatchSize),
    maxRequestsInFlight: read(maxRequestsInFlight),
    subscriptionLimits: { perSocket: read(perSocket), perCaller: read(perCaller), total: read(total) },
    multipartHeartbeatMs: read(multipartHeartbeatMs),
    requestTimeoutMs: read(requestTimeoutMs),
    introspection: read(introspection),
    graphiql: read(graphiql),
    subgraphFetch: {
      timeoutMs: read(fetchTimeoutMs),
      busyTimeoutMs: read(busyTimeoutMs),
      maxInFlight: read(maxSubgraphFetchesInFlight),
      retries: read(fetchRetries),
      breakerFailures: read(breakerFailures),
      breakerResetMs: read(breakerResetMs),
    },
  }),
});
