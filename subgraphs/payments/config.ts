import type { CommonConfig } from '../../platform/config/common.ts';
import { allOrNone, declareSettings, pem, secret, text, url, wholeNumber } from '../../platform/config/env.ts';
import { reachableHost } from '../../platform/http/urls.ts';

/**
 * The payments subgraph's own settings: the real WeChat Pay and Alipay
 * accounts (each all set or none; none means the simulator, which payments
 * refuses in production), where providers post their callbacks, and how much
 * of refused callbacks it keeps for review. Only payments reads and validates these.
 */

/**
 * The merchant's WeChat Pay APIv3 account (WECHATPAY_*): all set, or none
 * (then development and tests use the simulator; the payments subgraph
 * refuses to start in production without them).
 */
export type WeChatPaySettings = {
  mchId: string;
  appId: string;
  /** The APIv3 key: exactly 32 bytes; AEAD_AES_256_GCM key of callback resources. */
  apiV3Key: string;
  /** Serial number of the merchant API certificate, named in every request's Authorization header. */
  merchantSerial: string;
  /** PEM private key that signs our API requests. */
  merchantPrivateKey: string;
  /** Serial (or WeChat Pay public key ID) that callbacks name in Wechatpay-Serial. */
  platformSerial: string;
  /** PEM public key or platform certificate that verifies callbacks. */
  platformPublicKey: string;
  apiUrl: string;
};

/** The merchant's Alipay open-platform app (ALIPAY_*): all set, or none, as for WeChat Pay. */
export type AlipaySettings = {
  appId: string;
  /** The merchant's partner id (2088...), which every notify names as seller_id. */
  sellerId: string;
  /** PEM private key of the app: signs our requests (RSA2). */
  appPrivateKey: string;
  /** PEM Alipay public key: verifies notifies and answers. */
  alipayPublicKey: string;
  gatewayUrl: string;
};

export type PaymentsSettings = {
  /**
   * PAYMENTS_CALLBACK_BASE_URL: the public origin payment providers post their
   * callbacks to (`<base>/callbacks/wechatpay`, `<base>/callbacks/alipay`, through
   * the router). Default: the router on this machine; payments requires it in production.
   */
  paymentsCallbackBaseUrl: string;
  paymentsCallbackBaseUrlConfigured: boolean;
  /** WECHATPAY_*: the real WeChat Pay account; unset, payments uses its simulator (never in production). */
  wechatPay: WeChatPaySettings | undefined;
  /** ALIPAY_*: the real Alipay app; unset, payments uses its simulator (never in production). */
  alipay: AlipaySettings | undefined;
  /** CALLBACK_REVIEW_MAX_ROWS / _MAX_BYTES / CALLBACK_REFUSALS_PER_MINUTE: how much of refused, unsigned payment callbacks payments keeps. */
  callbackReview: { maxRows: number; maxBytes: number; refusalsPerMinutePerSource: number };
};

const callbackBaseUrl = url('PAYMENTS_CALLBACK_BASE_URL', {
  protocols: ['http:', 'https:'],
  defaultText: '`http://<HOST>:<ROUTER_PORT>`',
  description:
    'The public origin WeChat Pay and Alipay post callbacks to (`<origin>/callbacks/wechatpay`, `/callbacks/alipay`), and where ' +
    'simulated QR codes point. Payments requires it in production.',
});

const simulator = 'unset (the simulator, outside production)';
const wechatPayDocs = {
  defaultText: simulator,
  description:
    'The WeChat Pay APIv3 merchant account: merchant and app id, the 32-byte APIv3 key (decrypts callback resources), the merchant ' +
    "certificate's serial and PEM private key (sign our requests), and the platform serial (or WeChat Pay public key id) with its " +
    'PEM public key or certificate (verifies callbacks and answers). All or none; payments requires them in production.',
};
const inWechatPayRow = { ...wechatPayDocs, documentedWith: 'WECHATPAY_MCH_ID' };
const wechatPay = {
  mchId: text('WECHATPAY_MCH_ID', wechatPayDocs),
  appId: text('WECHATPAY_APP_ID', inWechatPayRow),
  apiV3Key: secret('WECHATPAY_API_V3_KEY', inWechatPayRow),
  merchantSerial: text('WECHATPAY_MERCHANT_SERIAL', inWechatPayRow),
  merchantPrivateKey: pem('WECHATPAY_MERCHANT_PRIVATE_KEY', ['PRIVATE KEY'], inWechatPayRow),
  platformSerial: text('WECHATPAY_PLATFORM_SERIAL', inWechatPayRow),
  // WeChat Pay hands out either a platform certificate or (since 2024) a plain "WeChat Pay public key".
  platformPublicKey: pem('WECHATPAY_PLATFORM_PUBLIC_KEY', ['PUBLIC KEY', 'CERTIFICATE'], inWechatPayRow),
};
const wechatPayApiUrl = url('WECHATPAY_API_URL', {
  protocols: ['https:', 'http:'],
  default: 'https://api.mch.weixin.qq.com',
  description: 'Moves the WeChat Pay API: the origin every API request goes to (a trailing `/` is dropped).',
});

