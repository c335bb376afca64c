export type EventuallyOptions = {
  /** How long to keep asking before failing; 5 s unless told. */
  timeoutMs?: number;
  /** The pause between two attempts; 20 ms unless told (longer for a probe that costs the system under test a request). */
  intervalMs?: number;
};

/**
 * Waits for something the system does in its own time (an event relayed
 * over the bus, a subscription started upstream, usage reported by a timer)
 * by asking until it has happened, never by sleeping a guessed while: a
 * fixed pause is either too short on a busy machine or wasted on an idle one.
 *
 * `probe` holds once it returns anything but `false` without throwing, so it
 * may be a condition (`() => received.length === 2`), a read that returns
 * `false` until it is ready (`ready && value`), or an assertion that throws
 * until it passes. The result is what it returned when it held. Past the deadline
 * (after one last attempt) it fails with a message naming `what`, and the
 * error the last attempt threw, if any, as its cause.
 */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  what: string,
  options: EventuallyOptions = {},
): Promise<Exclude<T, false>> {
  const { timeoutMs = 5_000, intervalMs = 20 } = options;
  const deadline = Date.now() + timeoutMs;
  for (let attempts = 1; ; attempts++) {
    let lastError: unknown;
    try {
      const outcome = await probe();
      if (outcome !== false) return outcome as Exclude<T, false>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const reason =
        lastError === undefined ? '' : `; the last attempt failed: ${lastError instanceof Error ? lastError.message : String(lastError)}`;
      throw new Error(`timed out after ${timeoutMs} ms (${attempts} attempts) waiting until ${what}${reason}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
