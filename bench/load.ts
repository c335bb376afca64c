import { fork } from 'node:child_process';

/**
 * The load generator: `connections` clients, each sending its next request as
 * soon as the previous one answered, over keep-alive connections, for
 * `warmupSeconds` (not counted) and then `seconds` (counted). It runs in its
 * own process (load-worker.ts), so its work never waits behind the
 * subgraphs' and the CPU time of each process can be told apart.
 *
 * Every answer is checked. A read (`expectedData`) is correct when it is a 200
 * whose JSON has no `errors` and whose `data` equals the reference. A write
 * (`placement`, see placement.ts) is correct when it placed the order it asked
 * for, and an expected refusal when stock said INSUFFICIENT_STOCK; anything
 * else counts as an error.
 */
export type LoadRequest = {
  /** The JSON request body; every UNIQUE in it is replaced by a value no other request of the benchmark gets. */
  body: string;
  /** Reads: JSON.stringify of the reference `data` for this body. */
  expectedData?: string;
  /** Writes: the contract PlaceOrder of one line, which must place this order or be refused for want of stock. */
  placement?: Placement;
  /** The caller's headers for this request (an order's owner); without them the request goes as a random one of `callers`. */
  headers?: Record<string, string>;
};

export type Placement = { skuCode: string; quantity: number };

/** The placeholder a request body carries where it needs a fresh value (an idempotency key), as a JSON string's content. */
export const UNIQUE = '%UNIQUE%';

export type LoadOptions = {
  url: string;
  /**
   * The callers' headers (credentials for our router, the bench identity for
   * the peers; see peers/shared.ts): each request without headers of its own
   * goes as one of them, chosen at random.
   */
  callers: Record<string, string>[];
  /** Each request is one of these, chosen at random (uniformly) per request. */
  requests: LoadRequest[];
  /** The run's seed: client i draws from its own generator seeded from this and i, so a run repeats exactly. */
  seed: number;
  /** Sent during the warm-up instead of `requests` (a write mix warms up on another SKU); by default `requests`. */
  warmupRequests?: LoadRequest[];
  connections: number;
  warmupSeconds: number;
  seconds: number;
};

/** An order a placement created, whenever it was answered (warm-up and after the window included). */
export type CreatedOrder = { id: string; skuCode: string; quantity: number };

export type LoadResult = {
  /** Answers received in the counted window, correct or not. */
  requests: number;
  errors: number;
  /** Answers in the counted window that were an expected refusal (out of stock): neither correct nor errors. */
  refusals: number;
  /** A few distinct error descriptions, for the report. */
  errorSamples: string[];
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Writes only: the orders placed. */
  placed?: {
    /** Correct placements answered in the counted window, their latency, and when the last one came (seconds into the window). */
    counted: number;
    p50Ms: number;
    p99Ms: number;
    lastAtSeconds: number;
    /** Every order placed during the whole run, for the invariant check. */
    orders: CreatedOrder[];
  };
};

/** Messages of the load process: the counted window starts, then the result. */
export type LoadMessage = { measuring: true } | { result: LoadResult };

/** Runs the load; `onMeasuring` is called when the counted window starts (after the warm-up). */
export function runLoad(options: LoadOptions, onMeasuring: () => void = () => undefined): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL('./load-worker.ts', import.meta.url), [], {
      execArgv: ['--no-warnings'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: LoadResult | undefined;
    child.on('message', (message: LoadMessage) => {
      if ('measuring' in message) onMeasuring();
      else result = message.result;
    });
    child.once('error', reject);
    child.once('exit', (code) => (result ? resolve(result) : reject(new Error(`the load process exited with ${code} and no result`))));
    child.send(options);
  });
}
