import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApolloServer, type BaseContext, HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';

/**
 * GraphQL over HTTP on Node's own `http` module, without a web framework:
 * the body is read (with a size limit), handed to Apollo Server, and the
 * answer written back. Both the router and every subgraph serve through it.
 */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

export class RequestError extends Error {
  readonly status: number;
  /** The GraphQL error code the answer carries. */
  readonly code: string;
  constructor(status: number, message: string, code = 'BAD_REQUEST') {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const tooLarge = (limit: number) => new RequestError(413, `request body exceeds ${limit} bytes`, 'PAYLOAD_TOO_LARGE');

/**
 * Reads the body, refusing it (413) once it passes `limit`: at once when
 * `content-length` says so, else as soon as the bytes received do. The request
 * stream is never destroyed, so the refusal still reaches the client; Node
 * discards whatever else it sends once the answer is written.
 */
export function readBody(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT_BYTES): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stop();
        req.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    const onClose = () => {
      stop();
      reject(new RequestError(400, 'the request was closed before its body arrived'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** A GraphQL-shaped error response for failures before execution (bad JSON, missing identity). */
export function sendError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(value));
}

export type ServeOptions = {
  /** The largest body read; beyond it 413 PAYLOAD_TOO_LARGE. Default 1 MiB. */
  bodyLimit?: number;
  /**
   * The most operations one batched request (a JSON array) may hold; beyond
   * it 400 BATCH_TOO_LARGE, before any is parsed. Unset: Apollo Server's own
   * setting (batching off unless allowed) decides alone.
   */
  maxBatchSize?: number;
  /**
   * The whole request's deadline: a body still arriving then is answered 408,
   * an answer not ready then 504, both with the code REQUEST_TIMEOUT.
   */
  timeoutMs?: number;
  /**
   * Wraps the execution of a request whose raw body is `text` ('' for a GET):
   * the router merges identical requests in flight here (router/request-merging.ts).
   */
  around?: (text: string, execute: () => Promise<HTTPGraphQLResponse>) => Promise<HTTPGraphQLResponse>;
  /**
   * Rewrites a request once its body is parsed, before Apollo Server sees it, or refuses it: the
   * router resolves trusted documents here (router/trusted-documents/gate.ts).
   */
  prepare?: (request: GraphQLRequestParts) => Promise<GraphQLRequestParts | RequestError>;
  /**
   * Answers a request without Apollo Server, or leaves it to Apollo (undefined): the subgraphs answer
   * the router's plain requests so (platform/graphql/direct-execution.ts).
   */
  direct?: (request: GraphQLRequestParts, headers: HeaderMap) => Promise<HTTPGraphQLResponse | undefined>;
};

/** What a request carries for Apollo Server: its method, parsed body (undefined for a GET) and URL query string. */
export type GraphQLRequestParts = { method: string; body: unknown; search: string };

const TIMED_OUT = Symbol('timed out');

export async function serveGraphQL<Context extends BaseContext>(
  apollo: ApolloServer<Context>,
  req: IncomingMessage,
  res: ServerResponse,
  context: () => Promise<Context>,
  options: ServeOptions = {},
): Promise<void> {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  const deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
  let body: unknown;
  let text: string | typeof TIMED_OUT = '';
  if (req.method === 'POST') {
    try {
      text = await beforeDeadline(readBody(req, options.bodyLimit ?? DEFAULT_BODY_LIMIT_BYTES), deadline);
    } catch (error) {
      if (!(error instanceof RequestError)) throw error;
      sendError(res, error.status, error.code, error.message);
      return;
    }
    if (text === TIMED_OUT) {
      // The client is still sending: answer, and close the connection rather than wait for the rest.
      sendError(res, 408, 'REQUEST_TIMEOUT', `the request body did not arrive within ${options.timeoutMs} ms`, { connection: 'close' });
      return;
    }
    const type = headers.get('content-type') ?? '';
    if (type.includes('json')) {
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        sendError(res, 400, 'BAD_REQUEST', 'the request body is not valid JSON');
        return;
      }
    } else {
      body = text;
    }
  }
  if (Array.isArray(body) && options.maxBatchSize !== undefined && body.length > options.maxBatchSize) {
    const rule = options.maxBatchSize === 0 ? 'batched requests are off here' : `a batch holds at most ${options.maxBatchSize} operations`;
    sendError(res, 400, 'BATCH_TOO_LARGE', `${rule}; received ${body.length}`);
    return;
  }
  let parts: GraphQLRequestParts = { method: req.method ?? 'GET', body, search: url.search };
  if (options.prepare) {
    const prepared = await options.prepare(parts);
    if (prepared instanceof RequestError) {
      sendError(res, prepared.status, prepared.code, prepared.message);
      return;
    }
    parts = prepared;
  }
  const execute = async () =>
    (await options.direct?.(parts, headers)) ??
    apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: parts.method, headers, search: parts.search, body: parts.body },
      context,
    });
  const response = await beforeDeadline(options.around ? options.around(text, execute) : execute(), deadline);
  if (response === TIMED_OUT) {
    // The work may still finish; its answer is dropped. Subgraph fetches have shorter timeouts of their own.
    sendError(res, 504, 'REQUEST_TIMEOUT', `the answer was not ready within ${options.timeoutMs} ms`);
    return;
  }
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.statusCode = legacyJsonStatus(headers.get('accept'), response);
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

/** Request errors that the GraphQL over HTTP spec answers with 200 to a client that accepts only `application/json`. */
const REQUEST_ERROR_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT']);

/**
 * The status for an answer. The GraphQL over HTTP spec says a server SHOULD
 * answer every well-formed request of a client that accepts
 * `application/json` (the legacy type, which says nothing about errors) with
 * 200, since such a client reads errors from the body; Apollo Server answers
 * 400 to a document that does not parse, validate, or whose variables do not
 * coerce. Clients of `application/graphql-response+json` keep the 4xx, which
 * that type gives its meaning to. Only a complete answer of those errors alone
 * is changed; the router's own limit refusals keep their 4xx.
 */
function legacyJsonStatus(accept: string | undefined, response: HTTPGraphQLResponse): number {
  const status = response.status ?? 200;
  if (status !== 400 || response.body.kind !== 'complete') return status;
  if (!accept?.includes('application/json') || accept.includes('application/graphql-response+json')) return status;
  if (!response.headers.get('content-type')?.startsWith('application/json')) return status;
  try {
    const answer = JSON.parse(response.body.string) as { errors?: { extensions?: { code?: unknown } }[] };
    const codes = (answer.errors ?? []).map((error) => error.extensions?.code);
    return codes.length > 0 && codes.every((code) => REQUEST_ERROR_CODES.has(code as string)) ? 200 : status;
  } catch {
    return status;
  }
}

/** The promise's value, or TIMED_OUT if the deadline (ms since the epoch) passes first. */
async function beforeDeadline<T>(work: Promise<T>, deadline: number | undefined): Promise<T | typeof TIMED_OUT> {
  if (deadline === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
