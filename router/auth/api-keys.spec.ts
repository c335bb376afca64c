import { type ApiKeyHolder, cachedApiKeyLookup } from './api-keys.ts';

describe("the router's cache of API key lookups", () => {
  it('keeps an answer for its time to live, but never past the expiry members gave for that secret', async () => {
    let clock = 0;
    const answers: (ApiKeyHolder | null)[] = [
      { id: 'key-1', scopes: ['catalogue:read'], expiresAt: new Date(2_000).toISOString() },
      null,
      { id: 'key-2', scopes: [] },
      null,
    ];
    let lookups = 0;
    const lookup = cachedApiKeyLookup(
      async () => {
        lookups += 1;
        return answers.shift() ?? null;
      },
      10_000,
      () => clock,
    );
    expect(await lookup('expiring')).toMatchObject({ id: 'key-1' });
    clock = 1_999;
    expect(await lookup('expiring')).toMatchObject({ id: 'key-1' });
    expect(lookups).toBe(1);
    // Its expiry comes long before the 10 s time to live: members is asked again, and says no.
    clock = 2_000;
    expect(await lookup('expiring')).toBeNull();
    expect(lookups).toBe(2);

    // A key without an expiry is kept for the whole time to live.
    expect(await lookup('lasting')).toMatchObject({ id: 'key-2' });
    clock = 11_999;
    expect(await lookup('lasting')).toMatchObject({ id: 'key-2' });
    expect(lookups).toBe(3);
    clock = 12_001;
    expect(await lookup('lasting')).toBeNull();
  });
});