const alipayDocs = {
  defaultText: simulator,
  description:
    "The Alipay open-platform app: app id, the merchant's partner id (`seller_id` of every notify), the app's RSA2 private key and " +
    "Alipay's public key, as PEMs. All or none; payments requires them in production.",
};
const inAlipayRow = { ...alipayDocs, documentedWith: 'ALIPAY_APP_ID' };
const alipay = {
  appId: text('ALIPAY_APP_ID', alipayDocs),
  sellerId: text('ALIPAY_SELLER_ID', inAlipayRow),
  appPrivateKey: pem('ALIPAY_APP_PRIVATE_KEY', ['PRIVATE KEY'], inAlipayRow),
  alipayPublicKey: pem('ALIPAY_PUBLIC_KEY', ['PUBLIC KEY'], inAlipayRow),
};
const alipayGatewayUrl = url('ALIPAY_GATEWAY_URL', {
  protocols: ['https:', 'http:'],
  default: 'https://openapi.alipay.com/gateway.do',
  description: 'Moves the Alipay gateway: the URL every request to Alipay goes to.',
});

const reviewMaxRows = wholeNumber('CALLBACK_REVIEW_MAX_ROWS', {
  default: 1000,
  min: 1,
  max: 1_000_000,
  description: 'Refused unsigned payment callbacks payments keeps for review; past it the oldest are deleted.',
});
const reviewMaxBytes = wholeNumber('CALLBACK_REVIEW_MAX_BYTES', {
  default: 8 * 1024 * 1024,
  min: 64 * 1024,
  max: 1024 * 1024 * 1024,
  description: 'The same budget in bytes: each kept row is at most 6,399 bytes, so the rows kept are at most this divided by that.',
});
const refusalsPerMinute = wholeNumber('CALLBACK_REFUSALS_PER_MINUTE', {
  default: 30,
  min: 0,
  max: 1_000_000,
  description: 'Refused unsigned callbacks kept per source address a minute; the rest are answered and counted, not stored.',
});

export const paymentsSettings = declareSettings<CommonConfig, PaymentsSettings>({
  readBy: 'payments',
  settings: [
    callbackBaseUrl,
    ...Object.values(wechatPay),
    wechatPayApiUrl,
    ...Object.values(alipay),
    alipayGatewayUrl,
    reviewMaxRows,
    reviewMaxBytes,
    refusalsPerMinute,
  ],
  build(read, { base, problem }) {
    const configuredBase = read(callbackBaseUrl);
    const wechatPayAccount = allOrNone(
      'WECHATPAY_*',
      {
        mchId: [wechatPay.mchId, read(wechatPay.mchId)],
        appId: [wechatPay.appId, read(wechatPay.appId)],
        apiV3Key: [wechatPay.apiV3Key, read(wechatPay.apiV3Key)],
        merchantSerial: [wechatPay.merchantSerial, read(wechatPay.merchantSerial)],
        merchantPrivateKey: [wechatPay.merchantPrivateKey, read(wechatPay.merchantPrivateKey)],
        platformSerial: [wechatPay.platformSerial, read(wechatPay.platformSerial)],
        platformPublicKey: [wechatPay.platformPublicKey, read(wechatPay.platformPublicKey)],
      },
      problem,
    );
    if (wechatPayAccount && Buffer.byteLength(wechatPayAccount.apiV3Key) !== 32) {
      problem(
        `WECHATPAY_API_V3_KEY must be exactly 32 bytes (the APIv3 key of the merchant platform); received ${Buffer.byteLength(wechatPayAccount.apiV3Key)}`,
      );
    }
    const alipayApp = allOrNone(
      'ALIPAY_*',
      {
        appId: [alipay.appId, read(alipay.appId)],
        sellerId: [alipay.sellerId, read(alipay.sellerId)],
        appPrivateKey: [alipay.appPrivateKey, read(alipay.appPrivateKey)],
        alipayPublicKey: [alipay.alipayPublicKey, read(alipay.alipayPublicKey)],
      },
      problem,
    );
    const apiUrl = read(wechatPayApiUrl);
    const gatewayUrl = read(alipayGatewayUrl);
    return {
      paymentsCallbackBaseUrl: (configuredBase ?? `http://${reachableHost(base.host)}:${base.ports.router}`).replace(/\/+$/, ''),
      paymentsCallbackBaseUrlConfigured: configuredBase !== undefined,
      wechatPay: wechatPayAccount && { ...wechatPayAccount, apiUrl: apiUrl.replace(/\/+$/, '') },
      alipay: alipayApp && { ...alipayApp, gatewayUrl },
      callbackReview: {
        maxRows: read(reviewMaxRows),
        maxBytes: read(reviewMaxBytes),
        refusalsPerMinutePerSource: read(refusalsPerMinute),
      },
    };
  },
});
