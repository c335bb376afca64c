import { FREE_FAILURES, LoginThrottle, MAX_DELAY_MS, SOURCE_FREE_FAILURES } from '../accounts/login-throttle.ts';

describe('the login throttle', () => {
  let now = 1_000_000;
  const clock = () => now;

  it('lets the first failures through, then doubles the wait after each further failure, up to the cap', () => {
    const throttle = new LoginThrottle(clock);
    for (let i = 0; i < FREE_FAILURES; i++) expect(throttle.attempt('a@example.com', '203.0.113.7')).toEqual({ allowed: true });
    expect(throttle.attempt('a@example.com', '203.0.113.7')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 1000;
    expect(throttle.attempt('a@example.com', '203.0.113.7')).toEqual({ allowed: true });
    expect(throttle.attempt('a@example.com', '203.0.113.7')).toEqual({ allowed: false, retryAfterSeconds: 2 });
    for (let i = 0; i < 30; i++) {
      now += MAX_DELAY_MS;
      throttle.attempt('a@example.com', '203.0.113.7');
    }
    expect(throttle.attempt('a@example.com', '203.0.113.7')).toEqual({ allowed: false, retryAfterSeconds: MAX_DELAY_MS / 1000 });
  });

  it('slows only the address that failed: the owner elsewhere is let in, and a success starts that address afresh', () => {
    const throttle = new LoginThrottle(clock);
    for (let i = 0; i <= FREE_FAILURES; i++) throttle.attempt('owner@example.com', '198.51.100.1');
    expect(throttle.attempt('owner@example.com', '198.51.100.1').allowed).toBe(false);
    expect(throttle.attempt('owner@example.com', '192.0.2.10')).toEqual({ allowed: true });
    throttle.succeeded('owner@example.com', '192.0.2.10');
    for (let i = 0; i < FREE_FAILURES - 1; i++) throttle.attempt('owner@example.com', '192.0.2.10');
    throttle.succeeded('owner@example.com', '192.0.2.10');
    expect(throttle.attempt('owner@example.com', '192.0.2.10')).toEqual({ allowed: true });
  });

  it('slows an address that fails across many accounts', () => {
    const throttle = new LoginThrottle(clock);
    for (let i = 0; i < SOURCE_FREE_FAILURES; i++) expect(throttle.attempt(`victim${i}@example.com`, '203.0.113.99').allowed).toBe(true);
    expect(throttle.attempt('one-more@example.com', '203.0.113.99').allowed).toBe(false);
  });
});
