import { createHmac } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { type CheckedTarget, type OutboundPolicy, resolveTarget } from '../../platform/http/outbound-url.ts';

/**
 * One delivery attempt as Standard Webhooks specifies it
 * (https://www.standardwebhooks.com): a POST of the JSON body with
 * `webhook-id` (the delivery's id, the same on every attempt),
 * `webhook-timestamp` (this attempt's time, in seconds) and
 * `webhook-signature`, `v1,` and the base64 HMAC-SHA256 of
 * `<id>.<timestamp>.<body>` keyed with the secret's bytes (the base64 after
 * `whsec_`). Signed here with node:crypto; the tests verify with the
 * `standardwebhooks` library, an independent implementation.
 *
 * The URL is checked again (https, public addresses only, unless
 * WEBHOOK_ALLOW_PRIVATE_URLS outside production) and the connection goes to
 * the address that was checked. Redirects are not followed (a 3xx is a
 * failed attempt); the answer is read up to MAX_RESPONSE_BYTES; the whole
 * attempt is bounded by `timeoutMs`.
 */
export const MAX_RESPONSE_BYTES = 64 * 1024;

export type DeliveryRequest = { id: string; url: string; secret: string; payload: string };
export type AttemptOutcome = { succeeded: boolean; responseCode: number | null; latencyMs: number; error: string | null };

export function signature(secret: string, id: string, timestamp: number, payload: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${payload}`).digest('base64')}`;
}

export async function attemptDelivery(
  delivery: DeliveryRequest,
  options: { timeoutMs: number; policy: OutboundPolicy; now?: () => number },
): Promise<AttemptOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const target = await resolveTarget(delivery.url, options.policy);
  if ('code' in target) return { succeeded: false, responseCode: null, latencyMs: elapsed(), error: `${target.code}: ${target.message}` };
  const timestamp = Math.floor((options.now?.() ?? Date.now()) / 1000);
  try {
    const status = await post(target, delivery, timestamp, options.timeoutMs);
    return { succeeded: status >= 200 && status < 300, responseCode: status, latencyMs: elapsed(), error: null };
  } catch (error) {
    return { succeeded: false, responseCode: null, latencyMs: elapsed(), error: (error as Error).message.slice(0, 500) };
  }
}

function post(target: CheckedTarget, delivery: DeliveryRequest, timestamp: number, timeoutMs: number): Promise<number> {
  // The address checked is the one connected to, whatever the name resolves to by now.
  const pinned: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const body = Buffer.from(delivery.payload, 'utf8');
  const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const req = send(
      target.url,
      {
        method: 'POST',
        lookup: pinned,
        headers: {
          'content-type': 'application/json',
          'content-length': String(body.length),
          'user-agent': 'commerce-supergraph-webhooks',
          'webhook-id': delivery.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signature(delivery.secret, delivery.id, timestamp, delivery.payload),
        },
      },
      (res: IncomingMessage) => {
        let read = 0;
        const done = () => {
          clearTimeout(deadline);
          resolve(res.statusCode ?? 0);
        };
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          // Enough is known from the status: a receiver's long answer is not ours to hold.
          if (read > MAX_RESPONSE_BYTES) {
            res.destroy();
            done();
          }
        });
        res.on('end', done);
        res.on('error', (error) => {
          clearTimeout(deadline);
          if (read > MAX_RESPONSE_BYTES) resolve(res.statusCode ?? 0);
          else reject(error);
        });
      },
    );
    req.on('error', (error) => {
      clearTimeout(deadline);
      reject(error);
    });
    req.end(body);
  });
}
