import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ExecutionResult, GraphQLError } from 'graphql';
import type { Identity } from '../../platform/auth/identity.ts';
import { headerValue } from '../../platform/http/http-server.ts';
import type { Logger } from '../../platform/observability/log.ts';
import { REQUEST_ID_HEADER, requestIdFrom } from '../../platform/runtime/request-scope.ts';
import type { CallerCheck } from '../auth/caller-check.ts';
import type { Credentials } from '../auth/identity.ts';
import { ACCESS_REVOKED, watchAccess } from './access-watch.ts';
import type { Channel } from './channel.ts';
import type { LiveTransport } from './live-metrics.ts';
import { callerKeyOf, type PreparedSubscription, type SubscriptionService } from './subscription-service.ts';

/**
 * What the router's subscriptions over plain HTTP responses share
 * (Server-Sent Events in sse-server.ts, multipart in multipart-server.ts):
 * who the caller is, opening one subscription on the subscription service,
 * and writing a stream until the client goes away.
 */
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
export type StreamCaller = { identity: Identity; credentials: Credentials; callerKey: string; requestId: string };

/** Bytes a client may leave unread before its stream is cut, so a stalled client cannot grow the router's memory without end. */
const MAX_UNSENT_BYTES = 8 * 1024 * 1024;

/** The media types a request accepts, in its order, lower case, each with its parameters (names lower case). */
export function acceptedTypes(req: IncomingMessage): { type: string; parameters: Map<string, string> }[] {
  return (headerValue(req, 'accept') ?? '')
    .split(',')
    .map((range) => {
      const [type = '', ...parameters] = range.split(';');
      return {
        type: type.trim().toLowerCase(),
        parameters: new Map(
          parameters.map((parameter) => {
            const [name = '', value = ''] = parameter.split('=');
            return [name.trim().toLowerCase(), value.trim().replace(/^"(.*)"$/, '$1')];
          }),
        ),
      };
    })
    .filter((range) => range.type !== '');
}

/** The caller of a streaming request as the subscription service counts it. */
export function streamCaller(req: IncomingMessage, caller: { identity: Identity; credentials: Credentials }): StreamCaller {
  return {
    ...caller,
    callerKey: callerKeyOf(caller.identity, req.socket.remoteAddress),
    requestId: requestIdFrom(headerValue(req, REQUEST_ID_HEADER)),
  };
}

/**
 * One subscription of a streaming request, checked, counted and joined, or
 * why it is refused (nothing opened or counted then). `transport` is the
 * one carrying it (named in the refusal of a query or mutation, counted in the metrics).
 */
export async function openSubscription(
  options: HttpSubscriptionOptions,
  caller: StreamCaller,
  connection: object,
  request: Parameters<SubscriptionService['prepare']>[2],
  transport: LiveTransport,
): Promise<{ channel: Channel<ExecutionResult> } | { refused: GraphQLError[] }> {
  const { service } = options;
  const trusted = await service.trust(caller.identity, request);
  if (trusted instanceof GraphQLError) return { refused: [trusted] };
  let prepared: PreparedSubscription | GraphQLError[];
  try {
    prepared = service.prepare(caller.identity, caller.requestId, trusted, transport);
  } catch (error) {
    options.log.error('a subscription could not be planned', error);
    return { refused: [new GraphQLError('the subscription could not be planned', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })] };
  }
  if (Array.isArray(prepared)) return { refused: prepared };
  const ticket = service.reserve(connection, caller.callerKey, caller.identity.keyLimits?.maxSubscriptions);
  if (ticket instanceof GraphQLError) return { refused: [ticket] };
  let stopWatching: () => void = () => undefined;
  let channel: ReturnType<SubscriptionService['join']>;
  try {
    channel = service.join({ ...prepared, ticket }, () => stopWatching());
  } catch (error) {
    ticket.release();
    throw error;
  }
  // The credential ending fails the stream, as it closes a graphql-ws socket.
  stopWatching = watchAccess(
    {
      close: (code, reason) =>
        channel.fail(new GraphQLError(reason, { extensions: { code: code === ACCESS_REVOKED ? 'FORBIDDEN' : 'UNAUTHENTICATED' } })),
    },
    caller.credentials,
    { resolveIdentity: options.resolveIdentity, recheckMs: options.apiKeyRecheckMs ?? 1000, log: options.log },
  );
  if (channel.closed) stopWatching();
  return { channel };
}

/**
 * Writes a stream's chunks as they come, and ends it when the client goes
 * away (its upstream is released then) or leaves more than MAX_UNSENT_BYTES
 * unread. Also when the client was gone before the stream was ready.
 */
export async function pipeStream(stream: AsyncIterableIterator<string>, res: ServerResponse, log: Logger): Promise<void> {
  const stop = () => void stream.return?.(undefined);
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
