import { createHash } from 'node:crypto';
import type { Identity } from '../auth/identity.ts';

/**
 * Idempotency keys with Stripe's semantics: a key belongs to its caller (the
 * same key from two callers is two requests), and an id derived from
 * (caller, key) makes a retried or racing request name the same row, so the
 * database's primary key admits it once.
 */
export function callerKey(identity: Identity): string {
  return identity.subject ? `${identity.kind}:${identity.subject}` : 'guest';
}

/**
 * Whose idempotency keys a request's key is looked up among. A signed-in
 * caller's keys are their own. Guests have no identity, and one shared
 * "guest" space let any guest who reused another's key learn that guest's
 * order; so a guest's key is scoped by the whole request (`fingerprint`):
 * only the very same request, a retry that already knows everything in it,
 * reaches the same result, and any other request with that key is simply new.
 */
export function keyScope(identity: Identity, fingerprint: string): string {
  const caller = callerKey(identity);
  if (caller !== 'guest') return caller;
  return `guest:${createHash('sha256').update(fingerprint).digest('hex').slice(0, 32)}`;
}

/** A UUID-shaped id that is the same for the same (scope, caller, key) and different for any other. */
export function idempotentId(scope: string, caller: string, key: string): string {
  const hex = createHash('sha256').update(`${scope}\n${caller}\n${key}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
