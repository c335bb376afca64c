import type { Identity } from '../../platform/auth/identity.ts';
import { signIdentity } from '../../platform/auth/identity-header.ts';
import { loadSecrets } from '../../platform/auth/secrets.ts';
import { loadConfig } from '../../platform/config/config.ts';
import { supergraphForGateway } from '../../router/auth/gateway-sdl.ts';
import { parseSupergraph, readSupergraph } from '../../router/supergraph.ts';

/**
 * What every router under test shares: the callers the workloads run as, the
 * subgraph URLs of this run, and the supergraph as the peers load it.
 *
 * Our router derives the caller from each request's bearer token or API key
 * and signs the identity header itself; the peers know nothing of our tokens
 * or keys. So the harness signs, per caller, the identity our router would
 * derive, and the load generator sends it beside the credentials in a
 * bench-only request header, `x-bench-identity`; the peers copy it into the
 * identity header of every subgraph fetch of that request. Every subgraph then
 * sees the same caller whichever router asks. Our router never reads that
 * header (nor an incoming identity header): it overwrites the identity header
 * of each subgraph fetch with the one it signs from the credentials.
 */
export const BENCH_IDENTITY_HEADER = 'x-bench-identity';

/**
 * The staff caller of the burst, the write mix and the fan-out (the heavy workload's staff have its scopes under
 * other names), and what the peers forward for a request without a bench identity.
 */
export const BENCH_CALLER: Identity = {
  kind: 'staff',
  subject: 'bench',
  scopes: ['catalogue:read', 'stock:read', 'orders:read', 'members:read', 'payments:read', 'invoices:read'],
};

/** Long enough for any run; our router signs a fresh header per request instead. */
export const HEADER_TTL_SECONDS = 24 * 3600;

export type ChildSettings = { subgraphUrls: Record<string, string> };

/** The settings the harness passes to a router child in BENCH_SETTINGS. */
export function childSettings(): ChildSettings {
  const raw = process.env.BENCH_SETTINGS;
  if (!raw) throw new Error('BENCH_SETTINGS is not set: router children are started by bench/router-bench.ts');
  return JSON.parse(raw) as ChildSettings;
}

/** The staff caller's signed identity: what a peer forwards for a request that carries no bench identity. */
export function benchIdentityHeader(): string {
  return signedIdentity(BENCH_CALLER, loadSecrets(loadConfig(process.env)).internalAuthSecret);
}

/** A caller's identity header as the harness signs it once per caller, to travel in `x-bench-identity`. */
export function signedIdentity(identity: Identity, internalAuthSecret: string): string {
  return signIdentity(identity, internalAuthSecret, HEADER_TTL_SECONDS);
}

/**
 * The supergraph without the auth directives the gateway refuses
 * (router/auth/gateway-sdl.ts), each subgraph's routing URL replaced by the
 * one this run listens on.
 */
export function peerSupergraph(subgraphUrls: Record<string, string>): string {
  const sdl = supergraphForGateway(parseSupergraph(readSupergraph()));
  return sdl.replace(/@join__graph\(name: "([^"]+)", url: "[^"]*"\)/g, (whole, name: string) => {
    const url = subgraphUrls[name];
    return url ? `@join__graph(name: "${name}", url: "${url}")` : whole;
  });
}

/** Tells the harness where this child listens, and stops it when asked (or when the harness goes away). */
export function reportListening(url: string, close: () => Promise<void>): void {
  const stop = () => {
    void close()
      .catch(() => undefined)
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
  process.send?.({ listening: url });
}
