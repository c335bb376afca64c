/**
 * Bundles the web client (web-client/src/) into `web-client/dist/`: main.js, the
 * stylesheet main.tsx imports as main.css, and index.html, which the router serves
 * at `/` (the others at `/assets/`). Runs from npm's `prepare` (so `npm install` / `npm ci` build it),
 * from `npm start` and from the browser tests with `--if-missing`. The output is
 * git-ignored: it is made from pinned packages, never edited.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const here = import.meta.dirname;
const WEB_CLIENT_DIST = join(here, 'dist');

// Every file the page loads, so a bundle built before the stylesheet moved into it (no main.css) is rebuilt.
const BUILT = ['index.html', 'main.js', 'main.css'];
if (process.argv.includes('--if-missing') && BUILT.every((file) => existsSync(join(WEB_CLIENT_DIST, file)))) process.exit(0);

// esbuild is a dev dependency: a production install (`npm ci --omit=dev`) has no bundle, and the router says so.
const esbuildPath = resolveOrNull('esbuild');
if (!esbuildPath) {
  console.log('web client not built: esbuild is not installed (a dev dependency)');
  process.exit(0);
}
const esbuild = (await import(esbuildPath)) as typeof import('esbuild');

const started = Date.now();
rmSync(WEB_CLIENT_DIST, { recursive: true, force: true });
mkdirSync(WEB_CLIENT_DIST, { recursive: true });
await esbuild.build({
  entryPoints: { main: join(here, 'src', 'main.tsx') },
  outdir: WEB_CLIENT_DIST,
  bundle: true,
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  format: 'esm',
  jsx: 'automatic',
  target: 'es2022',
  define: { 'process.env.NODE_ENV': '"production"' },
});
copyFileSync(join(here, 'src', 'index.html'), join(WEB_CLIENT_DIST, 'index.html'));
console.log(`web client built into ${WEB_CLIENT_DIST} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

function resolveOrNull(name: string): string | null {
  try {
    return createRequire(import.meta.url).resolve(name);
  } catch {
    return null;
  }
}
