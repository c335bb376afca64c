// One graph for everything: queries and mutations over HTTP, subscriptions over graphql-ws, both on /graphql.
import { createClient } from '/vendor/graphql-ws/client.js';
import { onSessionChange, token } from './session.js';

/** A GraphQL error the router answered with; `code` is its extensions.code (FORBIDDEN, UNAUTHENTICATED, ...). */
export class GraphError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

function authorization() {
  const value = token();
  return value ? { authorization: `Bearer ${value}` } : {};
}

/** Runs a query or mutation and returns its data; any GraphQL error is thrown as a GraphError. */
export async function request(query, variables = {}) {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...authorization() },
    body: JSON.stringify({ query, variables }),
  });
  let body;
  try {
    body = await response.json();
  } catch {
    throw new GraphError(`the router answered HTTP ${response.status} without a GraphQL response`, 'NETWORK');
  }
  const [first] = body.errors ?? [];
  if (first) throw new GraphError(first.message, first.extensions?.code);
  return body.data;
}

let client = null;
const statusListeners = new Set();
let status = 'idle';

function setStatus(next) {
  status = next;
  for (const listener of statusListeners) listener(next);
}

/** 'connecting', 'live' or 'reconnecting'; the pages show it so a user knows whether the numbers are current. */
export function onSocketStatus(listener) {
  statusListeners.add(listener);
  listener(status);
  return () => statusListeners.delete(listener);
}

function socket() {
  if (client) return client;
  const url = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/graphql`;
  client = createClient({
    url,
    // The credential travels in connection_init, read afresh on every (re)connect.
    connectionParams: () => authorization(),
    lazy: true,
    retryAttempts: Number.POSITIVE_INFINITY,
    // 4401: the credential was refused; retrying with the same one cannot help. Anything else (4503, a dropped socket) is retried.
    shouldRetry: (event) => !(event && typeof event.code === 'number' && event.code === 4401),
    on: {
      connecting: () => setStatus(status === 'idle' ? 'connecting' : 'reconnecting'),
      connected: () => setStatus('live'),
      // 1000: closed on purpose (no subscription left, or signed out); anything else is retried.
      closed: (event) => setStatus(event?.code === 1000 ? 'idle' : 'reconnecting'),
    },
  });
  return client;
}

// A different user needs a different connection: close it so subscriptions reopen with the new token.
onSessionChange(() => {
  const old = client;
  client = null;
  setStatus('idle');
  old?.dispose();
});

/**
 * Subscribes and calls onEvent with each event's data; onError gets a GraphError
 * when the router refuses the subscription or ends it (the subgraph went away).
 * Each event's id (extensions.eventId) is kept as the subscription's lastEventId:
 * graphql-ws sends this same payload again when it reconnects after a dropped
 * socket, so the router replays exactly the events missed meanwhile.
 * `lastEventId` resumes a subscription that ended. Returns a function that
 * stops it; `stop.lastEventId()` is the newest event id seen.
 */
export function subscribe(query, variables, onEvent, onError, lastEventId) {
  const payload = { query, variables, extensions: lastEventId ? { lastEventId } : {} };
  const stop = socket().subscribe(payload, {
    next: (result) => {
      const eventId = result.extensions?.eventId;
      if (typeof eventId === 'string') payload.extensions.lastEventId = eventId;
      const [first] = result.errors ?? [];
      if (first) onError(new GraphError(first.message, first.extensions?.code));
      else onEvent(result.data);
    },
    error: (error) => {
      const [first] = Array.isArray(error) ? error : [];
      if (first) onError(new GraphError(first.message, first.extensions?.code));
      else onError(new GraphError(error?.reason || error?.message || 'the live connection failed', 'NETWORK'));
    },
    complete: () => undefined,
  });
  stop.lastEventId = () => payload.extensions.lastEventId;
  return stop;
}

const NOT_RETRIED = new Set(['FORBIDDEN', 'UNAUTHENTICATED', 'BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED']);

/**
 * subscribe(), opened again a few seconds after the router ends it for a
 * passing reason (SUBGRAPH_UNAVAILABLE), from the last event seen, so nothing
 * is missed. Only when the router answers RESYNC_REQUIRED (the missed events
 * are past its replay window) does onRestart let the page read current state
 * again, and the subscription starts afresh. Refusals are final.
 */
export function keepSubscribed(query, variables, { onEvent, onProblem, onRestart }) {
  let stop = () => undefined;
  let timer = null;
  let stopped = false;
  let resumeFrom;
  const open = () => {
    stop = subscribe(
      query,
      variables,
      onEvent,
      (error) => {
        onProblem(error);
        if (stopped || NOT_RETRIED.has(error.code)) return;
        const resync = error.code === 'RESYNC_REQUIRED';
        resumeFrom = resync ? undefined : stop.lastEventId();
        timer = setTimeout(() => {
          if (stopped) return;
          if (resync || !resumeFrom) onRestart?.();
          open();
        }, 3000);
      },
      resumeFrom,
    );
  };
  open();
  return () => {
    stopped = true;
    clearTimeout(timer);
    stop();
  };
}
