import { Mutex } from './mutex.ts';

describe('Mutex', () => {
  it('never lets two holders overlap, and keeps going after a failure', async () => {
    const mutex = new Mutex();
    let inside = 0;
    let maxInside = 0;
    const work = (fail: boolean) =>
      mutex.run(async () => {
        inside += 1;
        maxInside = Math.max(maxInside, inside);
        await new Promise((resolve) => setImmediate(resolve));
        inside -= 1;
        if (fail) throw new Error('boom');
        return 'done';
      });
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => work(i % 5 === 0)));
    expect(maxInside).toBe(1);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(16);
  });
});
