import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SubgraphRoute } from '../../platform/graphql/subgraph.ts';
import { readBody, sendJson } from '../../platform/http/graphql-over-http.ts';
import { CALLBACK_BODY_LIMIT_BYTES, type CallbackAnswer, type CallbackDeps, receiveAlipay, receiveWeChatPay } from './callbacks.ts';
import { SIMULATOR_PAGES } from './providers/index.ts';
import { alipaySimulatorPage, wechatPaySimulatorPage } from './simulator-pages.ts';

/**
 * The payments server's HTTP routes besides GraphQL. The router forwards
 * POST /callbacks/* here unchanged (router/callbacks.ts); none of them asks for
 * the router's signed identity, since the callers are the providers (or, in
 * development, a person on the simulator's page): the providers' own
 * signatures are what is checked.
 */

export function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

export function answer(res: ServerResponse, result: CallbackAnswer): void {
  res.writeHead(result.status, result.contentType ? { 'content-type': result.contentType } : {});
  res.end(result.body);
}

function callback(receive: (deps: CallbackDeps, headers: Record<string, string>, body: string) => Promise<CallbackAnswer>): SubgraphRoute {
  return async (req, res, services) => {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      sendJson(res, 405, { code: 'FAIL', message: `callbacks are POSTed; received ${req.method}` });
      return;
    }
    const body = await readBody(req, CALLBACK_BODY_LIMIT_BYTES);
    const headers = headersOf(req);
    // Reached directly (not through the router, which adds it): the peer is the source the per-source limit counts.
    headers['x-forwarded-for'] ??= req.socket.remoteAddress ?? 'unknown';
    answer(res, await receive(services, headers, body));
  };
}

export const paymentsRoutes: Record<string, SubgraphRoute> = {
  '/callbacks/wechatpay': callback((deps, headers, body) => receiveWeChatPay(deps, headers, body)),
  '/callbacks/alipay': callback(receiveAlipay),
  [SIMULATOR_PAGES.wechatPay]: wechatPaySimulatorPage,
  [SIMULATOR_PAGES.alipay]: alipaySimulatorPage,
};
