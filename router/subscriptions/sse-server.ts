import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ExecutionResult } from 'graphql';
import { createHandler, type ResponseInit } from 'graphql-sse';
import { DEFAULT_BODY_LIMIT_BYTES, RequestError, readBody, sendError } from '../../platform/http/graphql-over-http.ts';
import { headerValue } from '../../platform/http/http-server.ts';
import { checkCaller } from '../auth/caller-check.ts';
import {
  acceptedTypes,
  type HttpSubscriptionOptions,
  openSubscription,
  pipeStream,
  type StreamCaller,
  streamCaller,
} from './http-subscription.ts';
import { endingWithErrors, refusedStream } from './result-stream.ts';
import { LAST_EVENT_ID_EXTENSION } from './resume.ts';
import { sseEventIds } from './sse-event-ids.ts';

const EVENT_STREAM = 'text/event-stream';

type StreamContext = StreamCaller & { eventIds: ReturnType<typeof sseEventIds> };

/** Whether a request asks for an event stream: `text/event-stream` is the first (or only) type it accepts. */
export function wantsEventStream(req: IncomingMessage): boolean {
  return acceptedTypes(req)[0]?.type === EVENT_STREAM;
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
 * - every `next` event carries its event id in an `id:` field, so a client
 *   that reconnects with `Last-Event-ID` (or `extensions.lastEventId`) gets
 *   what it missed (resume.ts);
 * - the stream ends (and the subscription leaves its shared upstream) when
 *   the client goes away, when the upstream ends (an error event first if it
 *   failed), or when the caller's token expires or API key is revoked.
 */
export function eventStreamSubscriptions(options: HttpSubscriptionOptions) {
  const handler = createHandler<IncomingMessage, StreamContext>({
    // No reservation tokens: single connection mode (PUT, then a token) is not served, only distinct connections.
    authenticate: () => null,
    onNext: (_ctx, req, result) => {
      req.context.eventIds.noteResult(result as ExecutionResult);
    },
    onSubscribe: async (req, params) => {
      // An EventSource that reconnects names the last event it saw in this header.
      const lastEventId = headerValue(req.raw, 'last-event-id');
      const request = lastEventId ? { ...params, extensions: { ...params.extensions, [LAST_EVENT_ID_EXTENSION]: lastEventId } } : params;
      const opened = await openSubscription(options, req.context, req.raw, request, 'sse');
      return 'refused' in opened ? refusedStream(opened.refused) : endingWithErrors(opened.channel);
    },
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
      const eventIds = sseEventIds();
      const [stream, init] = await handler({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        // The first accepted type decided that this is an event stream; graphql-sse compares the header whole.
        headers: { get: (name) => (name === 'accept' ? EVENT_STREAM : (headerValue(req, name) ?? null)) },
        body,
        raw: req,
        context: { ...streamCaller(req, caller), eventIds },
      });
      if (stream === null || typeof stream === 'string') {
        sendProtocolRefusal(res, init, stream);
        return;
      }
      res.writeHead(init.status, { ...init.headers, 'x-accel-buffering': 'no' });
      await pipeStream(eventIds.withIds(stream), res, options.log);
    },
  };
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
