import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ExecutionResult, GraphQLError } from 'graphql';
import { createHandler, type RequestParams, type ResponseInit } from 'graphql-sse';
import type { Identity } from '../../platform/auth/identity.ts';
import { DEFAULT_BODY_LIMIT_BYTES, RequestError, readBody, sendError } from '../../platform/http/graphql-over-http.ts';
import { headerValue } from '../../platform/http/http-server.ts';
import type { Logger } from '../../platform/observability/log.ts';
import { REQUEST_ID_HEADER, requestIdFrom } from '../../platform/runtime/request-scope.ts';
import type { Credentials } from '../auth/identity.ts';
import { ACCESS_REVOKED, watchAccess } from './access-watch.ts';
import { type CallerCheck, checkCaller } from './caller-check.ts';
import { endingWithErrors, refusedStream } from './result-stream.ts';
import { callerKeyOf, type PreparedSubscription, type SubscriptionService } from './subscription-service.ts';

export type HttpSubscriptionOptions = CallerCheck & {
  /** The planning, limits and shared upstreams graphql-ws uses too (ws-server.ts). */
  service: SubscriptionService;
  /** How often an API key holder's key is checked again while its stream is open; default 1 s. */
  apiKeyRecheckMs?: number;
  /** The largest request body read; default 1 MiB, like the HTTP path's. */
  bodyLimit?: number;
  log: Logger;
};

/** What the router knows of one streaming request's caller before its operation is read. */
type StreamCaller = { identity: Identity; credentials: Credentials; callerKey: string; requestId: string };

const EVENT_STREAM = 'text/event-stream';
/** Bytes a client may leave unread before its stream is cut, so a stalled client cannot grow the router's memory without end. */
const MAX_UNSENT_BYTES = 8 * 1024 * 1024;

/** The first media type a request accepts, lower case, without parameters ('' when it names none). */
export function firstAcceptedType(req: IncomingMessage): string {
  return (headerValue(req, 'accept') ?? '').split(',')[0]!.split(';')[0]!.trim().toLowerCase();
}

/** Whether a request asks for an event stream: `text/event-stream` is the first (or only) type it accepts. */
export function wantsEventStream(req: IncomingMessage): boolean {
  return firstAcceptedType(req) === EVENT_STREAM;
}

/**
 * Subscriptions over Server-Sent Events on the router's `/graphql`
 * (docs/architecture.md §6), graphql-sse's "distinct connections" mode: one
 * POST (or GET) with `accept: text/event-stream` per subscription, answered
 * with a stream of `next` events and a `complete` event. graphql-sse speaks
 * the protocol; the router decides who may subscribe to what, with the
 * machinery graphql-ws uses:
 * - the caller (checkCaller: CSRF, `authorization` or `x-api-key`, the rate
 *   limit), refused with the HTTP path's statuses before the body is read;
 * - the operation limits, validation, `@authenticated`/`@requiresScopes` and
 *   the subscription limits (subscription-service.ts): a refused operation
 *   is answered with one `next` event carrying the errors, then `complete`,
 *   as graphql-sse answers validation errors; nothing is opened or counted.
 *   A query or mutation is refused so too (BAD_USER_INPUT): the ordinary
 *   POST serves it, with the HTTP path's plugins;
 * - the stream ends (and the subscription leaves its shared upstream) when
 *   the client goes away, when the upstream ends (an error event first if it
 *   failed), or when the caller's token expires or API key is revoked.
 */
export function eventStreamSubscriptions(options: HttpSubscriptionOptions) {
  const handler = createHandler<IncomingMessage, StreamCaller>({
    // No reservation tokens: single connection mode (PUT, then a token) is not served, only distinct connections.
    authenticate: () => null,
    onSubscribe: (req, params) => openSubscription(options, req.context, req.raw, params),
  });

  return {
    async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const caller = await checkCaller(req, res, options);
      if (!caller) return;
      let body: string | null = null;
      if (req.method === 'POST') {
        try {
          body = await readBody(req, options.bodyLimit ?? DEFAULT_BODY_LIMIT_BYTES);
        } catch (error) {
          if (!(error instanceof RequestError)) throw error;
          sendError(res, error.status, error.code, error.message);
          return;
        }
      }
      const [stream, init] = await handler({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        // The first accepted type decided that this is an event stream; graphql-sse compares the header whole.
        headers: { get: (name) => (name === 'accept' ? EVENT_STREAM : (headerValue(req, name) ?? null)) },
        body,
        raw: req,
        context: {
          ...caller,
          callerKey: callerKeyOf(caller.identity, req.socket.remoteAddress),
          requestId: requestIdFrom(headerValue(req, REQUEST_ID_HEADER)),
        },
      });
      if (stream === null || typeof stream === 'string') {
        sendProtocolRefusal(res, init, stream);
        return;
      }
      res.writeHead(init.status, { ...init.headers, 'x-accel-buffering': 'no' });
      await pipeStream(stream, res, options.log);
    },
  };
}

