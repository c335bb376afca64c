import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ExecutionResult } from 'graphql';
import { DEFAULT_BODY_LIMIT_BYTES, RequestError, readBody, sendError } from '../../platform/http/graphql-over-http.ts';
import { checkCaller } from '../auth/caller-check.ts';
import { type Channel, createChannel } from './channel.ts';
import { acceptedTypes, type HttpSubscriptionOptions, openSubscription, pipeStream, streamCaller } from './http-subscription.ts';
import { asGraphQLError, refusedStream } from './result-stream.ts';
import type { SubscribeRequest } from './subscription-service.ts';

export type MultipartOptions = HttpSubscriptionOptions & {
  /** How often an empty part is sent while no event is, so proxies and clients know the stream is alive; default 5 s (Apollo Router's). */
  heartbeatMs?: number;
};

const BOUNDARY = 'graphql';
const CONTENT_TYPE = `multipart/mixed;boundary="${BOUNDARY}";subscriptionSpec="1.0"`;
/** Every part ends with the next delimiter, so a client can read it as soon as it arrives, without waiting for the next one. */
const part = (json: string) => `\r\ncontent-type: application/json\r\n\r\n${json}\r\n--${BOUNDARY}`;
const OPENING = `\r\n--${BOUNDARY}`;
/** Turns the last delimiter into the closing one. */
const CLOSING = '--\r\n';
const HEARTBEAT = '{}';

/** Whether a request asks for Apollo's multipart subscriptions: it accepts `multipart/mixed` with `subscriptionSpec=1.0`. */
export function wantsMultipartSubscription(req: IncomingMessage): boolean {
  return acceptedTypes(req).some((range) => range.type === 'multipart/mixed' && range.parameters.get('subscriptionspec') === '1.0');
}

/**
 * Subscriptions over multipart HTTP, the protocol Apollo Router speaks and
 * Apollo Client's HTTP link reads (docs/architecture.md §6): a POST to
 * `/graphql` with `accept: multipart/mixed;subscriptionSpec="1.0"` and the
 * usual JSON body is answered with `multipart/mixed;boundary="graphql"`, one
 * part per event, `{"payload":{"data":...}}`, and an empty part `{}` at once
 * and every few seconds as a heartbeat. The caller and the subscription are
 * checked as for Server-Sent Events (http-subscription.ts): a refused
 * operation is one part `{"payload":{"errors":[...]}}` and the end; a
 * subscription that fails later ends with the protocol's transport error,
 * `{"payload":null,"errors":[...]}`.
 */
export function multipartSubscriptions(options: MultipartOptions) {
  return {
    async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
      if (req.method !== 'POST') {
        sendError(res, 405, 'METHOD_NOT_ALLOWED', `multipart subscriptions are a POST with a JSON body; received ${req.method}`, {
          allow: 'POST',
        });
        return;
      }
      const caller = await checkCaller(req, res, options);
      if (!caller) return;
      let request: SubscribeRequest;
      try {
        request = subscribeRequestOf(await readBody(req, options.bodyLimit ?? DEFAULT_BODY_LIMIT_BYTES));
      } catch (error) {
        if (!(error instanceof RequestError)) throw error;
        sendError(res, error.status, error.code, error.message);
        return;
      }
      const opened = await openSubscription(options, streamCaller(req, caller), req, request, 'multipart');
      res.writeHead(200, { 'content-type': CONTENT_TYPE, 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
      const chunks = multipartChunks('refused' in opened ? refusedStream(opened.refused) : opened.channel, options.heartbeatMs ?? 5000);
      await pipeStream(chunks, res, options.log);
    },
  };
}

/** The parts of one subscription's stream, heartbeats among them; ending it (the client went away) ends the subscription. */
function multipartChunks(results: AsyncIterableIterator<ExecutionResult>, heartbeatMs: number): Channel<string> {
  const heartbeat = setInterval(() => chunks.push(part(HEARTBEAT)), heartbeatMs);
  heartbeat.unref();
  const chunks = createChannel<string>(() => {
    clearInterval(heartbeat);
    void results.return?.();
  });
  chunks.push(OPENING + part(HEARTBEAT));
  void (async () => {
    try {
      for await (const result of results) chunks.push(part(JSON.stringify({ payload: result })));
    } catch (error) {
      chunks.push(part(JSON.stringify({ payload: null, errors: [asGraphQLError(error)] })));
    }
    chunks.push(CLOSING);
    chunks.end();
  })();
  return chunks;
}

/** The JSON body of a GraphQL request, checked: a 400 BAD_REQUEST saying what is wrong otherwise. */
function subscribeRequestOf(text: string): SubscribeRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new RequestError(400, `the body is not JSON: ${(error as Error).message}`);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new RequestError(400, 'the body must be a JSON object');
  const { query, variables, operationName, extensions } = body as Record<string, unknown>;
  if (typeof query !== 'string') throw new RequestError(400, 'the body has no query string');
  if (variables != null && (typeof variables !== 'object' || Array.isArray(variables)))
    throw new RequestError(400, 'variables must be a JSON object');
  if (operationName != null && typeof operationName !== 'string') throw new RequestError(400, 'operationName must be a string');
  if (extensions != null && (typeof extensions !== 'object' || Array.isArray(extensions)))
    throw new RequestError(400, 'extensions must be a JSON object');
  return {
    query,
    variables: (variables ?? null) as Record<string, unknown> | null,
    operationName: operationName ?? null,
    extensions: (extensions ?? null) as Record<string, unknown> | null,
  };
}
