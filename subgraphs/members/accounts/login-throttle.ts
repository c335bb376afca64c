import { BoundedMap } from '../../../platform/runtime/bounded-map.ts';

/**
 * Slows password guessing without letting a stranger lock an owner out.
 * Failures are counted per (account, source address) and per source: after
 * FREE_FAILURES in a row, each further attempt from there must wait twice as
 * long as the one before (1 s, 2 s, 4 s, ... up to MAX_DELAY_MS), and an
 * attempt that comes too early is refused without checking the password. A
 * success clears that (account, source). So a stranger who fails from their
 * address slows only themselves: the owner, from another address, logs in
 * as usual. A source that fails across many accounts (credential stuffing)
 * is slowed the same way after SOURCE_FREE_FAILURES.
 *
 * Kept in each members process's memory (bounded): with several instances an
 * attacker's budget is per instance, and scrypt's cost per guess still holds.
 */
export const FREE_FAILURES = 5;
export const SOURCE_FREE_FAILURES = 50;
export const MAX_DELAY_MS = 15 * 60_000;
const FORGET_AFTER_MS = 60 * 60_000;
const MAX_TRACKED = 50_000;

type Record = { failures: number; lastFailureAt: number };

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class LoginThrottle {
  readonly #pairs = new BoundedMap<string, Record>(MAX_TRACKED);
  readonly #sources = new BoundedMap<string, Record>(MAX_TRACKED);
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /**
   * Whether an attempt on `email` from `source` may have its password checked
   * now. An allowed attempt counts as a failure at once, before the (slow)
   * password check, so a burst of concurrent guesses cannot all slip through
   * before the first failure is counted; `succeeded` takes it back.
   */
  attempt(email: string, source: string): ThrottleDecision {
    const now = this.#now();
    const wait = Math.max(
      this.#waitOf(this.#pairs.get(pairKey(email, source)), FREE_FAILURES, now),
      this.#waitOf(this.#sources.get(source), SOURCE_FREE_FAILURES, now),
    );
    if (wait > 0) return { allowed: false, retryAfterSeconds: Math.ceil(wait / 1000) };
    this.#fail(email, source);
    return { allowed: true };
  }

  #fail(email: string, source: string): void {
    const now = this.#now();
    for (const [map, key] of [
      [this.#pairs, pairKey(email, source)],
      [this.#sources, source],
    ] as const) {
      const known = map.get(key);
      const fresh = !known || now - known.lastFailureAt > FORGET_AFTER_MS;
      map.set(key, { failures: fresh ? 1 : known.failures + 1, lastFailureAt: now });
    }
  }

  /** The password was right: that (account, source) starts afresh, and the source's count loses this attempt. */
  succeeded(email: string, source: string): void {
    this.#pairs.delete(pairKey(email, source));
    const known = this.#sources.get(source);
    if (known) this.#sources.set(source, { ...known, failures: Math.max(0, known.failures - 1) });
  }

  #waitOf(record: Record | undefined, free: number, now: number): number {
    if (!record || record.failures < free || now - record.lastFailureAt > FORGET_AFTER_MS) return 0;
    const delay = Math.min(1000 * 2 ** (record.failures - free), MAX_DELAY_MS);
    return record.lastFailureAt + delay - now;
  }
}

const pairKey = (email: string, source: string) => `${source}\n${email}`;