/** One subscription of a streaming request, checked, counted and joined; or the stream of its refusal. */
export function openSubscription(
  options: HttpSubscriptionOptions,
  caller: StreamCaller,
  connection: object,
  params: RequestParams,
): AsyncIterableIterator<ExecutionResult> {
  const { service } = options;
  let prepared: PreparedSubscription | GraphQLError[];
  try {
    prepared = service.prepare(caller.identity, caller.requestId, params, 'event stream');
  } catch (error) {
    options.log.error('a subscription could not be planned', error);
    return refusedStream([new GraphQLError('the subscription could not be planned', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })]);
  }
  if (Array.isArray(prepared)) return refusedStream(prepared);
  const ticket = service.reserve(connection, caller.callerKey);
  if (ticket instanceof GraphQLError) return refusedStream([ticket]);
  let stopWatching: () => void = () => undefined;
  let channel: ReturnType<SubscriptionService['join']>;
  try {
    channel = service.join({ ...prepared, ticket }, () => stopWatching());
  } catch (error) {
    ticket.release();
    throw error;
  }
  // The credential ending ends the stream with an error result, as it closes a graphql-ws socket.
  stopWatching = watchAccess(
    {
      close: (code, reason) =>
        channel.fail(new GraphQLError(reason, { extensions: { code: code === ACCESS_REVOKED ? 'FORBIDDEN' : 'UNAUTHENTICATED' } })),
    },
    caller.credentials,
    { resolveIdentity: options.resolveIdentity, recheckMs: options.apiKeyRecheckMs ?? 1000, log: options.log },
  );
  if (channel.closed) stopWatching();
  return endingWithErrors(channel);
}

/**
 * Writes a stream's chunks as they come, and ends it when the client goes
 * away (its upstream is released then) or leaves more than MAX_UNSENT_BYTES
 * unread. Also when the client was gone before the stream was ready.
 */
export async function pipeStream(stream: AsyncGenerator<string, void, undefined>, res: ServerResponse, log: Logger): Promise<void> {
  const stop = () => void stream.return(undefined);
  res.once('close', stop);
  if (res.destroyed || res.socket?.destroyed !== false) stop();
  try {
    for await (const chunk of stream) {
      if (!res.writable) break;
      res.write(chunk);
      if (res.writableLength > MAX_UNSENT_BYTES) {
        log.warn(`a subscriber left more than ${MAX_UNSENT_BYTES} bytes unread; its stream is ended`);
        break;
      }
    }
  } catch (error) {
    log.warn(`a subscription stream failed: ${(error as Error).message}`);
  } finally {
    res.off('close', stop);
    if (!res.writableEnded) res.end();
  }
}

/** graphql-sse's refusals (bad body, unsupported method or media type) with the router's error codes. */
function sendProtocolRefusal(res: ServerResponse, init: ResponseInit, body: string | null): void {
  const status = init.status;
  if (status === 415) {
    sendError(
      res,
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'send the subscription as a POST with content-type: application/json, or as a GET with query, variables and operationName in the query string',
    );
    return;
  }
  let message = `${status} ${init.statusText ?? ''}`.trim();
  try {
    const parsed = JSON.parse(body ?? '') as { errors?: { message?: string }[] };
    message = parsed.errors?.map((error) => error.message).join('; ') || message;
  } catch {
    // Not JSON: the status says it.
  }
  const headers = Object.fromEntries(Object.entries(init.headers ?? {}).filter(([name]) => name.toLowerCase() === 'allow')) as Record<
    string,
    string
  >;
  sendError(res, status, status === 405 ? 'METHOD_NOT_ALLOWED' : 'BAD_REQUEST', message, headers);
}
