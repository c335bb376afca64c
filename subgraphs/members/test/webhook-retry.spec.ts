import { retryDelayMs } from '../webhooks/dispatch.ts';

/** The webhook retry schedule: doubling from the base, capped at an hour, jittered over the upper half of each wait. */
describe('webhook retry delays', () => {
  it('doubles from the base, with jitter between half and all of each wait', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, 5000, () => 1))).toEqual([5000, 10_000, 20_000, 40_000]);
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, 5000, () => 0))).toEqual([2500, 5000, 10_000, 20_000]);
  });

  it('never waits more than an hour, however many attempts failed', () => {
    expect(retryDelayMs(12, 5000, () => 1)).toBe(3_600_000);
    expect(retryDelayMs(10_000, 5000, () => 1)).toBe(3_600_000);
  });

  it('with the defaults, keeps trying through a day: about 30 attempts at the longest waits', () => {
    let elapsed = 0;
    let attempts = 0;
    while (elapsed <= 86_400_000) {
      attempts += 1;
      elapsed += retryDelayMs(attempts, 5000, () => 1);
    }
    expect(attempts).toBeGreaterThan(20);
    expect(attempts).toBeLessThan(40);
  });
});
