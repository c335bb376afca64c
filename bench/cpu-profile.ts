import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where a process spent its time, from the .cpuprofile that `node --cpu-prof`
 * writes at exit: the share of the busy time (idle excluded) of each part of
 * the router and of the busiest functions. The parts are what one would
 * change to make the router faster: its HTTP handling, Apollo Server's request
 * pipeline, the gateway's plan execution and result shaping, graphql-js,
 * our own code, and garbage collection.
 */
export type ProfileSummary = {
  busySeconds: number;
  idleShare: number;
  parts: { part: string; share: number }[];
  functions: { name: string; where: string; share: number }[];
};

type CpuProfile = {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
};

/** The parts, tried in order on each sample's function location. */
const PARTS: [string, (url: string, name: string) => boolean][] = [
  ['garbage collection', (_url, name) => name === '(garbage collector)'],
  [
    '@apollo/gateway and its planner (plan execution, result shaping)',
    (url) => /node_modules\/@apollo\/(gateway|query-planner|federation-internals|query-graphs)\//.test(url),
  ],
  [
    'Apollo Server (request pipeline, serialization)',
    (url) => /node_modules\/(@apollo\/server|negotiator|content-type|whatwg-mimetype)\//.test(url),
  ],
  ['graphql-js (validation, variables, visitors)', (url) => /node_modules\/graphql\//.test(url)],
  ['our router (router/)', (url) => /\/router\//.test(url) && !url.includes('node_modules')],
  ['our platform (platform/: HTTP adapter, logs, metrics)', (url) => /\/platform\//.test(url)],
  ['other packages', (url) => url.includes('node_modules')],
  ['Node (HTTP, streams, sockets, timers, crypto)', (url) => url.startsWith('node:')],
  ['V8 and native code (JSON, socket writes, microtasks)', () => true],
];

/** `fromSeconds`: samples taken earlier (the process starting, the warm-up) are left out. */
export function summarizeProfile(path: string, fromSeconds = 0, top = 12): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const selfMicros = new Map<number, number>();
  let at = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    at += delta;
    if (at >= fromSeconds * 1e6) selfMicros.set(id, (selfMicros.get(id) ?? 0) + delta);
  });
  let idle = 0;
  let busy = 0;
  const parts = new Map<string, number>();
  const functions = new Map<string, { name: string; where: string; micros: number }>();
  for (const [id, micros] of selfMicros) {
    const frame = byId.get(id)!;
    if (frame.functionName === '(idle)' || frame.functionName === '(program)') {
      idle += micros;
      continue;
    }
    busy += micros;
    const url = frame.url.replace(/^file:\/\//, '');
    const part = PARTS.find(([, matches]) => matches(url, frame.functionName))![0];
    parts.set(part, (parts.get(part) ?? 0) + micros);
    const where = url
      ? `${url.replace(/^.*node_modules\//, '').replace(/^.*\/(router|subgraphs|bench)\//, '$1/')}:${frame.lineNumber + 1}`
      : '(native)';
    const key = `${frame.functionName}\n${where}`;
    const known = functions.get(key) ?? { name: frame.functionName || '(anonymous)', where, micros: 0 };
    known.micros += micros;
    functions.set(key, known);
  }
  const share = (micros: number) => (busy ? micros / busy : 0);
  return {
    busySeconds: busy / 1e6,
    idleShare: idle / Math.max(1, idle + busy),
    parts: [...parts].map(([part, micros]) => ({ part, share: share(micros) })).sort((a, b) => b.share - a.share),
    functions: [...functions.values()]
      .sort((a, b) => b.micros - a.micros)
      .slice(0, top)
      .map(({ name, where, micros }) => ({ name, where, share: share(micros) })),
  };
}

/** The one profile `node --cpu-prof --cpu-prof-dir=<dir>` left in `dir`. */
export function profileIn(dir: string): string {
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${dir}: the profiled router did not exit cleanly`);
  return join(dir, file);
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

/** A report section: per workload, the parts and the busiest functions. */
export function profileSection(profiles: { workload: string; requestsPerSecond: number; summary: ProfileSummary }[]): string {
  if (!profiles.length) return '';
  const lines = [
    '',
    '## Where our router spends its time',
    '',
    'A separate run per workload, not counted above: our router under the same load with `node --cpu-prof`, its samples from the counted window (its start and the warm-up left out) grouped by where the code lives. Shares are of the busy time; "idle" is the share of the window the router waited for work (for the subgraphs, or for clients).',
    '',
  ];
  for (const { workload, requestsPerSecond, summary } of profiles) {
    lines.push(
      `### ${workload}`,
      '',
      `${Math.round(requestsPerSecond)} req/s while profiled; busy ${summary.busySeconds.toFixed(1)} s, idle ${percent(summary.idleShare)} of the run.`,
      '',
      '| part | share of busy time |',
      '|---|---:|',
      ...summary.parts.filter((part) => part.share >= 0.005).map((part) => `| ${part.part} | ${percent(part.share)} |`),
      '',
      '| busiest functions (self time) | where | share |',
      '|---|---|---:|',
      ...summary.functions.map((fn) => `| \`${fn.name}\` | ${fn.where} | ${percent(fn.share)} |`),
      '',
    );
  }
  return lines.join('\n');
}
