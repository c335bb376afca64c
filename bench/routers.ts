import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CACHED_ROUTER } from './cache-bench.ts';

/**
 * How the fan-out's subscribers reach a router: graphql-ws (a socket each),
 * GraphQL over Server-Sent Events (graphql-sse's distinct connections mode: a
 * POST with `accept: text/event-stream` each) or Apollo's multipart HTTP
 * subscriptions (a POST with `accept: multipart/mixed;subscriptionSpec=1.0` each).
 */
export const TRANSPORTS = ['ws', 'sse', 'multipart'] as const;
export type Transport = (typeof TRANSPORTS)[number];
export const TRANSPORT_LABELS: Record<Transport, string> = {
  ws: 'graphql-ws',
  sse: 'Server-Sent Events (graphql-sse, distinct connections)',
  multipart: "multipart HTTP (Apollo's subscriptionSpec 1.0)",
};

/**
 * A router under test: its child script, extra environment, the subscription
 * transports it serves on its URL (none: it serves no subscriptions), and why
 * it serves no others, for the report.
 */
export type RouterUnderTest = {
  key: string;
  label: string;
  script: string;
  env?: Record<string, string>;
  transports: Transport[];
  unservedTransports?: string;
  /** Runs the read workloads only (cache-bench.ts). */
  readsOnly?: boolean;
};

const HIVE_TRANSPORTS: Pick<RouterUnderTest, 'transports' | 'unservedTransports'> = {
  transports: ['ws', 'sse'],
  unservedTransports:
    "answers `multipart/mixed` with GraphQL Yoga's incremental-delivery parts (boundary `-`, each result bare, no `payload` envelope, no heartbeats), not Apollo's multipart subscription protocol, so it is not measured over multipart",
};

export const ROUTERS: RouterUnderTest[] = [
  // The entity cache off here; CACHED_ROUTER runs it on (cache-bench.ts).
  { key: 'ours', label: 'our router', script: 'peers/ours.ts', env: { ENTITY_CACHE: 'off' }, transports: [...TRANSPORTS] },
  CACHED_ROUTER,
  {
    key: 'apollo',
    label: '@apollo/gateway',
    script: 'peers/apollo-gateway.ts',
    transports: [],
    unservedTransports:
      'executes queries and mutations only (Apollo serves federated subscriptions from its GraphOS Router), so there is nothing to measure',
  },
  { key: 'hive', label: 'Hive Gateway', script: 'peers/hive-gateway.ts', ...HIVE_TRANSPORTS },
  { key: 'hive-jit', label: 'Hive Gateway (JIT)', script: 'peers/hive-gateway.ts', env: { BENCH_HIVE_JIT: 'true' }, ...HIVE_TRANSPORTS },
];

export type RunningRouter = {
  url: string;
  pid: number;
  /** Seconds from starting the process to its listening. */
  startSeconds: number;
  /** The child's peak resident memory so far (VmHWM), in bytes. */
  peakRss(): number;
  /** CPU seconds the child has used so far (user + system). */
  cpuSeconds(): number;
  stop(): Promise<void>;
};

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

/** Starts the router in its own process, so its memory and CPU are its own, and waits until it listens. */
export async function startRouter(
  router: RouterUnderTest,
  env: NodeJS.ProcessEnv,
  subgraphUrls: Record<string, string>,
  /** More Node options for the child (the profile run adds --cpu-prof). */
  nodeOptions: string[] = [],
): Promise<RunningRouter> {
  const forkedAt = performance.now();
  const child = fork(new URL(router.script, import.meta.url), [], {
    env: { ...env, ...router.env, BENCH_SETTINGS: JSON.stringify({ subgraphUrls }) },
    execArgv: ['--no-warnings', ...nodeOptions],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${router.label} did not listen within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    child.on('message', (message: { listening?: string }) => {
      if (!message.listening) return;
      clearTimeout(timer);
      resolve(message.listening);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${router.label} exited with ${code} before it listened`));
    });
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  const pid = child.pid!;
  const startSeconds = (performance.now() - forkedAt) / 1000;
  return { url, pid, startSeconds, peakRss: () => peakRssOf(pid), cpuSeconds: () => cpuSecondsOf(pid), stop: () => stopChild(child) };
}

function peakRssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
  if (!kilobytes) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(kilobytes) * 1024;
}

/** Linux reports CPU time in clock ticks of USER_HZ, which is 100 on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces, so split after its closing parenthesis): utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
