/** The load generator's process (see load.ts): gets its options over IPC, answers with LoadMessages. */
import { Agent, request } from 'node:http';
import type { LoadMessage, LoadOptions, LoadResult } from './load.ts';
import { percentile } from './stats.ts';

const options = await new Promise<LoadOptions>((resolve) => process.once('message', (message) => resolve(message as LoadOptions)));
const send = (message: LoadMessage) => process.send!(message);
const REQUEST_TIMEOUT_MS = 60_000;
/** Raw bodies already found correct, per request: most answers are byte-identical, so most checks are one string comparison. */
const MAX_KNOWN_BODIES = 8;

const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
const target = new URL(options.url);

function post(body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        hostname: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: 'POST',
        headers: { ...options.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

const known = options.requests.map(() => new Set<string>());

/** Null when the answer is correct, else why not. */
function problemOf(index: number, status: number, text: string): string | null {
  if (status !== 200) return `HTTP ${status}: ${text.slice(0, 200)}`;
  const seen = known[index]!;
  if (seen.has(text)) return null;
  let body: { data?: unknown; errors?: unknown[] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return `not JSON: ${text.slice(0, 200)}`;
  }
  if (body.errors) return `errors: ${JSON.stringify(body.errors).slice(0, 300)}`;
  if (JSON.stringify(body.data) !== options.requests[index]!.expectedData) {
    return `data differs from the reference: ${JSON.stringify(body.data).slice(0, 300)}`;
  }
  if (seen.size < MAX_KNOWN_BODIES) seen.add(text);
  return null;
}

const started = performance.now();
const measureFrom = started + options.warmupSeconds * 1000;
const measureUntil = measureFrom + options.seconds * 1000;
const latencies: number[] = [];
let errors = 0;
const errorSamples = new Set<string>();

async function client(offset: number): Promise<void> {
  for (let n = offset; performance.now() < measureUntil; n++) {
    const index = n % options.requests.length;
    const sent = performance.now();
    let problem: string | null;
    try {
      const { status, text } = await post(options.requests[index]!.body);
      problem = problemOf(index, status, text);
    } catch (error) {
      problem = `request failed: ${(error as Error).message}`;
    }
    const done = performance.now();
    // Counted: sent after the warm-up and answered within the window.
    if (sent < measureFrom || done > measureUntil) continue;
    latencies.push(done - sent);
    if (problem) {
      errors++;
      if (errorSamples.size < 5) errorSamples.add(problem);
    }
  }
}

setTimeout(() => send({ measuring: true }), measureFrom - performance.now());
await Promise.all(Array.from({ length: options.connections }, (_, i) => client(i)));
agent.destroy();
const sorted = Float64Array.from(latencies).sort();
const at = (p: number) => percentile(sorted, p);
const result: LoadResult = {
  requests: latencies.length,
  errors,
  errorSamples: [...errorSamples],
  seconds: options.seconds,
  requestsPerSecond: latencies.length / options.seconds,
  p50Ms: at(0.5),
  p99Ms: at(0.99),
};
send({ result });
process.disconnect();
