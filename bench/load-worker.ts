/** The load generator's process (see load.ts): gets its options over IPC, answers with LoadMessages. */
import { Agent } from 'node:http';
import { postText } from '../platform/http/post-text.ts';
import { type CreatedOrder, type LoadMessage, type LoadOptions, type LoadRequest, type LoadResult, UNIQUE } from './load.ts';
import { checkPlacement } from './placement.ts';
import { derivedSeed, mulberry32, pick } from './random.ts';
import { percentile } from './stats.ts';

const options = await new Promise<LoadOptions>((resolve) => process.once('message', (message) => resolve(message as LoadOptions)));
const send = (message: LoadMessage) => process.send!(message);
const REQUEST_TIMEOUT_MS = 60_000;
/**
 * Raw answers already found correct, per request: most answers are
 * byte-identical, so most checks are one string comparison. Bounded per
 * request and in all (a long-tail set of heavy answers would otherwise hold
 * hundreds of megabytes); past the bound an answer is parsed and compared.
 */
const MAX_KNOWN_PER_REQUEST = 4;
const MAX_KNOWN_BYTES = 64 * 1024 * 1024;
let knownBytes = 0;

const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
const target = new URL(options.url);

const post = (body: string, headers: Record<string, string>) =>
  postText(target, { ...headers, 'content-type': 'application/json' }, body, { agent, timeoutMs: REQUEST_TIMEOUT_MS });

/** Unique across the benchmark: this process's id and start, then a counter (idempotency keys must never repeat). */
const uniquePrefix = `${process.pid}-${Date.now().toString(36)}-`;
let uniqueCounter = 0;
const bodyOf = (req: LoadRequest) =>
  req.body.includes(UNIQUE) ? req.body.replaceAll(UNIQUE, `${uniquePrefix}${uniqueCounter++}`) : req.body;

const known = new Map([...options.requests, ...(options.warmupRequests ?? [])].map((req) => [req, new Set<string>()]));

/** What an answer was: correct (with the order it placed, for a write), an expected refusal, or an error and why. */
type Outcome = { kind: 'correct'; order?: CreatedOrder } | { kind: 'refused' } | { kind: 'error'; problem: string };

function outcomeOf(req: LoadRequest, status: number, text: string): Outcome {
  if (req.placement) {
    const verdict = checkPlacement(req.placement, status, text);
    if (verdict.outcome === 'placed') return { kind: 'correct', order: verdict.order };
    return verdict.outcome === 'refused' ? { kind: 'refused' } : { kind: 'error', problem: verdict.problem };
  }
  if (status !== 200) return { kind: 'error', problem: `HTTP ${status}: ${text.slice(0, 200)}` };
  const seen = known.get(req)!;
  if (seen.has(text)) return { kind: 'correct' };
  let body: { data?: unknown; errors?: unknown[] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return { kind: 'error', problem: `not JSON: ${text.slice(0, 200)}` };
  }
  if (body.errors) return { kind: 'error', problem: `errors: ${JSON.stringify(body.errors).slice(0, 300)}` };
  if (JSON.stringify(body.data) !== req.expectedData) {
    return { kind: 'error', problem: `data differs from the reference: ${JSON.stringify(body.data).slice(0, 300)}` };
  }
  if (seen.size < MAX_KNOWN_PER_REQUEST && knownBytes + text.length <= MAX_KNOWN_BYTES) {
    seen.add(text);
    knownBytes += text.length;
  }
  return { kind: 'correct' };
}

const started = performance.now();
const measureFrom = started + options.warmupSeconds * 1000;
const measureUntil = measureFrom + options.seconds * 1000;
const warmupRequests = options.warmupRequests ?? options.requests;
const latencies: number[] = [];
const placedLatencies: number[] = [];
let lastPlacedAt = measureFrom;
const placedOrders: CreatedOrder[] = [];
let errors = 0;
let refusals = 0;
const errorSamples = new Set<string>();

/** One client: each request and (unless the request names its own) its caller drawn at random from the client's own generator. */
async function client(index: number): Promise<void> {
  const random = mulberry32(derivedSeed(options.seed, index));
  while (performance.now() < measureUntil) {
    const sent = performance.now();
    const req = pick(random, sent < measureFrom ? warmupRequests : options.requests);
    const headers = req.headers ?? pick(random, options.callers);
    let outcome: Outcome;
    try {
      const { status, text } = await post(bodyOf(req), headers);
      outcome = outcomeOf(req, status, text);
    } catch (error) {
      outcome = { kind: 'error', problem: `request failed: ${(error as Error).message}` };
    }
    const done = performance.now();
    // Every order placed counts for the invariant, whenever it was answered.
    if (outcome.kind === 'correct' && outcome.order) placedOrders.push(outcome.order);
    // Counted: sent after the warm-up and answered within the window.
    if (sent < measureFrom || done > measureUntil) continue;
    latencies.push(done - sent);
    if (outcome.kind === 'error') {
      errors++;
      if (errorSamples.size < 5) errorSamples.add(outcome.problem);
    } else if (outcome.kind === 'refused') {
      refusals++;
    } else if (outcome.order) {
      placedLatencies.push(done - sent);
      lastPlacedAt = Math.max(lastPlacedAt, done);
    }
  }
}

setTimeout(() => send({ measuring: true }), measureFrom - performance.now());
await Promise.all(Array.from({ length: options.connections }, (_, i) => client(i)));
agent.destroy();
const sortedOf = (values: number[]) => Float64Array.from(values).sort();
const sorted = sortedOf(latencies);
const placedSorted = sortedOf(placedLatencies);
const writes = options.requests.some((req) => req.placement);
const result: LoadResult = {
  requests: latencies.length,
  errors,
  refusals,
  errorSamples: [...errorSamples],
  seconds: options.seconds,
  requestsPerSecond: latencies.length / options.seconds,
  p50Ms: percentile(sorted, 0.5),
  p99Ms: percentile(sorted, 0.99),
  ...(writes && {
    placed: {
      counted: placedLatencies.length,
      p50Ms: percentile(placedSorted, 0.5),
      p99Ms: percentile(placedSorted, 0.99),
      lastAtSeconds: (lastPlacedAt - measureFrom) / 1000,
      orders: placedOrders,
    },
  }),
};
send({ result });
process.disconnect();
