import type { IncomingMessage, ServerResponse } from 'node:http';
import { type MultipartOptions, multipartSubscriptions, wantsMultipartSubscription } from './multipart-server.ts';
import { eventStreamSubscriptions, wantsEventStream } from './sse-server.ts';

/**
 * The router's subscription transports over plain HTTP on `/graphql`, picked
 * by the request's `accept`: Server-Sent Events (sse-server.ts) and Apollo's
 * multipart protocol (multipart-server.ts). Anything else is ordinary GraphQL
 * over HTTP.
 */
export function httpSubscriptionTransports(options: MultipartOptions) {
  const eventStreams = eventStreamSubscriptions(options);
  const multipart = multipartSubscriptions(options);
  return {
    /** The transport `req` asks for, or null when it asks for none. */
    transportFor(req: IncomingMessage): ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | null {
      if (wantsEventStream(req)) return eventStreams.serve;
      if (wantsMultipartSubscription(req)) return multipart.serve;
      return null;
    },
  };
}
