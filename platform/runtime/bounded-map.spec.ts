import { BoundedMap } from './bounded-map.ts';

describe('a bounded map', () => {
  it('starts over when a new key would pass its size, but updates a known key in place', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2);
    map.set('a', 10);
    expect([...map]).toEqual([
      ['a', 10],
      ['b', 2],
    ]);
    map.set('c', 3);
    expect([...map]).toEqual([['c', 3]]);
  });
});
