import { decodeCursor, encodeCursor, pageSize, toConnection } from './pagination.ts';

describe('pageSize', () => {
  it('defaults to 20 and accepts 0 to 100', () => {
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(0)).toBe(0);
    expect(pageSize(100)).toBe(100);
  });

  it.each([-1, 101, 1.5])('refuses first = %p with BAD_USER_INPUT', (first) => {
    expect(() => pageSize(first)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }));
  });
});

describe('cursors', () => {
  it('round-trip the sort key', () => {
    expect(decodeCursor(encodeCursor(['Brake pads', 'id-1']), ['string', 'string'])).toEqual(['Brake pads', 'id-1']);
  });

  it('refuse a cursor of another shape or none at all', () => {
    expect(() => decodeCursor(encodeCursor(['only-one']), ['string', 'string'])).toThrow(/not a cursor from this list/);
    expect(() => decodeCursor('%%%', ['string'])).toThrow(/not a cursor from this list/);
    // JSON.parse reads 1e400 as Infinity: a number, but no date to compare with.
    expect(() => decodeCursor(Buffer.from('[1e400,"id-1"]').toString('base64url'), ['number', 'string'])).toThrow(
      /not a cursor from this list/,
    );
  });
});

describe('toConnection', () => {
  it('uses the extra row only to tell that there is a next page', async () => {
    const connection = toConnection(
      [1, 2, 3],
      2,
      (n) => [n],
      async () => 42,
    );
    expect(connection.edges.map((edge) => edge.node)).toEqual([1, 2]);
    expect(connection.pageInfo).toEqual({ hasNextPage: true, endCursor: encodeCursor([2]) });
    expect(await connection.totalCount()).toBe(42);
  });

  it('has no end cursor on an empty page', () => {
    expect(
      toConnection(
        [],
        5,
        (n: number) => [n],
        async () => 0,
      ).pageInfo,
    ).toEqual({ hasNextPage: false, endCursor: null });
  });
});
