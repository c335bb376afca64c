import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * What belongs to the request being served, wherever the code runs during it
 * (a resolver, the gateway's fetch, a log line): its id and, when tracing is
 * on, its trace. Carried by AsyncLocalStorage so no signature changes for it.
 */
export type RequestScope = {
  requestId: string;
  /** The W3C trace id and the id of the span that stands for this request (tracing.ts); absent without tracing. */
  traceId?: string;
  spanId?: string;
};

/** The header that carries a request's id from the client to the router, from the router to subgraphs, and back. */
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * The address of the client as the router's socket saw it, from the router to
 * subgraphs (members throttles logins per source with it). A subgraph trusts
 * it only on requests that carry the router's signed identity, and the router
 * always sets it from its own socket, never from what the client sent.
 */
export const CLIENT_ADDRESS_HEADER = 'x-commerce-client-address';

const storage = new AsyncLocalStorage<RequestScope>();

export function runInRequestScope<T>(scope: RequestScope, work: () => T): T {
  return storage.run(scope, work);
}

export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore();
}

/**
 * An incoming id is kept only when it is short and made of safe characters
 * (it is echoed in a header and written to logs); anything else gets a fresh one.
 */
const WELL_FORMED = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestIdFrom(header: string | undefined): string {
  return header !== undefined && WELL_FORMED.test(header) ? header : randomUUID();
}
