import type { ServerResponse } from 'node:http';
import type { SubgraphRoute } from '../../platform/graphql/subgraph.ts';
import { readBody, sendJson } from '../../platform/http/graphql-over-http.ts';
import { formatMinor, parseMoney } from '../../platform/values/money.ts';
import { CALLBACK_BODY_LIMIT_BYTES, type CallbackAnswer, receiveAlipay, receiveWeChatPay } from './callbacks.ts';
import { paymentProviders } from './providers/index.ts';

/**
 * Development only: the page a simulated QR code points at. GET shows what is
 * being paid; POST "scans and pays": the simulator writes the callback the
 * provider would send, signed with the provider's (simulator) key, and it
 * goes through exactly the verification a real one does. The amount can be
 * changed on the page, to see a mismatched callback refused. Production, and
 * a provider configured for real, have no such page.
 */
const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

function page(res: ServerResponse, status: number, title: string, content: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}button{font-size:1.1rem;padding:.5rem 1.5rem}</style>
</head><body><h1>${escapeHtml(title)}</h1>${content}<p><small>Payment simulator: development only; no money moves.</small></p></body></html>`);
}

function result(res: ServerResponse, wantsJson: boolean, title: string, outcome: CallbackAnswer): void {
  if (wantsJson) {
    sendJson(res, 200, { callbackStatus: outcome.status, callbackBody: outcome.body });
    return;
  }
  const ok = outcome.status < 300 && outcome.body !== 'failure';
  page(
    res,
    200,
    title,
    `<p>${ok ? 'Paid: the shop accepted the signed callback.' : 'The shop refused the callback.'}</p>
<pre>${escapeHtml(`${outcome.status} ${outcome.body}`)}</pre>`,
  );
}

type Field = { name: string; label: string; value: string };

function payForm(res: ServerResponse, title: string, description: string, fields: Field[]): void {
  page(
    res,
    200,
    title,
    `<p>${escapeHtml(description)}</p><form method="post">${fields
      .map((field) => `<p><label>${escapeHtml(field.label)} <input name="${field.name}" value="${escapeHtml(field.value)}"></label></p>`)
      .join('')}<button type="submit">Scan and pay</button></form>`,
  );
}

const formOf = async (req: Parameters<SubgraphRoute>[0]) => new URLSearchParams(await readBody(req, CALLBACK_BODY_LIMIT_BYTES));

export const wechatPaySimulatorPage: SubgraphRoute = async (req, res, services) => {
  const simulator = services.config.mode === 'production' ? null : paymentProviders(services.config).wechatPaySimulator;
  if (!simulator) {
    sendJson(res, 404, { code: 'FAIL', message: 'the WeChat Pay simulator exists in development only' });
    return;
  }
  const query = new URL(req.url ?? '/', 'http://simulator').searchParams;
  const outTradeNo = query.get('out_trade_no') ?? '';
  if (req.method === 'GET') {
    const total = Number(query.get('total') ?? '0');
    payForm(res, 'WeChat Pay (simulator)', `${query.get('description') ?? ''}: ¥${formatMinor(total, 'CNY')} to pay`, [
      { name: 'total', label: 'Amount paid (fen)', value: String(total) },
    ]);
    return;
  }
  const form = await formOf(req);
  const total = Number(form.get('total') ?? query.get('total'));
  if (simulator.isClosed(outTradeNo)) {
    page(res, 409, 'WeChat Pay (simulator)', '<p>This code was closed: the order can no longer be paid with it.</p>');
    return;
  }
  const sent = simulator.paidCallback({ outTradeNo, totalFen: Number.isSafeInteger(total) ? total : 0 });
  result(
    res,
    (req.headers.accept ?? '').includes('json'),
    'WeChat Pay (simulator)',
    await receiveWeChatPay(services, sent.headers, sent.body),
  );
};

export const alipaySimulatorPage: SubgraphRoute = async (req, res, services) => {
  const simulator = services.config.mode === 'production' ? null : paymentProviders(services.config).alipaySimulator;
  if (!simulator) {
    sendJson(res, 404, { code: 'FAIL', message: 'the Alipay simulator exists in development only' });
    return;
  }
  const query = new URL(req.url ?? '/', 'http://simulator').searchParams;
  const outTradeNo = query.get('out_trade_no') ?? '';
  if (req.method === 'GET') {
    const total = query.get('total_amount') ?? '0.00';
    payForm(res, 'Alipay (simulator)', `${query.get('subject') ?? ''}: ¥${total} to pay`, [
      { name: 'total_amount', label: 'Amount paid (yuan)', value: total },
    ]);
    return;
  }
  const form = await formOf(req);
  const totalAmount = form.get('total_amount') ?? query.get('total_amount') ?? '';
  if (simulator.isClosed(outTradeNo) || !parseMoney({ amount: totalAmount, currencyCode: 'CNY' }).ok) {
    page(res, 409, 'Alipay (simulator)', '<p>This code was closed, or the amount is not a yuan amount such as 123.45.</p>');
    return;
  }
  const sent = simulator.tradeNotify({ outTradeNo, totalAmount });
  result(res, (req.headers.accept ?? '').includes('json'), 'Alipay (simulator)', await receiveAlipay(services, sent.headers, sent.body));
};
