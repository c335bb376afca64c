import { randomUUID } from 'node:crypto';
import type { Identity } from '../platform/auth/identity.ts';
import { createLogger } from '../platform/observability/log.ts';
import { closedPort } from '../platform/testing/closed-port.ts';
import { routerWriteGenerations, writeGenerations } from './write-generations.ts';

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
    expect(Number(writes.of(alice))).toBeGreaterThan(Number(aliceAfterOne));
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
      expect(Number(later)).toBeGreaterThanOrEqual(Number(now));
      if (later !== now) {
        expect(seenByAlice.has(later)).toBe(false);
        seenByAlice.add(later);
      }
    }
  });
});

describe('write generations shared through Redis, when Redis is away', () => {
  it('give every read a generation of its own, so nothing merges, and log the outage once and each uncounted write', async () => {
    const port = await closedPort();
    const warnings: string[] = [];
    const log = createLogger('router', { write: (line) => warnings.push(line) });
    const writes = routerWriteGenerations({ redisUrl: `redis://127.0.0.1:${port}`, requestTimeoutMs: 1000 }, log);
    try {
      const alice = member('alice');
      const reads = [await writes.of(alice), await writes.of(alice)];
      expect(new Set(reads).size).toBe(2);
      await writes.wrote(alice);
      // This router still knows the write: a later read's generation is new here too.
      expect(reads).not.toContain(await writes.of(alice));
      const logged = warnings.join('\n');
      expect(logged.match(/write counts in Redis unreadable/g)).toHaveLength(1);
      expect(logged).toMatch(/a write not counted in Redis/);
    } finally {
      await writes.close();
    }
  });
});

const redisUrl = process.env.REDIS_URL;
const describeOnRedis = redisUrl ? describe : describe.skip;
if (!redisUrl) console.warn('write-generations.spec.ts: the Redis cases are skipped (REDIS_URL is not set)');

describeOnRedis('write generations shared through Redis', () => {
  const log = createLogger('router', { write: () => undefined });
  const settings = { redisUrl, requestTimeoutMs: 1000 };

  it('move a member on at every router when one router answers their write, and leave anonymous callers to each router', async () => {
    const [a, b] = [routerWriteGenerations(settings, log), routerWriteGenerations(settings, log)];
    try {
      const alice = member(`alice-${randomUUID()}`);
      const anonymous: Identity = { kind: 'anonymous', subject: null, scopes: [] };
      const [aliceAtB, anonymousAtB] = [await b.of(alice), await b.of(anonymous)];
      await a.wrote(alice);
      await a.wrote(anonymous);
      expect(await b.of(alice)).not.toBe(aliceAtB);
      // A sign-in through router a does not split router b's merging of public pages.
      expect(await b.of(anonymous)).toBe(anonymousAtB);
      expect(await a.of(anonymous)).not.toBe(anonymousAtB);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
