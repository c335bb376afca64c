import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, ConfigError, loadConfig } from '../../../platform/config/config.ts';
import { parseForm, signContent, signParams, verifyParams } from '../providers/alipay.ts';
import { AlipayError, createAlipayClient, responseNode } from '../providers/alipay-client.ts';
import { type AlipayKeys, loadProviderKeys, type WeChatPayKeys } from '../providers/keys.ts';
import {
  decryptResource,
  encryptResource,
  rsaSign,
  rsaVerify,
  signatureMessage,
  verifyNotification,
  wechatNonce,
} from '../providers/wechatpay.ts';
import { createWeChatPayClient, WeChatPayError } from '../providers/wechatpay-client.ts';
import { alipaySimulatorPage, wechatPaySimulatorPage } from '../simulator-pages.ts';

/**
 * The providers' wire formats, the live clients against stand-in servers that
 * check our signatures the way WeChat Pay and Alipay do, and how keys are
 * configured: the simulator in development, the real ones required in production.
 */
let dataDir: string;
let config: Config;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'payments-providers-'));
  config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir });
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function serve(handle: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => handle(req, body, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('WeChat Pay APIv3 wire format', () => {
  it('decrypts what it encrypts with AEAD_AES_256_GCM, and refuses another key or a changed associated_data', () => {
    const key = 'a'.repeat(32);
    const resource = encryptResource(key, '{"out_trade_no":"1"}', 'transaction', 'transaction');
    expect(Buffer.from(resource.ciphertext, 'base64')).toHaveLength(Buffer.byteLength('{"out_trade_no":"1"}') + 16);
    expect(decryptResource(key, resource)).toBe('{"out_trade_no":"1"}');
    expect(() => decryptResource('b'.repeat(32), resource)).toThrow();
    expect(() => decryptResource(key, { ...resource, associated_data: 'refund' })).toThrow();
  });

  it('verifies a notification only with every header, the right serial, a fresh timestamp and the exact body', () => {
    const keys = loadProviderKeys(config).wechatPay;
    const platform = keys.simulator!;
    const body = JSON.stringify({
      id: '1',
      create_time: '',
      event_type: 'TRANSACTION.SUCCESS',
      resource_type: 'encrypt-resource',
      resource: encryptResource(keys.apiV3Key, '{"ok":true}', 'transaction', 'transaction'),
    });
    const now = Date.now();
    const timestamp = String(Math.floor(now / 1000));
    const nonce = wechatNonce();
    const headers = {
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': nonce,
      'wechatpay-serial': platform.platformSerial,
      'wechatpay-signature': rsaSign(platform.platformPrivateKey, signatureMessage(timestamp, nonce, body)),
    };
    expect(verifyNotification(keys, headers, body, now)).toMatchObject({ ok: true, resource: { ok: true } });
    expect(verifyNotification(keys, { ...headers, 'wechatpay-nonce': 'other' }, body, now)).toMatchObject({ ok: false, status: 401 });
    expect(verifyNotification(keys, headers, `${body} `, now)).toMatchObject({ ok: false, status: 401 });
    expect(verifyNotification(keys, headers, body, now + 301_000)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('300 seconds'),
    });
    expect(verifyNotification(keys, headers, body, now - 301_000)).toMatchObject({ ok: false });
    const { 'wechatpay-signature': _signature, ...unsigned } = headers;
    expect(verifyNotification(keys, unsigned, body, now)).toMatchObject({ ok: false, reason: expect.stringContaining('missing') });
  });

  it("signs requests as the merchant and believes only answers WeChat signed (live client against a stand-in for WeChat's API)", async () => {
    const simulated = loadProviderKeys(config).wechatPay;
    const platform = simulated.simulator!;
    const seen: { path: string; body: Record<string, unknown> }[] = [];
    let signAnswers = true;
    const { url, server } = await serve((req, body, res) => {
      const auth =
        /^WECHATPAY2-SHA256-RSA2048 mchid="(\d+)",nonce_str="(\w+)",signature="([^"]+)",timestamp="(\d+)",serial_no="(\w+)"$/.exec(
          req.headers.authorization ?? '',
        );
      const [, mchid, nonce, signature, timestamp, serial] = auth ?? [];
      const genuine =
        auth &&
        mchid === simulated.mchId &&
        serial === simulated.merchantSerial &&
        rsaVerify(platform.merchantPublicKey, `${req.method}\n${req.url}\n${timestamp}\n${nonce}\n${body}\n`, signature!);
      const answer = genuine
        ? JSON.stringify({ code_url: 'weixin://wxpay/bizpayurl?pr=stand-in' })
        : JSON.stringify({ code: 'SIGN_ERROR', message: 'bad' });
      seen.push({ path: req.url ?? '', body: JSON.parse(body) });
      const answerTimestamp = String(Math.floor(Date.now() / 1000));
      const answerNonce = wechatNonce();
      res.writeHead(genuine ? 200 : 401, {
        'content-type': 'application/json',
        'wechatpay-timestamp': answerTimestamp,
        'wechatpay-nonce': answerNonce,
        'wechatpay-serial': platform.platformSerial,
        'wechatpay-signature': signAnswers
          ? rsaSign(platform.platformPrivateKey, signatureMessage(answerTimestamp, answerNonce, answer))
          : 'AAAA',
      });
      res.end(answer);
    });
    try {
      const live: WeChatPayKeys = { ...simulated, live: true, apiUrl: url, simulator: undefined };
      const client = createWeChatPayClient(live);
      const order = {
        outTradeNo: 'o'.repeat(32),
        description: 'Order SO-1',
        totalFen: 12345,
        currency: 'CNY',
        notifyUrl: 'https://shop.example/callbacks/wechatpay',
      };
      expect(await client.nativeOrder(order)).toEqual({ codeUrl: 'weixin://wxpay/bizpayurl?pr=stand-in' });
      expect(seen[0]).toEqual({
        path: '/v3/pay/transactions/native',
        body: {
          appid: simulated.appId,
          mchid: simulated.mchId,
          description: 'Order SO-1',
          out_trade_no: order.outTradeNo,
          notify_url: order.notifyUrl,
          amount: { total: 12345, currency: 'CNY' },
        },
      });
      const wrongMerchant = createWeChatPayClient({ ...live, merchantPrivateKey: platform.platformPrivateKey });
      await expect(wrongMerchant.nativeOrder(order)).rejects.toThrow(new WeChatPayError(401, 'SIGN_ERROR', 'bad'));
      signAnswers = false;
      await expect(client.nativeOrder(order)).rejects.toMatchObject({ code: 'UNVERIFIED_ANSWER' });
    } finally {
      server.close();
    }
  });
});

