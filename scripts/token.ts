import { parseArgs } from 'node:util';
import { createTokenMinter } from '../platform/auth/jwt.ts';
import { loadSecrets } from '../platform/auth/secrets.ts';
import { ConfigError, loadConfig, SUBGRAPH_NAMES } from '../platform/config/config.ts';

/**
 * Mints a bearer token for development:
 *   npm run -s token -- --scopes catalogue:write,stock:read [--subject staff-dev] [--kind staff] [--ttl 3600]
 * Prints only the token on stdout, so `TOKEN=$(npm run -s token -- ...)` works;
 * everything else goes to stderr. It signs with the development key in
 * DATA_DIR (or JWT_PRIVATE_KEY), the same one the router verifies with.
 *
 * Exit codes: 0 minted, 2 refused (production, no private key, bad arguments).
 */

const USAGE = 'usage: npm run -s token -- --scopes <scope,...> [--subject <id>] [--kind staff|member] [--ttl <seconds>]';
const MAX_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Scopes (docs/architecture.md §4): `<domain>:<read|write>` for the six domains, `members:pii` for personal data, and
 * `documents:write` / `documents:arbitrary` for trusted documents (§11).
 */
const SCOPE = new RegExp(`^(?:(?:${SUBGRAPH_NAMES.join('|')}):(?:read|write)|members:pii|documents:(?:write|arbitrary))$`);

class Refusal extends Error {}

async function main(argv: readonly string[]): Promise<string> {
  // Before anything reads keys: a production process must not mint tokens around the members subgraph.
  if (process.env.NODE_ENV?.trim() === 'production') {
    throw new Refusal(
      'npm run token mints development tokens and refuses to run with NODE_ENV=production; sign in through the members subgraph',
    );
  }
  let values: { scopes?: string; subject?: string; kind?: string; ttl?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { scopes: { type: 'string' }, subject: { type: 'string' }, kind: { type: 'string' }, ttl: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new Refusal(`${(error as Error).message}\n${USAGE}`);
  }

  const scopes = (values.scopes ?? '')
    .split(',')
    .map((scope) => scope.trim())
    .filter(Boolean);
  const malformed = scopes.filter((scope) => !SCOPE.test(scope));
  if (malformed.length > 0) {
    throw new Refusal(
      `malformed scope ${malformed.map((scope) => `"${scope}"`).join(', ')}: a scope is <domain>:read or <domain>:write ` +
        `with a domain among ${SUBGRAPH_NAMES.join(', ')}, members:pii, documents:write or documents:arbitrary`,
    );
  }
  const kind = values.kind ?? 'staff';
  if (kind !== 'staff' && kind !== 'member') throw new Refusal(`--kind must be staff or member; received "${kind}"`);
  const subject = values.subject ?? `${kind}-dev`;
  if (subject.trim() === '') throw new Refusal('--subject must not be empty');
  const ttlSeconds = Number(values.ttl ?? 3600);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
    throw new Refusal(`--ttl must be a whole number of seconds from 1 to ${MAX_TTL_SECONDS}; received "${values.ttl}"`);
  }

  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env, 'token');
  } catch (error) {
    if (error instanceof ConfigError) throw new Refusal(error.message);
    throw error;
  }
  const privateKey = loadSecrets(config).jwtPrivateKey;
  if (!privateKey) {
    throw new Refusal('no JWT private key is available: JWT_PUBLIC_KEY is set without JWT_PRIVATE_KEY, so tokens cannot be minted here');
  }
  const mint = await createTokenMinter(privateKey, { issuer: config.jwtIssuer, audience: config.jwtAudience });
  return mint({ subject, kind, scopes, ttlSeconds });
}

try {
  process.stdout.write(`${await main(process.argv.slice(2))}\n`);
} catch (error) {
  if (!(error instanceof Refusal)) throw error;
  process.stderr.write(`token: ${error.message}\n`);
  process.exitCode = 2;
}
