import type { IncomingMessage } from 'node:http';
import { wantsMultipartSubscription } from './multipart-server.ts';
import { wantsEventStream } from './sse-server.ts';

/** Which requests the router streams a subscription to, by their `accept` header alone. */
const asking = (accept: string | undefined) => ({ headers: accept === undefined ? {} : { accept } }) as IncomingMessage;

describe('picking a subscription transport by accept', () => {
  it('streams Server-Sent Events when text/event-stream is the first type accepted', () => {
    expect(wantsEventStream(asking('text/event-stream'))).toBe(true);
    expect(wantsEventStream(asking('Text/Event-Stream; charset=utf-8, application/json'))).toBe(true);
    // A client that prefers JSON gets the ordinary answer.
    expect(wantsEventStream(asking('application/json, text/event-stream'))).toBe(false);
    expect(wantsEventStream(asking(undefined))).toBe(false);
    expect(wantsEventStream(asking('*/*'))).toBe(false);
  });

  it('streams multipart for subscriptionSpec 1.0, as Apollo Client asks, and not for @defer', () => {
    expect(wantsMultipartSubscription(asking('multipart/mixed;boundary="graphql";subscriptionSpec=1.0,application/json'))).toBe(true);
    expect(wantsMultipartSubscription(asking('multipart/mixed;subscriptionSpec="1.0", application/json'))).toBe(true);
    expect(wantsMultipartSubscription(asking('application/json, multipart/mixed; subscriptionspec=1.0'))).toBe(true);
    expect(wantsMultipartSubscription(asking('multipart/mixed;deferSpec=20220824,application/json'))).toBe(false);
    expect(wantsMultipartSubscription(asking('multipart/mixed;subscriptionSpec=2.0'))).toBe(false);
    expect(wantsMultipartSubscription(asking('application/json'))).toBe(false);
  });
});
