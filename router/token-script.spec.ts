import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Harness, startHarness } from './testing/harness.ts';
import { WHOAMI } from './testing/operations.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');

/** Runs `scripts/token.ts` as `npm run token` does, with Node 24 from the project. */
async function token(args: readonly string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(join(ROOT, 'node_modules/.bin/node'), ['scripts/token.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run token', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.close();
  });

  it('prints only a token, which the router accepts with the scopes asked for', async () => {
    const { code, stdout } = await token(['--scopes', 'catalogue:write,stock:read', '--subject', 'staff-dev'], {
      NODE_ENV: 'test',
      DATA_DIR: harness.dataDir,
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const { status, body } = await harness.graphql(WHOAMI, { token: stdout.trim() });
    expect(status).toBe(200);
    expect(body.data).toEqual({ whoami: { kind: 'staff', subject: 'staff-dev', scopes: ['catalogue:write', 'stock:read'] } });
  });

  it('refuses to run in production with exit code 2 and prints no token', async () => {
    const { code, stdout, stderr } = await token(['--scopes', 'catalogue:write'], { NODE_ENV: 'production', DATA_DIR: harness.dataDir });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('refuses to run with NODE_ENV=production');
  });

  it('refuses a malformed scope with exit code 2, naming it and the accepted forms', async () => {
    const { code, stdout, stderr } = await token(['--scopes', 'catalogue:write,catalog:write,stock:delete'], {
      NODE_ENV: 'test',
      DATA_DIR: harness.dataDir,
    });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'token: malformed scope "catalog:write", "stock:delete": a scope is <domain>:read or <domain>:write ' +
        'with a domain among catalogue, stock, orders, members, payments, invoices, members:pii, documents:write or documents:arbitrary\n',
    );
  });

  it('refuses with exit code 2 when no private key is available to sign with', async () => {
    const { code, stderr } = await token(['--scopes', 'members:pii'], {
      NODE_ENV: 'test',
      DATA_DIR: harness.dataDir,
      JWT_PUBLIC_KEY: harness.secrets.jwtPublicKey,
    });
    expect(code).toBe(2);
    expect(stderr).toContain('no JWT private key is available');
  });
});
