import { STATUS_CODES } from 'node:http';
import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { REPLICATION_POSITION_HEADER } from '../platform/graphql/replication-position.ts';
import { type SubgraphAnswer, sameFailureAs } from './subgraph-http.ts';

/**
 * How a subgraph fetch's request headers and answer look to the gateway's
 * data source hooks (`willSendRequest`, `didReceiveResponse`), without the
 * fetch API's objects. The gateway's own `process` builds a node-fetch
 * Headers and Request and reads an undici Response's body stream for every
 * fetch; for the router's answers (a whole text already in hand) those cost
 * three times the JSON.parse they end in, so signed-data-source.ts reads the
 * text itself and hands the hooks these plain equivalents.
 */

/** The gateway's fetch response and headers types (RemoteGraphQLDataSource's public `fetcher` option). */
type FetcherResponse = Awaited<ReturnType<RemoteGraphQLDataSource['fetcher']>>;
type FetcherHeaders = FetcherResponse['headers'];

/** Request or answer headers: names compared case-insensitively, one value each (what the fetch headers hold here). */
export class PlainHeaders implements FetcherHeaders {
  readonly #values = new Map<string, string>();

  constructor(from?: Iterable<[string, string]>) {
    if (from) for (const [name, value] of from) this.append(name, value);
  }
  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const had = this.#values.get(key);
    this.#values.set(key, had === undefined ? value : `${had}, ${value}`);
  }
  delete(name: string): void {
    this.#values.delete(name.toLowerCase());
  }
  get(name: string): string | null {
    return this.#values.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.#values.has(name.toLowerCase());
  }
  set(name: string, value: string): void {
    this.#values.set(name.toLowerCase(), value);
  }
  entries(): IterableIterator<[string, string]> {
    return this.#values.entries();
  }
  keys(): IterableIterator<string> {
    return this.#values.keys();
  }
  values(): IterableIterator<string> {
    return this.#values.values();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.#values.entries();
  }
  /** As the plain object Node's HTTP client takes. */
  toObject(): Record<string, string> {
    return Object.fromEntries(this.#values);
  }
}

/** The answer as the response `didReceiveResponse` finds in `response.http`: status and the headers the router reads. */
export function responseOf(url: string, answer: SubgraphAnswer): FetcherResponse {
  const headers = new PlainHeaders();
  if (answer.contentType) headers.set('content-type', answer.contentType);
  if (answer.cacheControl) headers.set('cache-control', answer.cacheControl);
  if (answer.replicationPosition) headers.set(REPLICATION_POSITION_HEADER, answer.replicationPosition);
  const response: FetcherResponse = {
    bodyUsed: false,
    url,
    redirected: false,
    status: answer.status,
    ok: isOk(answer.status),
    statusText: STATUS_CODES[answer.status] ?? '',
    headers,
    arrayBuffer: async () => new TextEncoder().encode(answer.text).buffer as ArrayBuffer,
    text: async () => answer.text,
    json: async () => JSON.parse(answer.text),
    clone: () => responseOf(url, answer),
  };
  return response;
}

export const isOk = (status: number) => status >= 200 && status <= 299;

const isJson = (contentType: string) =>
  contentType.startsWith('application/json') || contentType.startsWith('application/graphql-response+json');

/**
 * The answer's body as the gateway reads it: a GraphQL response object, or a
 * thrown error as the gateway's would be (a JSON syntax error; "Expected JSON
 * response body" for anything else).
 */
export function bodyOf(answer: SubgraphAnswer): Record<string, unknown> {
  const body: unknown = isJson(answer.contentType) ? JSON.parse(answer.text) : answer.text;
  if (typeof body !== 'object' || body === null) throw new Error(`Expected JSON response body, but received: ${body}`);
  return body as Record<string, unknown>;
}

/**
 * The error the gateway's own `errorFromResponse` makes of a non-2xx answer,
 * with the URL the fetch went to (its status is what subgraph-resilience.ts
 * classifies), marked as the failure of the one fetch it came from: every
 * caller of a shared fetch makes its own error of the one answer, and the
 * subgraph failed once.
 */
export function errorFromAnswer(url: string, answer: SubgraphAnswer): GraphQLError {
  let body: unknown = answer.text;
  if (isJson(answer.contentType)) {
    try {
      body = JSON.parse(answer.text);
    } catch {
      // Not JSON after all: keep the text.
    }
  }
  const statusText = STATUS_CODES[answer.status] ?? '';
  const code = answer.status === 401 ? 'UNAUTHENTICATED' : answer.status === 403 ? 'FORBIDDEN' : undefined;
  const error = new GraphQLError(`${answer.status}: ${statusText}`, {
    extensions: { ...(code ? { code } : {}), response: { url, status: answer.status, statusText, body } },
  });
  sameFailureAs(error, answer);
  return error;
}

/**
 * The cache hint a subgraph's Cache-Control gives, derived exactly as the
 * gateway's `parseCacheControlHeader` and `respond` derive it: `max-age` when
 * it is a whole number (else 0), scope PRIVATE for a bare `private`, PUBLIC
 * for a bare `public` (which wins when both are present).
 */
export function cacheHintOf(header: string | null | undefined): { maxAge: number; scope?: 'PRIVATE' | 'PUBLIC' } {
  const directives = new Map<string, string | true>();
  if (header) {
    for (const part of header.trim().split(/\s*,\s*/)) {
      const [name = '', value] = part.split(/\s*=\s*/, 2);
      directives.set(name, value === undefined ? true : value.replace(/^"|"$/g, ''));
    }
  }
  const hint: { maxAge: number; scope?: 'PRIVATE' | 'PUBLIC' } = { maxAge: 0 };
  const maxAge = directives.get('max-age');
  if (typeof maxAge === 'string' && /^[0-9]+$/.test(maxAge)) hint.maxAge = Number(maxAge);
  if (directives.get('private') === true) hint.scope = 'PRIVATE';
  if (directives.get('public') === true) hint.scope = 'PUBLIC';
  return hint;
}
