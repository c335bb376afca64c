import { eventually } from './eventually.ts';

describe('eventually', () => {
  it('asks until the condition holds, then stops asking', async () => {
    let asked = 0;
    await eventually(() => ++asked === 3, 'the third attempt', { intervalMs: 1 });
    expect(asked).toBe(3);
  });

  it('returns what the probe returned once it held', async () => {
    let asked = 0;
    const value = await eventually(async () => (++asked >= 2 ? { asked } : false), 'a value is ready', { intervalMs: 1 });
    expect(value).toEqual({ asked: 2 });
  });

  it('takes an assertion that throws until it passes, and a probe that returns nothing holds', async () => {
    let asked = 0;
    const value = await eventually(
      () => {
        asked += 1;
        expect(asked).toBe(4);
      },
      'the assertion passes',
      { intervalMs: 1 },
    );
    expect(value).toBeUndefined();
    expect(asked).toBe(4);
  });

  it('fails past the deadline with a message that says what it waited for', async () => {
    let asked = 0;
    const waiting = eventually(() => ++asked < 0, 'the impossible happens', { timeoutMs: 30, intervalMs: 1 });
    await expect(waiting).rejects.toThrow(/^timed out after 30 ms \(\d+ attempts\) waiting until the impossible happens$/);
    // It kept asking until the deadline, not once and done.
    expect(asked).toBeGreaterThan(1);
  });

  it('fails with the error of the last attempt, as the message and the cause', async () => {
    let asked = 0;
    const failure = await eventually(
      () => {
        throw new Error(`attempt ${++asked} failed`);
      },
      'the read succeeds',
      { timeoutMs: 30, intervalMs: 1 },
    ).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/waiting until the read succeeds; the last attempt failed: attempt \d+ failed$/);
    expect(((failure as Error).cause as Error).message).toBe(`attempt ${asked} failed`);
  });

  it('does not report an error of an earlier attempt when the last one only returned false', async () => {
    let asked = 0;
    const failure = await eventually(
      () => {
        asked += 1;
        if (asked === 1) throw new Error('the first attempt failed');
        return false;
      },
      'it holds',
      { timeoutMs: 30, intervalMs: 1 },
    ).catch((error: Error) => error);
    expect((failure as Error).message).toMatch(/waiting until it holds$/);
    expect((failure as Error).cause).toBeUndefined();
  });
});
