import type { Logger } from '../observability/log.ts';

/**
 * Runs `work` every `intervalMs` (sweepers: expired reservations, unpaid
 * orders, points expiry), never two rounds at once: a round still going when
 * the timer fires again is left to finish. A failing round is logged and the
 * next one tries again. The returned function stops the timer and waits for
 * a round in progress.
 */
export function runPeriodically(what: string, work: () => Promise<unknown>, intervalMs: number, log: Logger): () => Promise<void> {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = work()
      .catch((error: unknown) => log.error(`${what} failed`, error))
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
