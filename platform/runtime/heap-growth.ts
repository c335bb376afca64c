import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what survived the last full
 * collection before it collects again. V8 picks the factor from the heap's
 * limit: on a machine with gigabytes free the limit is 4 GB and the factor up
 * to 4, so a router under steady load, promoting a few megabytes of request
 * state per scavenge, let its heap reach several times its live data (about
 * 50 MB live, 530-600 MB resident under the benchmark's light page). A fixed,
 * smaller factor keeps the memory near what is live, and the limit, and so
 * the room for a burst, stay as they were (unlike a lower
 * `--max-old-space-size`, which also lowers the factor but can run out).
 *
 * The flag is read at each collection, so setting it when the process starts
 * (before any request) is enough; every entry point does so first thing.
 */
export function applyHeapGrowth(percent: number, setFlags: (flags: string) => void = setFlagsFromString): void {
  if (percent > 0) setFlags(`--heap-growing-percent=${percent}`);
}
