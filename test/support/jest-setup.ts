import { stopProcessMetrics } from '../../platform/observability/process-metrics.ts';

/**
 * Run in every test file's own module registry (jest.config.ts setupFilesAfterEnv). For that registry
 * a test file is a whole process, and the process-wide metrics it started (a GC observer and an
 * event-loop timer, held by Node itself) would otherwise outlive it, keeping the file's context and
 * its test systems reachable for the rest of the run.
 */
afterAll(() => {
  stopProcessMetrics();
});
