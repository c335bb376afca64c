import { loadConfig } from '../../platform/config/config.ts';

// The payments subgraph's own settings, loaded as its process loads them.
const payments = (env: Record<string, string>) => loadConfig(env, 'payments');

const privateKey = '-----BEGIN PRIVATE KEY-----\\nabc\\n-----END PRIVATE KEY-----';
const publicKey = '-----BEGIN PUBLIC KEY-----\\nabc\\n-----END PUBLIC KEY-----';
const wechatPay = {
  WECHATPAY_MCH_ID: '1900000001',
  WECHATPAY_APP_ID: 'wx0000000000000001',
  WECHATPAY_API_V3_KEY: 'k'.repeat(32),
  WECHATPAY_MERCHANT_SERIAL: 'MERCHANT-SERIAL',
  WECHATPAY_MERCHANT_PRIVATE_KEY: privateKey,
  WECHATPAY_PLATFORM_SERIAL: 'PUB_KEY_ID_0001',
  WECHATPAY_PLATFORM_PUBLIC_KEY: '-----BEGIN CERTIFICATE-----\\nabc\\n-----END CERTIFICATE-----',
};

describe("the payments subgraph's settings", () => {
  it('uses the simulators and the local router as callback origin when nothing is set', () => {
    expect(payments({ HOST: '0.0.0.0', ROUTER_PORT: '8080' })).toMatchObject({
      wechatPay: undefined,
      alipay: undefined,
      paymentsCallbackBaseUrl: 'http://127.0.0.1:8080',
      paymentsCallbackBaseUrlConfigured: false,
      callbackReview: { maxRows: 1000, maxBytes: 8 * 1024 * 1024, refusalsPerMinutePerSource: 30 },
    });
  });

  it('reads a complete WeChat Pay account, with real line breaks in its keys and the API URL without a trailing slash', () => {
    const config = payments({
      ...wechatPay,
      WECHATPAY_API_URL: 'http://127.0.0.1:9999/',
      PAYMENTS_CALLBACK_BASE_URL: 'https://shop.example/',
    });
    expect(config.wechatPay).toMatchObject({ mchId: '1900000001', apiUrl: 'http://127.0.0.1:9999' });
    expect(config.wechatPay?.merchantPrivateKey).toContain('\n');
    expect(config.paymentsCallbackBaseUrl).toBe('https://shop.example');
    expect(config.paymentsCallbackBaseUrlConfigured).toBe(true);
  });

  it('names every missing or invalid variable of a partial account, and an APIv3 key that is not 32 bytes', () => {
    expect(() =>
      payments({
        WECHATPAY_MCH_ID: '1900000001',
        WECHATPAY_PLATFORM_PUBLIC_KEY: 'not a key',
        ALIPAY_APP_ID: '2021',
        ALIPAY_PUBLIC_KEY: publicKey,
      }),
    ).toThrow(
      /WECHATPAY_PLATFORM_PUBLIC_KEY must be a PEM block starting with "-----BEGIN PUBLIC KEY-----" or "-----BEGIN CERTIFICATE-----"[\s\S]*WECHATPAY_\*: set all of these variables or none; missing or invalid: WECHATPAY_APP_ID, WECHATPAY_API_V3_KEY, WECHATPAY_MERCHANT_SERIAL, WECHATPAY_MERCHANT_PRIVATE_KEY, WECHATPAY_PLATFORM_SERIAL, WECHATPAY_PLATFORM_PUBLIC_KEY[\s\S]*ALIPAY_\*: set all of these variables or none; missing or invalid: ALIPAY_SELLER_ID, ALIPAY_APP_PRIVATE_KEY$/,
    );
    expect(() => payments({ ...wechatPay, WECHATPAY_API_V3_KEY: 'short' })).toThrow(
      'WECHATPAY_API_V3_KEY must be exactly 32 bytes (the APIv3 key of the merchant platform); received 5',
    );
  });
});
