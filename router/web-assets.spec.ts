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
    const module = await fetch(new URL('/assets/main.js', origin));
    expect(module.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves the React web client at / with its bundle, its stylesheet and the page CSP, built by npm install', async () => {
    const response = await fetch(new URL('/', origin));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("style-src 'self'");
    expect(policy).not.toContain('unsafe-inline');
    const page = await response.text();
    expect(page).toContain('<div id="root">');
    expect(page).toContain('<script type="module" src="/assets/main.js"></script>');
    expect(page).toContain('<link rel="stylesheet" href="/assets/main.css" />');
    // Nothing inline for the CSP to block: no <style>, no style attribute, no script body.
    expect(page).not.toMatch(/<style|\sstyle=|<script[^>]*>[^<]/);
    const bundle = await fetch(new URL('/assets/main.js', origin), { method: 'HEAD' });
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(Number(bundle.headers.get('content-length'))).toBeGreaterThan(100_000);
    const css = await fetch(new URL('/assets/main.css', origin));
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    // The client's stylesheet (web-client/src/app.css), print rules included, bundled with it.
    expect(await css.text()).toContain('@media print');
  });

  it('redirects the React client’s old address, /next and /next/, permanently to /', async () => {
    for (const path of ['/next', '/next/']) {
      const moved = await fetch(new URL(path, origin), { redirect: 'manual' });
      expect({ path, status: moved.status, location: moved.headers.get('location') }).toEqual({ path, status: 301, location: '/' });
      const followed = await fetch(new URL(path, origin));
      expect(followed.url).toBe(`${origin}/`);
      expect(await followed.text()).toContain('src="/assets/main.js"');
    }
    expect((await fetch(new URL('/next/main.js', origin))).status).toBe(404);
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

  it.each([
    '/next/../package.json',
    '/assets/../package.json',
    '/assets/..%2Fbuild.ts',
    '/assets/.hidden',
    '/graphiql/../build.ts',
    '/assets/src/../../build.ts',
    '/assets/../src/main.tsx',
  ])('never serves a file outside its folder: %s', async (path) => {
    const { status, body } = await rawGet(origin, path);
    // Refused by the router's path check (path-safety.ts) before any folder is looked at, or by the asset server itself.
    expect(status).toBe(404);
    expect(body).not.toContain('commerce-supergraph');
    expect(body).not.toContain('esbuild');
  });

  it('answers a missing file with 404 and a write with 405', async () => {
    expect((await fetch(new URL('/assets/nothing-here.js', origin))).status).toBe(404);
    for (const path of ['/', '/assets/main.js', '/next/']) {
      const post = await fetch(new URL(path, origin), { method: 'POST', body: '{}' });
      expect({ path, status: post.status, allow: post.headers.get('allow') }).toEqual({ path, status: 405, allow: 'GET, HEAD' });
    }
  });
});
