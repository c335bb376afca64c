import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/config.ts';

/** The keys a process needs to sign and verify identities. */
export type Secrets = {
  /** HMAC key for the router-signed identity header (see identity-header.ts). */
  internalAuthSecret: string;
  /** PEM public key that verifies bearer JWTs. */
  jwtPublicKey: string;
  /** Every key tokens may be verified with: the current one, then one being rotated out. */
  jwtVerificationKeys: string[];
  /** PEM private key that signs bearer JWTs; absent where only verification happens. */
  jwtPrivateKey: string | undefined;
};

type DevKeys = { internalAuthSecret: string; jwtPublicKey: string; jwtPrivateKey: string };

/**
 * Secrets from the configuration, or development ones kept in DATA_DIR.
 *
 * Outside production, unset keys are generated once and stored in
 * `DATA_DIR/dev-keys.json`, so separate processes (the router, each subgraph,
 * `npm run token`) agree without any set-up. Production never gets here without
 * both keys: `loadConfig` requires them.
 */
export function loadSecrets(config: Config): Secrets {
  if (config.internalAuthSecret && config.jwtPublicKey) {
    return {
      internalAuthSecret: config.internalAuthSecret,
      jwtPublicKey: config.jwtPublicKey,
      jwtVerificationKeys: verificationKeys(config.jwtPublicKey, config),
      jwtPrivateKey: config.jwtPrivateKey,
    };
  }
  if (config.mode === 'production') {
    throw new Error('production requires INTERNAL_AUTH_SECRET and JWT_PUBLIC_KEY; development keys are refused');
  }
  const dev = loadOrCreateDevKeys(config.dataDir);
  const usesConfiguredJwt = config.jwtPublicKey !== undefined;
  const jwtPublicKey = config.jwtPublicKey ?? dev.jwtPublicKey;
  return {
    internalAuthSecret: config.internalAuthSecret ?? dev.internalAuthSecret,
    jwtPublicKey,
    jwtVerificationKeys: verificationKeys(jwtPublicKey, config),
    jwtPrivateKey: usesConfiguredJwt ? config.jwtPrivateKey : (config.jwtPrivateKey ?? dev.jwtPrivateKey),
  };
}

function verificationKeys(current: string, config: Config): string[] {
  return config.jwtPreviousPublicKey ? [current, config.jwtPreviousPublicKey] : [current];
}

function loadOrCreateDevKeys(dataDir: string): DevKeys {
  const file = join(dataDir, 'dev-keys.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DevKeys;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const pair = generateKeyPairSync('ed25519');
  const keys: DevKeys = {
    internalAuthSecret: randomBytes(32).toString('base64url'),
    jwtPublicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    jwtPrivateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
  try {
    // 'wx': when two processes start at once, exactly one writes; the other reads its keys.
    writeFileSync(file, JSON.stringify(keys, null, 2), { flag: 'wx', mode: 0o600 });
    return keys;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return JSON.parse(readFileSync(file, 'utf8')) as DevKeys;
  }
}
