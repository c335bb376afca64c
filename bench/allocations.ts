/**
 * Where a router allocates, under the benchmark's own load. Two uses:
 *
 * - As a preload of the bench's router children:
 *   `NODE_OPTIONS=--import=./bench/allocations.ts npm run bench -- --quick --routers ours,apollo --workloads light --seconds 8`.
 *   In each router child (a script under bench/peers/) it samples every
 *   allocation, kept or collected, from 4 s after start for 5 s, and writes
 *   /tmp/allocations-<router>-<pid>.heapprofile. Other processes are untouched.
 * - As a script: `node bench/allocations.ts FILE [N]` prints the sampled bytes
 *   and the N functions that allocated most (self).
 *
 * Bytes per answer: the sampled total divided by the answers the router gave in
 * those 5 s (its req/s in the bench's line times 5).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

const router = /bench\/peers\/([a-z-]+)\.ts$/.exec(process.argv[1] ?? '')?.[1];
const SAMPLE_FROM_MS = 4000;
const SAMPLE_FOR_MS = 5000;

type ProfileNode = { callFrame: { functionName: string; url: string; lineNumber: number }; selfSize: number; children: ProfileNode[] };

if (router) {
  const session = new Session();
  session.connect();
  setTimeout(async () => {
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 16_384,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    setTimeout(async () => {
      const { profile } = await session.post('HeapProfiler.stopSampling');
      writeFileSync(
        `/tmp/allocations-${router}-${process.env.ENTITY_CACHE ?? 'default'}-${process.pid}.heapprofile`,
        JSON.stringify(profile),
      );
    }, SAMPLE_FOR_MS).unref();
  }, SAMPLE_FROM_MS).unref();
} else if (import.meta.main) {
  const [file, top = '25'] = process.argv.slice(2);
  if (!file) throw new Error('usage: node bench/allocations.ts FILE.heapprofile [N]');
  const { head } = JSON.parse(readFileSync(file, 'utf8')) as { head: ProfileNode };
  const bySite = new Map<string, number>();
  let total = 0;
  const walk = (node: ProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const site = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(router|platform|bench)\//, '$1/')}:${lineNumber + 1}`;
    bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
    total += node.selfSize;
    for (const child of node.children) walk(child);
  };
  walk(head);
  console.log(`sampled ${(total / 1048576).toFixed(0)} MB`);
  for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
    console.log(`${((100 * bytes) / total).toFixed(1).padStart(5)}%  ${site}`);
  }
}
