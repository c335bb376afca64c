import { fork } from 'node:child_process';

/**
 * The load generator: `connections` clients, each sending its next request as
 * soon as the previous one answered, over keep-alive connections, for
 * `warmupSeconds` (not counted) and then `seconds` (counted). It runs in its
 * own process (load-worker.ts), so its work never waits behind the
 * subgraphs' and the CPU time of each process can be told apart.
 *
 * Every answer is checked: a 200 whose JSON has no `errors` and whose `data`
 * equals the reference for that request, else it counts as an error.
 */
export type LoadRequest = {
  /** The JSON request body. */
  body: string;
  /** JSON.stringify of the reference `data` for this body. */
  expectedData: string;
};

export type LoadOptions = {
  url: string;
  headers: Record<string, string>;
  /** Sent in turn, each client starting at a different one. */
  requests: LoadRequest[];
  connections: number;
  warmupSeconds: number;
  seconds: number;
};

export type LoadResult = {
  /** Answers received in the counted window, correct or not. */
  requests: number;
  errors: number;
  /** A few distinct error descriptions, for the report. */
  errorSamples: string[];
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
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
