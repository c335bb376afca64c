/**
 * prom-client's default collectors one by one (process-metrics.ts), which it ships but does not type:
 * each registers its metrics in the registry given.
 */
declare module 'prom-client/lib/metrics/*.js' {
  import type { Registry } from 'prom-client';

  const collect: (registry: Registry, config: Record<string, never>) => void;
  export default collect;
}
