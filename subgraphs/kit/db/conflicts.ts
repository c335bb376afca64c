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
