import { graphqlUrl } from '../http/urls.ts';
import { declareSettings, flag, type Mode, oneOf, path, pem, port, secret, setting, text, url, wholeNumber } from './env.ts';

/**
 * The settings every process reads (router, subgraphs, `npm run migrate`,
 * `npm run token`): mode, where each service listens and answers, the keys of
 * the identity header and of bearer tokens, logs and tracing. Defaults give the
 * embedded mode (`npm start`): every service on 127.0.0.1 with the ports of
 * docs/architecture.md §1, development keys generated into DATA_DIR.
 */

export const SUBGRAPH_NAMES = ['catalogue', 'stock', 'orders', 'members', 'payments', 'invoices'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

export const DEFAULT_PORTS: Record<SubgraphName | 'router', number> = {
  router: 4000,
  catalogue: 4001,
  stock: 4002,
  orders: 4003,
  members: 4004,
  payments: 4005,
  invoices: 4006,
};

export const modeSetting = oneOf('NODE_ENV', ['development', 'test', 'production'], {
  default: 'development',
  description: 'Production hides error details, refuses development keys and does not seed demo data.',
});
const host = text('HOST', { default: '127.0.0.1', description: 'Interface every service binds to.' });
const dataDir = path('DATA_DIR', {
  default: './data',
  description: 'SQLite files and the generated development keys (`dev-keys.json`).',
});
const routerPort = port('ROUTER_PORT', { default: DEFAULT_PORTS.router, description: 'Router port.' });
const [firstSubgraph, ...otherSubgraphs] = SUBGRAPH_NAMES;
const subgraphPorts = Object.fromEntries(
  SUBGRAPH_NAMES.map((name) => [
    name,
    port(`${name.toUpperCase()}_PORT`, {
      default: DEFAULT_PORTS[name],
      description: 'Subgraph ports.',
      defaultText: `\`${DEFAULT_PORTS[firstSubgraph]}\` … \`${DEFAULT_PORTS[otherSubgraphs.at(-1)!]}\``,
      documentedWith: name === firstSubgraph ? undefined : `${firstSubgraph.toUpperCase()}_PORT`,
    }),
  ]),
) as Record<SubgraphName, ReturnType<typeof port>>;
const subgraphUrls = Object.fromEntries(
  SUBGRAPH_NAMES.map((name) => [
    name,
    url(`${name.toUpperCase()}_URL`, {
      protocols: ['http:', 'https:'],
      description: 'Where the router (and a subgraph calling another) reaches each subgraph.',
      defaultText: '`http://<HOST>:<port>/graphql`',
      documentedWith: name === firstSubgraph ? undefined : `${firstSubgraph.toUpperCase()}_URL`,
    }),
  ]),
) as Record<SubgraphName, ReturnType<typeof url>>;
const internalAuthSecret = secret('INTERNAL_AUTH_SECRET', {
  minLength: 32,
  defaultText: 'generated into `DATA_DIR`',
  description: 'The key of the identity header the router signs for subgraphs. Required in production.',
});
const jwtPublicKey = pem('JWT_PUBLIC_KEY', ['PUBLIC KEY'], {
  defaultText: 'generated into `DATA_DIR`',
  description: 'PEM (Ed25519 or EC P-256) that verifies bearer tokens. Required in production.',
});
const jwtPrivateKey = pem('JWT_PRIVATE_KEY', ['PRIVATE KEY'], {
  defaultText: 'generated into `DATA_DIR`',
  description: "PEM that signs tokens: the members subgraph's login and the development token command.",
});
const jwtPreviousPublicKey = pem('JWT_PREVIOUS_PUBLIC_KEY', ['PUBLIC KEY'], {
  description:
    'During a key rotation, the public key being retired: its tokens (told apart by their `kid`) stay valid until they expire. ' +
    'The members subgraph publishes its current and previous key at `/.well-known/jwks.json`; the router publishes those plus ' +
    'its own configured keys at its `/.well-known/jwks.json`.',
});
const jwtIssuer = text('JWT_ISSUER', { default: 'commerce-supergraph', description: 'The `iss` and `aud` every token must carry.' });
const jwtAudience = text('JWT_AUDIENCE', {
  default: 'commerce-supergraph',
  description: 'The `iss` and `aud` every token must carry.',
  documentedWith: 'JWT_ISSUER',
});
const logFormat = oneOf('LOG_FORMAT', ['json', 'text'], {
  default: (mode) => (mode === 'production' ? 'json' : 'text'),
  defaultText: '`json` in production, `text` otherwise',
  description:
    '`json`: one JSON object per line through pino (`time`, `level`, `service`, `message`, `requestId`, `trace_id` and `span_id` when traced, `error`; secrets and personal data redacted) ' +
    'plus one `request` line per HTTP request; `text`: the human `[service] message` lines.',
});
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const logLevel = oneOf('LOG_LEVEL', LOG_LEVELS, {
  default: 'info',
  description:
    'The least severe level written (pino levels). Tests keep services at `error` whatever it says, except `fatal` and `silent`, which quiet them further.',
});
const otelExporterOtlpEndpoint = url('OTEL_EXPORTER_OTLP_ENDPOINT', {
  protocols: ['http:', 'https:'],
  defaultText: 'unset (no tracing)',
  description:
    "An OTLP/HTTP collector's base URL, e.g. `http://otel-collector:4318`: the OpenTelemetry SDK sends spans to `<url>/v1/traces` " +
    '(OTLP protobuf). Unset, no SDK is started: nothing is traced and nothing costs.',
});
const otelServiceName = text('OTEL_SERVICE_NAME', {
  pattern: /^[A-Za-z0-9._-]{1,100}$/,
  rule: "is 1 to 100 letters, digits, '.', '_' or '-'",
  defaultText: 'the service (`router`, `orders`, …)',
  description:
    "The traces' `service.name`. Set it per container; the embedded start runs every service in one process and names each " +
    'after itself unless this is set.',
});
const otelTracesSampler = oneOf(
  'OTEL_TRACES_SAMPLER',
  ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'],
  {
    default: 'parentbased_always_on',
    description: "Which traces are kept (OpenTelemetry's standard samplers): `parentbased_*` follow the caller's sampled flag.",
  },
);
const otelTracesSamplerArg = setting<number | undefined>(
  'OTEL_TRACES_SAMPLER_ARG',
  'a number from 0 to 1',
  undefined,
  { defaultText: '`1`', description: 'The ratio of traces kept by `traceidratio` and `parentbased_traceidratio`.' },
  (value, problem) => {
    const ratio = Number(value);
    if (value.trim() !== '' && ratio >= 0 && ratio <= 1) return ratio;
    problem(`OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1; received "${value}"`);
    return undefined;
  },
);
const shutdownGraceMs = wholeNumber('SHUTDOWN_GRACE_MS', {
  default: (mode) => (mode === 'test' ? 1000 : 10_000),
  min: 0,
  max: 120_000,
  defaultText: '`10000` (`1000` under `NODE_ENV=test`)',
  description: 'On SIGTERM/SIGINT, how long requests in flight may finish before their connections are cut.',
});

const webhookAllowPrivateUrls = flag('WEBHOOK_ALLOW_PRIVATE_URLS', {
  default: false,
  description:
    'Outside production only (refused there): webhooks may use http and private or loopback addresses, for tests and the demo. ' +
    'Off, webhook URLs must be https and resolve only to public addresses (members checks at createWebhook, the router at each attempt).',
});

export type TracesSampler = ReturnType<typeof otelTracesSampler.parse> & string;

export type CommonConfig = {
  /** NODE_ENV. Production refuses development keys and hides error details. */
  mode: Mode;
  /** HOST: the interface every service binds to. */
  host: string;
  /** DATA_DIR: SQLite files and development keys. */
  dataDir: string;
  /** <NAME>_PORT: the port each service listens on. */
  ports: Record<SubgraphName | 'router', number>;
  /** <NAME>_URL: where the router reaches each subgraph's GraphQL endpoint. */
  subgraphUrls: Record<SubgraphName, string>;
  /** INTERNAL_AUTH_SECRET: HMAC key for the identity header the router signs for subgraphs. */
  internalAuthSecret: string | undefined;
  /** JWT_PUBLIC_KEY / JWT_PRIVATE_KEY: PEM keys (EdDSA or ES256) for bearer tokens. */
  jwtPublicKey: string | undefined;
  jwtPrivateKey: string | undefined;
  /** JWT_PREVIOUS_PUBLIC_KEY: during a key rotation, the key being retired; its tokens stay valid until they expire. */
  jwtPreviousPublicKey: string | undefined;
  /** JWT_ISSUER / JWT_AUDIENCE: the `iss` and `aud` every bearer token must carry. */
  jwtIssuer: string;
  jwtAudience: string;
  /** LOG_FORMAT: `json` (one object per line, for a log pipeline) or `text`. */
  logFormat: 'json' | 'text';
  /** LOG_LEVEL: the least severe level written. */
  logLevel: (typeof LOG_LEVELS)[number];
  /** OTEL_EXPORTER_OTLP_ENDPOINT: an OTLP/HTTP collector's base URL; set, spans go to `<url>/v1/traces`. Unset: no tracing at all. */
  otelExporterOtlpEndpoint: string | undefined;
  /** OTEL_SERVICE_NAME: the traces' service.name; unset, each service's own name. */
  otelServiceName: string | undefined;
  /** OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG: OpenTelemetry's standard sampler and its ratio. */
  otelTracesSampler: TracesSampler;
  otelTracesSamplerArg: number | undefined;
  /** SHUTDOWN_GRACE_MS: how long a stopping service lets requests in flight finish. */
  shutdownGraceMs: number;
  /** WEBHOOK_ALLOW_PRIVATE_URLS: outside production, webhooks may call http and private addresses (tests, the demo). */
  webhookAllowPrivateUrls: boolean;
  /** HEAP_GROWTH_PERCENT: how far the heap may grow past its live data before V8 collects again (platform/runtime/heap-growth.ts); 0: V8 decides. */
  heapGrowthPercent: number;
};

const heapGrowthPercent = wholeNumber('HEAP_GROWTH_PERCENT', {
  default: 60,
  min: 0,
  max: 300,
  unit: 'percent',
  description:
    'How far V8 lets the JavaScript heap grow past what survived its last full collection before it collects again (`60`: to 1.6 times). ' +
    "V8's own factor on a machine with gigabytes free is up to 4, so a busy router held 530-590 MB for about 50 MB of live data; at 60% it held " +
    '350-420 MB with no more CPU per answer (bench/results/2026-12-05-heap-growth.md). The heap limit is unchanged. `0` leaves the choice to V8.',
});

export const commonSettings = declareSettings<unknown, CommonConfig>({
  readBy: 'every process',
  settings: [
    modeSetting,
    host,
    dataDir,
    routerPort,
    ...Object.values(subgraphPorts),
    ...Object.values(subgraphUrls),
    internalAuthSecret,
    jwtPublicKey,
    jwtPrivateKey,
    jwtPreviousPublicKey,
    jwtIssuer,
    jwtAudience,
    logFormat,
    logLevel,
    otelExporterOtlpEndpoint,
    otelServiceName,
    otelTracesSampler,
    otelTracesSamplerArg,
    shutdownGraceMs,
    webhookAllowPrivateUrls,
    heapGrowthPercent,
  ],
  build(read, { mode, problem }) {
    const hostValue = read(host);
    const ports = { router: read(routerPort) } as CommonConfig['ports'];
    const urls = {} as CommonConfig['subgraphUrls'];
    for (const name of SUBGRAPH_NAMES) {
      ports[name] = read(subgraphPorts[name]);
      urls[name] = read(subgraphUrls[name]) ?? graphqlUrl(hostValue, ports[name]);
    }
    const config: CommonConfig = {
      mode,
      host: hostValue,
      dataDir: read(dataDir),
      ports,
      subgraphUrls: urls,
      internalAuthSecret: read(internalAuthSecret),
      jwtPublicKey: read(jwtPublicKey),
      jwtPrivateKey: read(jwtPrivateKey),
      jwtPreviousPublicKey: read(jwtPreviousPublicKey),
      jwtIssuer: read(jwtIssuer),
      jwtAudience: read(jwtAudience),
      logFormat: read(logFormat),
      logLevel: read(logLevel),
      otelExporterOtlpEndpoint: read(otelExporterOtlpEndpoint),
      otelServiceName: read(otelServiceName),
      otelTracesSampler: read(otelTracesSampler),
      otelTracesSamplerArg: read(otelTracesSamplerArg),
      shutdownGraceMs: read(shutdownGraceMs),
      webhookAllowPrivateUrls: read(webhookAllowPrivateUrls),
      heapGrowthPercent: read(heapGrowthPercent),
    };
    if (mode === 'production') {
      if (config.internalAuthSecret === undefined) problem('INTERNAL_AUTH_SECRET is required in production');
      if (config.jwtPublicKey === undefined) problem('JWT_PUBLIC_KEY is required in production');
      if (config.webhookAllowPrivateUrls) problem('WEBHOOK_ALLOW_PRIVATE_URLS cannot be true in production');
    }
    return config;
  },
});
