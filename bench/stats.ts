import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The value at fraction `p` (0..1) of sorted `values` (nearest rank, no interpolation); 0 for none. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : 0;
}

/**
 * The environment every benchmark runs the system in: embedded SQLite in a
 * fresh DATA_DIR with the demo data, the in-process bus, no Redis; the caller
 * removes `dataDir` when done.
 */
export function benchEnvironment(name: string, extra: Record<string, string> = {}): { dataDir: string; env: NodeJS.ProcessEnv } {
  const dataDir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  return {
    dataDir,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      SEED_DEMO_DATA: 'true',
      MYSQL_URL: '',
      AMQP_URL: '',
      REDIS_URL: '',
      ...extra,
    },
  };
}
