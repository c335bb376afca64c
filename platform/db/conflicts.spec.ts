import { DeadlockException, LockWaitTimeoutException } from '@mikro-orm/core';
import { retryOnLockConflict } from './conflicts.ts';

/** Work that fails with `failures` in turn, then answers how many calls it took. */
function workFailingWith(failures: Error[]) {
  let calls = 0;
  const work = async () => {
    calls += 1;
    const failure = failures[calls - 1];
    if (failure) throw failure;
    return calls;
  };
  return { work, calls: () => calls };
}

describe('running a transaction again after a lock conflict', () => {
  it('runs again after a deadlock or a lock wait timeout, and answers with the run that got through', async () => {
    const { work, calls } = workFailingWith([
      new DeadlockException(new Error('Deadlock found when trying to get lock')),
      new LockWaitTimeoutException(new Error('Lock wait timeout exceeded')),
    ]);
    await expect(retryOnLockConflict(work)).resolves.toBe(3);
    expect(calls()).toBe(3);
  });

  it('gives up after `attempts` runs in all with the last conflict', async () => {
    const conflicts = Array.from({ length: 10 }, (_, i) => new DeadlockException(new Error(`deadlock ${i + 1}`)));
    const { work, calls } = workFailingWith(conflicts);
    await expect(retryOnLockConflict(work, 3)).rejects.toBe(conflicts[2]);
    expect(calls()).toBe(3);
  });

  it('never runs again after any other failure', async () => {
    const broken = new Error('a check failed');
    const { work, calls } = workFailingWith([broken]);
    await expect(retryOnLockConflict(work)).rejects.toBe(broken);
    expect(calls()).toBe(1);
  });
});
