import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { sendError } from '../platform/http/graphql-over-http.ts';
import { sendsPageHeaders } from './security-headers.ts';

const WEB_CLIENT = join(import.meta.dirname, '..', 'web-client');

/**
 * The web client's static files, by URL prefix. Each maps to one folder; the
 * graphql-ws client is served straight from its package (its ES module build
 * needs no bundler; `client.js` sits next to the `client.cjs` require finds),
 * and GraphiQL from the bundle web-client/graphiql/build.ts makes (absent from
 * a production install, which has no esbuild).
 */
const FOLDERS: Record<string, string> = {
  '/app/': join(WEB_CLIENT, 'app'),
  '/vendor/graphql-ws/': dirname(createRequire(import.meta.url).resolve('graphql-ws/client')),
  '/graphiql/': join(WEB_CLIENT, 'graphiql', 'dist'),
  // The React web client (web-client/build.ts), served beside the current one while its pages are ported (issue 22).
  '/next/': join(WEB_CLIENT, 'dist'),
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

// Plain names only (no `..`, no hidden files), so a request can never leave its folder.
const SAFE_RELATIVE_PATH = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/){0,3}[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * Serves `/app/*`, `/vendor/graphql-ws/*` and `/graphiql` (with its assets).
 * Returns false for any other path, so the router goes on routing it.
 */
export async function serveWebAsset(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
  const file = fileFor(INDEX_PAGES[path] ?? path);
  if (file === undefined) return false;
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    sendError(res, 405, 'BAD_REQUEST', `${path} answers GET and HEAD; received ${method}`, { allow: 'GET, HEAD' });
    return true;
  }
  const contentType = file && CONTENT_TYPES[extname(file)];
  const body = contentType ? await readFile(file).catch(() => null) : null;
  if (!body) {
    if (path.startsWith('/graphiql')) {
      sendError(res, 503, 'NOT_BUILT', 'GraphiQL is not built; `npm install` (its prepare script) or `npm start` builds it');
    } else if (path.startsWith('/next')) {
      sendError(res, 503, 'NOT_BUILT', 'the web client is not built; `npm install` (its prepare script) or `npm start` builds it');
    } else {
      sendError(res, 404, 'NOT_FOUND', `no file ${path}`);
    }
    return true;
  }
  if (extname(file!) === '.html') sendsPageHeaders(res, req, path.startsWith('/graphiql') ? 'graphiql' : 'web-client');
  // Read on every request and revalidated by the browser, so an edited page shows without a restart.
  res.writeHead(200, { 'content-type': contentType!, 'content-length': body.length, 'cache-control': 'no-cache' });
  res.end(method === 'HEAD' ? undefined : body);
  return true;
}

const INDEX_PAGES: Record<string, string> = {
  '/graphiql': '/graphiql/index.html',
  '/graphiql/': '/graphiql/index.html',
  '/next': '/next/index.html',
  '/next/': '/next/index.html',
};

/** The file a path names; null when the prefix is ours but the rest is not a plain file name; undefined when not ours. */
function fileFor(path: string): string | null | undefined {
  for (const [prefix, folder] of Object.entries(FOLDERS)) {
    if (!path.startsWith(prefix)) continue;
    const relative = path.slice(prefix.length);
    return SAFE_RELATIVE_PATH.test(relative) ? join(folder, relative) : null;
  }
  return undefined;
}
