import { createSubscriptionLimits, TOO_MANY_SUBSCRIPTIONS } from './subscription-limits.ts';

describe('subscription limits', () => {
  const socketA = {};
  const socketB = {};

  it('refuses the subscription past the limit per socket, and takes the next once one ends', () => {
    const limits = createSubscriptionLimits({ perSocket: 2, perCaller: 10, total: 10 });
    const first = limits.reserve(socketA, 'member:1');
    limits.reserve(socketA, 'member:1');
    const third = limits.reserve(socketA, 'member:1');
    expect(third).toMatchObject({ extensions: { code: TOO_MANY_SUBSCRIPTIONS, limit: 2 } });
    if (first instanceof Error) throw first;
    first.release();
    first.release(); // twice is harmless
    expect(limits.reserve(socketA, 'member:1')).not.toBeInstanceOf(Error);
    expect(limits.total()).toBe(2);
  });

  it('counts one caller across sockets, and all callers together', () => {
    const limits = createSubscriptionLimits({ perSocket: 5, perCaller: 3, total: 4 });
    for (let i = 0; i < 3; i += 1) limits.reserve(i < 2 ? socketA : socketB, 'member:1');
    expect(limits.reserve(socketB, 'member:1')).toMatchObject({ message: expect.stringMatching(/one caller may hold at most 3/) });
    expect(limits.reserve(socketB, 'member:2')).not.toBeInstanceOf(Error);
    expect(limits.reserve(socketB, 'member:3')).toMatchObject({ message: expect.stringMatching(/this router holds at most 4/) });
  });

  it('holds a caller with a cap of its own (a partner key’s maxSubscriptions) to that cap, above or below the default', () => {
    const limits = createSubscriptionLimits({ perSocket: 10, perCaller: 3, total: 10 });
    expect(limits.reserve(socketA, 'partner:small', 1)).not.toBeInstanceOf(Error);
    expect(limits.reserve(socketB, 'partner:small', 1)).toMatchObject({
      message: 'one caller may hold at most 1 open subscriptions; complete one before subscribing again',
      extensions: { code: TOO_MANY_SUBSCRIPTIONS, limit: 1 },
    });
    for (let i = 0; i < 5; i += 1) expect(limits.reserve(socketB, 'partner:large', 5)).not.toBeInstanceOf(Error);
    expect(limits.reserve(socketB, 'partner:large', 5)).toMatchObject({ extensions: { limit: 5 } });
  });

  it('gives back every place of a socket that closed', () => {
    const limits = createSubscriptionLimits({ perSocket: 5, perCaller: 5, total: 5 });
    for (let i = 0; i < 5; i += 1) limits.reserve(socketA, 'member:1');
    expect(limits.reserve(socketB, 'member:1')).toBeInstanceOf(Error);
    limits.releaseSocket(socketA);
    expect(limits.total()).toBe(0);
    expect(limits.reserve(socketB, 'member:1')).not.toBeInstanceOf(Error);
  });
});
