import { ANONYMOUS, type Identity } from '../../platform/auth/identity.ts';
import { createSubscriptionHub, type GroupSink, sharedSubscriptionKey } from './dedupe.ts';

/** A stand-in upstream: the test pushes events into it and sees whether it is open. */
function fakeUpstream() {
  const state = { opened: 0, closed: 0, completions: 0, sink: null as GroupSink<number> | null };
  const source = () => ({
    open(sink: GroupSink<number>) {
      state.opened += 1;
      state.sink = sink;
      return () => {
        state.closed += 1;
      };
    },
    async complete(event: number) {
      state.completions += 1;
      return `event ${event}`;
    },
  });
  return { state, source };
}

const take = async (iterator: AsyncIterator<string>, count: number) => {
  const values: string[] = [];
  for (let index = 0; index < count; index += 1) values.push((await iterator.next()).value as string);
  return values;
};

describe('the subscription hub', () => {
  it('opens one upstream per key, completes each event once for the whole group, and closes it when the last member leaves', async () => {
    const hub = createSubscriptionHub<number, string>();
    const { state, source } = fakeUpstream();
    const members = [hub.join('k', source), hub.join('k', source), hub.join('k', source)];
    expect(state.opened).toBe(1);
    expect(hub.groups()).toBe(1);
    expect(hub.subscribers()).toBe(3);

    for (const event of [1, 2, 3]) state.sink!.next(event);
    for (const member of members) expect(await take(member, 3)).toEqual(['event 1', 'event 2', 'event 3']);
    expect(state.completions).toBe(3);

    await members[0]!.return!();
    await members[1]!.return!();
    expect(state.closed).toBe(0);
    await members[2]!.return!();
    expect(state.closed).toBe(1);
    expect(hub.groups()).toBe(0);

    // The next subscriber with the key opens a new upstream.
    hub.join('k', source);
    expect(state.opened).toBe(2);
  });

  it('ends a waiting member at once when it leaves, not at the next event', async () => {
    const hub = createSubscriptionHub<number, string>();
    const { state, source } = fakeUpstream();
    const member = hub.join('k', source);
    const pending = member.next();
    await member.return!();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(state.closed).toBe(1);
  });

  it('delivers the events received before an upstream error, then the error, to every member, and forgets the group', async () => {
    const hub = createSubscriptionHub<number, string>();
    const { state, source } = fakeUpstream();
    const members = [hub.join('k', source), hub.join('k', source)];
    state.sink!.next(1);
    state.sink!.error(new Error('stock went away'));
    for (const member of members) {
      expect(await member.next()).toEqual({ value: 'event 1', done: false });
      await expect(member.next()).rejects.toThrow('stock went away');
    }
    expect(hub.groups()).toBe(0);
  });

  it('completes every member when the upstream completes', async () => {
    const hub = createSubscriptionHub<number, string>();
    const { state, source } = fakeUpstream();
    const member = hub.join('k', source);
    state.sink!.complete();
    expect(await member.next()).toEqual({ value: undefined, done: true });
    expect(hub.groups()).toBe(0);
  });
});

describe('the shared subscription key', () => {
  const staff: Identity = { kind: 'staff', subject: 'staff-1', scopes: ['stock:read', 'orders:read'] };
  const base = {
    document: 'subscription { stockChanged { onHand } }',
    operationName: undefined,
    variables: { a: 1, b: [2] },
    identity: staff,
  };

  it('ignores the order of variables and scopes', () => {
    expect(
      sharedSubscriptionKey({ ...base, variables: { b: [2], a: 1 }, identity: { ...staff, scopes: ['orders:read', 'stock:read'] } }),
    ).toBe(sharedSubscriptionKey(base));
  });

  it('differs for another document, operation name, variables, or identity kind, subject or scopes', () => {
    const key = sharedSubscriptionKey(base);
    for (const other of [
      { ...base, document: 'subscription { stockChanged { delta } }' },
      { ...base, operationName: 'Live' },
      { ...base, variables: { a: 2, b: [2] } },
      { ...base, identity: { ...staff, subject: 'staff-2' } },
      { ...base, identity: { ...staff, kind: 'partner' as const } },
      { ...base, identity: { ...staff, scopes: ['stock:read'] } },
      { ...base, identity: ANONYMOUS },
    ]) {
      expect(sharedSubscriptionKey(other)).not.toBe(key);
    }
  });

  it('leaves the caller out for a shared stream, and never equals a caller-dependent key', () => {
    const shared = sharedSubscriptionKey({ ...base, acrossCallers: true });
    expect(sharedSubscriptionKey({ ...base, identity: ANONYMOUS, acrossCallers: true })).toBe(shared);
    expect(sharedSubscriptionKey({ ...base, identity: { kind: 'member', subject: 'm-9', scopes: [] }, acrossCallers: true })).toBe(shared);
    expect(sharedSubscriptionKey(base)).not.toBe(shared);
    expect(sharedSubscriptionKey({ ...base, variables: { a: 2, b: [2] }, acrossCallers: true })).not.toBe(shared);
  });
});
