import type { Identity } from '../platform/auth/identity.ts';
import { writeGenerations } from './write-generations.ts';

const member = (subject: string): Identity => ({ kind: 'member', subject, scopes: [] });

describe('write generations', () => {
  it('move a caller on with each of their writes and leave other callers where they were', () => {
    const writes = writeGenerations();
    const alice = member('alice');
    const bob = member('bob');
    const aliceBefore = writes.of(alice);
    const bobBefore = writes.of(bob);
    writes.wrote(alice);
    expect(writes.of(alice)).not.toBe(aliceBefore);
    expect(writes.of(bob)).toBe(bobBefore);
    const aliceAfterOne = writes.of(alice);
    writes.wrote(alice);
    expect(writes.of(alice)).toBeGreaterThan(aliceAfterOne);
  });

  it('never give a caller, after a write, a generation any of their earlier reads had, even once the memory starts over', () => {
    const writes = writeGenerations(3);
    const alice = member('alice');
    const seenByAlice = new Set([writes.of(alice)]);
    for (let round = 0; round < 20; round++) {
      writes.wrote(alice);
      const now = writes.of(alice);
      expect(seenByAlice.has(now)).toBe(false);
      seenByAlice.add(now);
      // Other writers fill the memory, so it starts over and forgets alice now and then.
      for (let other = 0; other < round % 5; other++) writes.wrote(member(`other-${round}-${other}`));
      const later = writes.of(alice);
      // Forgotten, alice gets the floor: never below her last write, so never one of her earlier reads' generations.
      expect(later).toBeGreaterThanOrEqual(now);
      if (later !== now) {
        expect(seenByAlice.has(later)).toBe(false);
        seenByAlice.add(later);
      }
    }
  });
});
