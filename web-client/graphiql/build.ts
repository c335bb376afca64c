/**
 * Bundles the GraphiQL page (React, GraphiQL 5 and its Monaco workers) into
 * `web-client/graphiql/dist/`, which the router serves at `/graphiql`. Runs from
 * npm's `prepare` (so `npm install` / `npm ci` build it) and from `npm start`
 * with `--if-missing`. The output is git-ignored: it is made from pinned
 * packages, never edited.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const here = import.meta.dirname;
const GRAPHIQL_DIST = join(here, 'dist');

if (process.argv.includes('--if-missing') && existsSync(join(GRAPHIQL_DIST, 'index.html'))) process.exit(0);

// esbuild is a dev dependency: a production install (`npm ci --omit=dev`) has no GraphiQL page, and says so at /graphiql.
const esbuildPath = resolveOrNull('esbuild');
if (!esbuildPath) {
  console.log('GraphiQL not built: esbuild is not installed (a dev dependency)');
  process.exit(0);
}
const esbuild = (await import(esbuildPath)) as typeof import('esbuild');

const started = Date.now();
rmSync(GRAPHIQL_DIST, { recursive: true, force: true });
mkdirSync(GRAPHIQL_DIST, { recursive: true });
const common = {
  bundle: true,
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
  target: 'es2022',
} as const;
await Promise.all([
  esbuild.build({
    ...common,
    entryPoints: { main: join(here, 'main.jsx') },
    outdir: GRAPHIQL_DIST,
    format: 'esm',
    jsx: 'automatic',
    // Monaco's codicon font; GraphiQL's own CSS has no other assets.
    loader: { '.ttf': 'file' },
  }),
  esbuild.build({
    ...common,
    entryPoints: {
      'editor.worker': 'monaco-editor/esm/vs/editor/editor.worker.js',
      'json.worker': 'monaco-editor/esm/vs/language/json/json.worker.js',
      'graphql.worker': 'monaco-graphql/esm/graphql.worker.js',
    },
    outdir: GRAPHIQL_DIST,
    format: 'iife',
  }),
]);
copyFileSync(join(here, 'index.html'), join(GRAPHIQL_DIST, 'index.html'));
console.log(`GraphiQL built into ${GRAPHIQL_DIST} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

function resolveOrNull(name: string): string | null {
  try {
    return createRequire(import.meta.url).resolve(name);
  } catch {
    return null;
  }
}