describe('Alipay open-platform wire format', () => {
  it('signs the parameters sorted by name, without sign, sign_type and empty values', () => {
    expect(signContent({ b: '2', a: '1', sign: 'x', sign_type: 'RSA2', empty: '', c: 'a b&c' })).toBe('a=1&b=2&c=a b&c');
    const keys = loadProviderKeys(config).alipay;
    const params = { app_id: keys.appId, out_trade_no: '1', total_amount: '9.90', sign_type: 'RSA2' };
    const signed = { ...params, sign: signParams(keys.simulator!.alipayPrivateKey, params) };
    expect(verifyParams(keys.alipayPublicKey, signed)).toBe(true);
    expect(verifyParams(keys.alipayPublicKey, { ...signed, total_amount: '9.91' })).toBe(false);
    expect(verifyParams(keys.alipayPublicKey, { ...signed, sign_type: 'RSA' })).toBe(false);
    expect(parseForm('a=1&a=2')).toBeNull();
  });

  it('finds the exact text of a response node, braces and quotes in strings included', () => {
    const text = '{"x_response":{"code":"10000","msg":"a } \\" {","n":{"m":1}},"sign":"s"}';
    expect(responseNode(text, 'x_response')).toBe('{"code":"10000","msg":"a } \\" {","n":{"m":1}}');
  });

  it("signs requests as the app and believes only answers Alipay signed (live client against a stand-in for Alipay's gateway)", async () => {
    const simulated = loadProviderKeys(config).alipay;
    const alipaySide = simulated.simulator!;
    let code = '10000';
    const { url, server } = await serve((_req, body, res) => {
      const params = parseForm(body)!;
      const genuine = verifyParams(alipaySide.appPublicKey, params) && params.app_id === simulated.appId;
      const biz = JSON.parse(params.biz_content ?? '{}') as { out_trade_no: string };
      const node = genuine
        ? JSON.stringify({
            code,
            msg: code === '10000' ? 'Success' : 'Business Failed',
            sub_code: 'ACQ.TRADE_HAS_CLOSE',
            sub_msg: 'closed',
            out_trade_no: biz.out_trade_no,
            qr_code: 'https://qr.alipay.com/stand-in',
          })
        : JSON.stringify({ code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-signature', sub_msg: 'bad sign' });
      res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
      res.end(`{"alipay_trade_precreate_response":${node},"sign":"${rsaSign(alipaySide.alipayPrivateKey, node)}"}`);
    });
    try {
      const live: AlipayKeys = { ...simulated, live: true, gatewayUrl: url, simulator: undefined };
      const order = {
        outTradeNo: 'p'.repeat(32),
        subject: 'Order SO-1',
        totalAmount: '123.45',
        notifyUrl: 'https://shop.example/callbacks/alipay',
      };
      expect(await createAlipayClient(live).precreate(order)).toEqual({ qrCode: 'https://qr.alipay.com/stand-in' });
      await expect(createAlipayClient({ ...live, appPrivateKey: alipaySide.alipayPrivateKey }).precreate(order)).rejects.toThrow(
        new AlipayError('isv.invalid-signature', 'bad sign'),
      );
      code = '40004';
      await expect(createAlipayClient(live).precreate(order)).rejects.toMatchObject({ code: 'ACQ.TRADE_HAS_CLOSE' });
      await expect(createAlipayClient({ ...live, alipayPublicKey: alipaySide.appPublicKey }).precreate(order)).rejects.toMatchObject({
        code: 'UNVERIFIED_ANSWER',
      });
    } finally {
      server.close();
    }
  });
});

describe('provider configuration', () => {
  it('generates the simulator keys into DATA_DIR once and reuses them', () => {
    const first = loadProviderKeys(config);
    const again = loadProviderKeys(loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir }));
    expect(first.wechatPay.live).toBe(false);
    expect([...again.wechatPay.platformKeys.keys()]).toEqual([...first.wechatPay.platformKeys.keys()]);
    expect(again.wechatPay.apiV3Key).toBe(first.wechatPay.apiV3Key);
    expect(Buffer.byteLength(first.wechatPay.apiV3Key)).toBe(32);
  });

  it('refuses to start payments in production without the real providers and the public callback origin', () => {
    const production = loadConfig({
      NODE_ENV: 'production',
      DATA_DIR: dataDir,
      INTERNAL_AUTH_SECRET: 'x'.repeat(32),
      JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\\nabc\\n-----END PUBLIC KEY-----',
    });
    expect(() => loadProviderKeys(production)).toThrow(ConfigError);
    expect(() => loadProviderKeys(production)).toThrow(/WECHATPAY_\*[\s\S]*ALIPAY_\*[\s\S]*PAYMENTS_CALLBACK_BASE_URL/);
  });

  it('has no simulator pages in production', async () => {
    const production = loadConfig({
      NODE_ENV: 'production',
      DATA_DIR: dataDir,
      INTERNAL_AUTH_SECRET: 'x'.repeat(32),
      JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\\nabc\\n-----END PUBLIC KEY-----',
    });
    type Services = Parameters<typeof wechatPaySimulatorPage>[2];
    for (const page of [wechatPaySimulatorPage, alipaySimulatorPage]) {
      const { url, server } = await serve((req, _body, res) => void page(req, res, { config: production } as unknown as Services));
      try {
        const answer = await fetch(`${url}/callbacks/simulator/x?out_trade_no=1&total=1`, { method: 'POST', body: 'total=1' });
        expect(answer.status).toBe(404);
        expect(await answer.json()).toEqual({ code: 'FAIL', message: expect.stringContaining('development only') });
      } finally {
        server.close();
      }
    }
  });

  it('takes a provider from the environment as a whole set, and names what is missing or malformed', () => {
    expect(() => loadConfig({ WECHATPAY_MCH_ID: '1900000109', WECHATPAY_APP_ID: 'wx1' })).toThrow(
      /WECHATPAY_\*: set all of these variables or none; missing or invalid: WECHATPAY_API_V3_KEY, WECHATPAY_MERCHANT_SERIAL/,
    );
    expect(() => loadConfig({ ALIPAY_PUBLIC_KEY: 'not a key' })).toThrow(/ALIPAY_PUBLIC_KEY must be a PEM block/);
    const keys = loadProviderKeys(config);
    const pem = (key: { export(options: object): string | Buffer }, type: string) => String(key.export({ type, format: 'pem' }));
    const env = {
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      WECHATPAY_MCH_ID: '1900000109',
      WECHATPAY_APP_ID: 'wx1',
      WECHATPAY_API_V3_KEY: 'short',
      WECHATPAY_MERCHANT_SERIAL: 'ABC',
      WECHATPAY_MERCHANT_PRIVATE_KEY: pem(keys.wechatPay.merchantPrivateKey, 'pkcs8'),
      WECHATPAY_PLATFORM_SERIAL: 'DEF',
      WECHATPAY_PLATFORM_PUBLIC_KEY: pem(keys.wechatPay.platformKeys.values().next().value!, 'spki'),
    };
    expect(() => loadConfig(env)).toThrow(/WECHATPAY_API_V3_KEY must be exactly 32 bytes/);
    const live = loadProviderKeys(loadConfig({ ...env, WECHATPAY_API_V3_KEY: 'k'.repeat(32) }));
    expect(live.wechatPay).toMatchObject({ live: true, mchId: '1900000109', apiUrl: 'https://api.mch.weixin.qq.com' });
    expect(live.wechatPay.simulator).toBeUndefined();
    expect(live.alipay.live).toBe(false);
  });
});
