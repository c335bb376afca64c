import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { type Harness, startHarness } from './testing/harness.ts';

/** A GET with the path sent exactly as written (fetch would normalise `..` away). */
function rawGet(origin: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the web client files served by the router', () => {
  let harness: Harness;
  let origin: string;
  beforeAll(async () => {
    // The React client's bundle is git-ignored; build it when a checkout has not yet (npm prepare does).
    execFileSync(process.execPath, [join(import.meta.dirname, '..', 'web-client', 'build.ts'), '--if-missing'], { stdio: 'inherit' });
    harness = await startHarness();
    origin = new URL(harness.routerUrl).origin;
  });
  afterAll(async () => {
    await harness.close();
  });

  it('serves every ES module the page loads, from main.js down to the graphql-ws client, as JavaScript', async () => {
    const seen = new Set<string>();
    const queue = ['/app/main.js'];
    while (queue.length > 0) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      seen.add(path);
      const response = await fetch(new URL(path, origin));
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      const source = await response.text();
      // Static imports start a line; the same words inside a string (an error message) do not.
      for (const [, specifier] of source.matchAll(/^(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/gm)) {
        queue.push(new URL(specifier!, new URL(path, origin)).pathname);
      }
    }
    expect([...seen]).toEqual(expect.arrayContaining(['/app/main.js', '/app/graph.js', '/vendor/graphql-ws/client.js']));
    expect([...seen].some((path) => /^\/vendor\/graphql-ws\/common-.*\.js$/.test(path))).toBe(true);
  });

  it('sends the pages with a strict content security policy, no framing, no sniffing and no referrer', async () => {
    for (const path of ['/', '/graphiql']) {
      const response = await fetch(new URL(path, origin));
      const policy = response.headers.get('content-security-policy') ?? '';
      expect(policy).toContain("script-src 'self'");
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).toContain("base-uri 'none'");
      expect(policy).not.toMatch(/script-src[^;]*(unsafe-inline|unsafe-eval)/);
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    }
    const module = await fetch(new URL('/app/main.js', origin));
    expect(module.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('links the page to its stylesheet and script', async () => {
    const page = await (await fetch(new URL('/', origin))).text();
    expect(page).toContain('src="/app/main.js"');
    const css = await fetch(new URL('/app/app.css', origin));
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('serves GraphiQL at /graphiql with its bundle, built by npm install', async () => {
    for (const path of ['/graphiql', '/graphiql/']) {
      const response = await fetch(new URL(path, origin));
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('src="/graphiql/main.js"');
    }
    const bundle = await fetch(new URL('/graphiql/main.js', origin), { method: 'HEAD' });
    expect(bundle.status).toBe(200);
    expect(Number(bundle.headers.get('content-length'))).toBeGreaterThan(100_000);
  });

  it('serves the React web client at /next with its bundle and the page CSP, built by npm install', async () => {
    for (const path of ['/next', '/next/']) {
      const response = await fetch(new URL(path, origin));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await response.text()).toContain('src="/next/main.js"');
    }
    const bundle = await fetch(new URL('/next/main.js', origin), { method: 'HEAD' });
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(Number(bundle.headers.get('content-length'))).toBeGreaterThan(100_000);
  });

  it.each([
    '/next/../package.json',
    '/app/../package.json',
    '/app/..%2Fpackage.json',
    '/app/.hidden',
    '/vendor/graphql-ws/../package.json',
    '/graphiql/../build.ts',
    '/app/pages/../../index.html',
  ])('never serves a file outside its folder: %s', async (path) => {
    const { status, body } = await rawGet(origin, path);
    // Refused by the router's path check (path-safety.ts) before any folder is looked at, or by the asset server itself.
    expect(status).toBe(404);
    expect(body).not.toContain('commerce-supergraph');
    expect(body).not.toContain('esbuild');
  });

  it('answers a missing file with 404 and a write with 405', async () => {
    expect((await fetch(new URL('/app/nothing-here.js', origin))).status).toBe(404);
    const post = await fetch(new URL('/app/main.js', origin), { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});
