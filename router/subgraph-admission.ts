/**
 * At most `limit` fetches in flight to one subgraph from this router; the
 * rest wait their turn, first come first served.
 *
 * Why: a subgraph process answers a handful of requests at a time as fast as
 * it answers fifty, but fifty at once each take fifty times as long, and the
 * slowest of them run into deadlines. Holding the surplus here keeps the
 * subgraph's own queue short, so what it works on finishes, and the order of
 * arrival is kept. A fetch waiting here still runs under its caller's signal:
 * when the caller's deadline passes (router/fetch-deadline.ts) it leaves the
 * queue without having been sent. Merged fetches (subgraph-http.ts) take one
 * place however many callers share them.
 */
export type SubgraphAdmission = {
  /** Waits for a place for a fetch to `subgraph`; the returned function gives it back. */
  acquire(subgraph: string, signal: AbortSignal | undefined): Promise<() => void>;
  /** Fetches waiting for a place, over all subgraphs, for /metrics. */
  readonly waiting: number;
};

type Waiter = { grant: () => void };

export function subgraphAdmission(limit: number): SubgraphAdmission {
  const lanes = new Map<string, { inFlight: number; queue: Waiter[] }>();
  let waiting = 0;
  const laneOf = (subgraph: string) => {
    let lane = lanes.get(subgraph);
    if (!lane) {
      lane = { inFlight: 0, queue: [] };
      lanes.set(subgraph, lane);
    }
    return lane;
  };
  const releaser = (lane: { inFlight: number; queue: Waiter[] }) => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = lane.queue.shift();
      // The place passes straight to the next in line, so nobody can slip in between.
      if (next) next.grant();
      else lane.inFlight--;
    };
  };
  return {
    acquire(subgraph, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      const lane = laneOf(subgraph);
      if (limit <= 0 || lane.inFlight < limit) {
        lane.inFlight++;
        return Promise.resolve(releaser(lane));
      }
      return new Promise((resolve, reject) => {
        waiting++;
        const waiter: Waiter = {
          grant: () => {
            waiting--;
            signal?.removeEventListener('abort', leave);
            resolve(releaser(lane));
          },
        };
        const leave = () => {
          const at = lane.queue.indexOf(waiter);
          if (at < 0) return;
          lane.queue.splice(at, 1);
          waiting--;
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', leave, { once: true });
        lane.queue.push(waiter);
      });
    },
    get waiting() {
      return waiting;
    },
  };
}
