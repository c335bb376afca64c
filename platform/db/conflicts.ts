import { DeadlockException, LockWaitTimeoutException } from '@mikro-orm/core';
import { ExponentialBackoff, fullJitterGenerator, handleWhen, retry } from 'cockatiel';

/**
 * A transaction that lost a lock race on MySQL (a deadlock, or a lock wait
 * that timed out) changed nothing and may simply run again. SQLite never
 * raises these here: its writes are serialized.
 */
export function isLockConflict(error: unknown): boolean {
  return error instanceof DeadlockException || error instanceof LockWaitTimeoutException;
}

/**
 * Runs `work` again, up to `attempts` times in all, while it fails with a lock
 * conflict (cockatiel's `retry`). Each retry first waits a few milliseconds, a
 * random share of a pause that doubles with the attempt (full jitter: under
 * 10, 20, 40, 80, 160 ms): transactions that deadlocked together and retried
 * at once would meet again in the same order, and ten racing for a row that
 * does not exist yet could lose four times in a row (seen on CI).
 */
export async function retryOnLockConflict<T>(work: () => Promise<T>, attempts = 6): Promise<T> {
  const policy = retry(handleWhen(isLockConflict), {
    maxAttempts: Math.max(0, attempts - 1),
    backoff: new ExponentialBackoff({ generator: fullJitterGenerator, initialDelay: 10, maxDelay: 10 * 2 ** 4 }),
  });
  return policy.execute(() => work());
}

/**
 * Changes a row, creating it first if it does not exist yet: UPDATE, and only
 * when that touched nothing, INSERT IGNORE and UPDATE again. The other order
 * (INSERT IGNORE, then UPDATE) takes a shared lock on an existing row and then
 * asks for an exclusive one; two transactions doing that at once deadlock on
 * MySQL. Resolves with the rows the final UPDATE changed.
 */
export async function updateOrCreate(update: () => Promise<number>, create: () => Promise<unknown>): Promise<number> {
  const changed = await update();
  if (changed > 0) return changed;
  await create();
  return update();
}
