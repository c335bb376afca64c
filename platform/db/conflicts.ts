import { DeadlockException, LockWaitTimeoutException } from '@mikro-orm/core';

/**
 * A transaction that lost a lock race on MySQL (a deadlock, or a lock wait
 * that timed out) changed nothing and may simply run again. SQLite never
 * raises these here: its writes are serialized.
 */
export function isLockConflict(error: unknown): boolean {
  return error instanceof DeadlockException || error instanceof LockWaitTimeoutException;
}

/** Runs `work` again, up to `attempts` times in all, while it fails with a lock conflict. */
export async function retryOnLockConflict<T>(work: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isLockConflict(error)) throw error;
    }
  }
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
