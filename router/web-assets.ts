import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { sendError } from '../platform/http/graphql-over-http.ts';
import { sendsPageHeaders } from './security-headers.ts';

const WEB_CLIENT = join(import.meta.dirname, '..', 'web-client');

/**
 * The static files, by URL prefix. Each maps to one folder: the web client's
 * bundle (web-client/build.ts) and GraphiQL's (web-client/graphiql/build.ts),
 * both absent from a production install, which has no esbuild.
 */
const CLIENT_DIST = join(WEB_CLIENT, 'dist');
const GRAPHIQL_DIST = join(WEB_CLIENT, 'graphiql', 'dist');
const FOLDERS: Record<string, string> = {
  '/assets/': CLIENT_DIST,
  '/graphiql/': GRAPHIQL_DIST,
};

/**
 * Where the web client was served while it was ported (issue 22): bookmarks of it move, permanently, to `/`.
 * The browser keeps the `#/route` across the redirect, so `/next/#/register` lands on `/#/register`.
 */
const MOVED: Record<string, string> = { '/next': '/', '/next/': '/' };

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
 * Serves the web client at `/` (its files at `/assets/*`) and GraphiQL at `/graphiql` (with its assets), and
 * redirects the client's old address. Returns false for any other path, so the router goes on routing it.
 */
export async function serveWebAsset(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
  const moved = MOVED[path];
  const file = moved === undefined ? fileFor(INDEX_PAGES[path] ?? path) : undefined;
  if (moved === undefined && file === undefined) return false;
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    sendError(res, 405, 'BAD_REQUEST', `${path} answers GET and HEAD; received ${method}`, { allow: 'GET, HEAD' });
    return true;
  }
  if (moved !== undefined) {
    res.writeHead(301, { location: moved, 'content-length': 0 });
    res.end();
    return true;
  }
  const contentType = file && CONTENT_TYPES[extname(file)];
  const body = contentType ? await readFile(file).catch(() => null) : null;
  if (!body) {
    const unbuilt = unbuiltBundle(path);
    if (unbuilt)
      sendError(res, 503, 'NOT_BUILT', `${unbuilt} is not built; \`npm install\` (its prepare script) or \`npm start\` builds it`);
    else sendError(res, 404, 'NOT_FOUND', `no file ${path}`);
    return true;
  }
  if (extname(file!) === '.html') sendsPageHeaders(res, req, path.startsWith('/graphiql') ? 'graphiql' : 'web-client');
  // Read on every request and revalidated by the browser, so an edited page shows without a restart.
  res.writeHead(200, { 'content-type': contentType!, 'content-length': body.length, 'cache-control': 'no-cache' });
  res.end(method === 'HEAD' ? undefined : body);
  return true;
}

const INDEX_PAGES: Record<string, string> = {
  '/': '/assets/index.html',
  '/graphiql': '/graphiql/index.html',
  '/graphiql/': '/graphiql/index.html',
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

/** The bundle a path belongs to, by name, when it is not built (a production install has no esbuild); else undefined. */
function unbuiltBundle(path: string): string | undefined {
  const [name, folder] = path.startsWith('/graphiql')
    ? ['GraphiQL', GRAPHIQL_DIST]
    : path === '/' || path.startsWith('/assets/')
      ? ['the web client', CLIENT_DIST]
      : [];
  return folder !== undefined && !existsSync(join(folder, 'index.html')) ? name : undefined;
}
