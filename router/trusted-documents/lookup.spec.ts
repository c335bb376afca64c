import { cachedTrustedDocumentLookup, type TrustedDocument } from './lookup.ts';

/** The router's memory of trusted-document lookups, driven by its clock instead of waiting. */
describe('the cached trusted-document lookup', () => {
  const published: TrustedDocument = { document: '{ brands { id } }', clients: ['web'] };

  it('asks members once per id while an answer is fresh, found or not, and again once it is not', async () => {
    let now = 0;
    const asked: string[] = [];
    const lookup = cachedTrustedDocumentLookup(
      async (id) => {
        asked.push(id);
        return id === 'sha256:known' ? published : null;
      },
      10_000,
      () => now,
    );
    await Promise.all([lookup('sha256:known'), lookup('sha256:known'), lookup('sha256:unknown')]);
    expect(await lookup('sha256:known')).toBe(published);
    expect(await lookup('sha256:unknown')).toBeNull();
    expect(asked).toEqual(['sha256:known', 'sha256:unknown']);
    now = 10_000;
    await lookup('sha256:unknown');
    expect(asked).toEqual(['sha256:known', 'sha256:unknown', 'sha256:unknown']);
  });

  it('does not remember a failed lookup: the next request asks again', async () => {
    let fail = true;
    const lookup = cachedTrustedDocumentLookup(async () => {
      if (fail) throw new Error('members is down');
      return published;
    }, 10_000);
    await expect(lookup('sha256:known')).rejects.toThrow('members is down');
    fail = false;
    expect(await lookup('sha256:known')).toBe(published);
  });
});
