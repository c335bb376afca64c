/**
 * The benchmark's seeded randomness: mulberry32, a 32-bit generator small
 * enough to read and good enough to spread requests, so a run can be repeated
 * exactly from its seed. Never Math.random: every choice must follow the seed.
 */
export type Random = () => number;

/** Numbers in [0, 1), the same sequence for the same seed. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed of its own for each of several streams (clients, workloads) derived from one run seed. */
export const derivedSeed = (seed: number, stream: number) =>
  (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(stream + 1, 0xc2b2ae35)) >>> 0;

/** One element of `items`, each equally likely. */
export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** A whole number from `min` to `max`, both included, each equally likely. */
export const between = (random: Random, min: number, max: number) => min + Math.floor(random() * (max - min + 1));
