import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, randomBytes, X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Config, ConfigError } from '../../../platform/config/config.ts';

/**
 * The keys and merchant ids payments works with, per provider: the real
 * ones from WECHATPAY_* / ALIPAY_* (see platform/config/config.ts), or,
 * outside production and when those are unset, a simulator's own keys,
 * generated once into DATA_DIR/payment-simulator-keys.json (as
 * platform/auth/secrets.ts does for the development JWT keys). The simulator signs
 * with the provider-side halves, so our verification code is the same in both.
 */
export type WeChatPayKeys = {
  live: boolean;
  mchId: string;
  appId: string;
  apiV3Key: string;
  merchantSerial: string;
  merchantPrivateKey: KeyObject;
  platformKeys: ReadonlyMap<string, KeyObject>;
  apiUrl: string;
  /** Only for the simulator: the platform's private key and serial (WeChat's side). */
  simulator?: { platformPrivateKey: KeyObject; platformSerial: string; merchantPublicKey: KeyObject };
};

export type AlipayKeys = {
  live: boolean;
  appId: string;
  sellerId: string;
  appPrivateKey: KeyObject;
  alipayPublicKey: KeyObject;
  gatewayUrl: string;
  /** Only for the simulator: Alipay's private key (Alipay's side). */
  simulator?: { alipayPrivateKey: KeyObject; appPublicKey: KeyObject };
};

export type ProviderKeys = { wechatPay: WeChatPayKeys; alipay: AlipayKeys };

type SimulatorKeyFile = {
  wechatPay: {
    mchId: string;
    appId: string;
    apiV3Key: string;
    merchantSerial: string;
    merchantPrivateKey: string;
    merchantPublicKey: string;
    platformSerial: string;
    platformPrivateKey: string;
    platformPublicKey: string;
  };
  alipay: {
    appId: string;
    sellerId: string;
    appPrivateKey: string;
    appPublicKey: string;
    alipayPrivateKey: string;
    alipayPublicKey: string;
  };
};

export const SIMULATOR_KEY_FILE = 'payment-simulator-keys.json';

export function loadProviderKeys(config: Config): ProviderKeys {
  if (config.mode === 'production') {
    const missing = [
      ...(config.wechatPay ? [] : ['WECHATPAY_* (the WeChat Pay merchant account)']),
      ...(config.alipay ? [] : ['ALIPAY_* (the Alipay app)']),
      ...(config.paymentsCallbackBaseUrlConfigured ? [] : ['PAYMENTS_CALLBACK_BASE_URL (the public origin providers call back)']),
    ];
    if (missing.length > 0) {
      throw new ConfigError(missing.map((what) => `payments requires ${what} in production; the simulators are for development only`));
    }
  }
  const simulated = config.wechatPay && config.alipay ? null : loadOrCreateSimulatorKeys(config.dataDir);
  const wechat = config.wechatPay;
  const alipay = config.alipay;
  return {
    wechatPay: wechat
      ? {
          live: true,
          mchId: wechat.mchId,
          appId: wechat.appId,
          apiV3Key: wechat.apiV3Key,
          merchantSerial: wechat.merchantSerial,
          merchantPrivateKey: createPrivateKey(wechat.merchantPrivateKey),
          platformKeys: new Map([[wechat.platformSerial, publicKeyOf(wechat.platformPublicKey)]]),
          apiUrl: wechat.apiUrl,
        }
      : simulatedWeChatPay(simulated!),
    alipay: alipay
      ? {
          live: true,
          appId: alipay.appId,
          sellerId: alipay.sellerId,
          appPrivateKey: createPrivateKey(alipay.appPrivateKey),
          alipayPublicKey: createPublicKey(alipay.alipayPublicKey),
          gatewayUrl: alipay.gatewayUrl,
        }
      : simulatedAlipay(simulated!),
  };
}

function simulatedWeChatPay(file: SimulatorKeyFile): WeChatPayKeys {
  const keys = file.wechatPay;
  return {
    live: false,
    mchId: keys.mchId,
    appId: keys.appId,
    apiV3Key: keys.apiV3Key,
    merchantSerial: keys.merchantSerial,
    merchantPrivateKey: createPrivateKey(keys.merchantPrivateKey),
    platformKeys: new Map([[keys.platformSerial, createPublicKey(keys.platformPublicKey)]]),
    apiUrl: 'simulator',
    simulator: {
      platformPrivateKey: createPrivateKey(keys.platformPrivateKey),
      platformSerial: keys.platformSerial,
      merchantPublicKey: createPublicKey(keys.merchantPublicKey),
    },
  };
}

function simulatedAlipay(file: SimulatorKeyFile): AlipayKeys {
  const keys = file.alipay;
  return {
    live: false,
    appId: keys.appId,
    sellerId: keys.sellerId,
    appPrivateKey: createPrivateKey(keys.appPrivateKey),
    alipayPublicKey: createPublicKey(keys.alipayPublicKey),
    gatewayUrl: 'simulator',
    simulator: { alipayPrivateKey: createPrivateKey(keys.alipayPrivateKey), appPublicKey: createPublicKey(keys.appPublicKey) },
  };
}

function publicKeyOf(pem: string): KeyObject {
  return pem.includes('BEGIN CERTIFICATE') ? new X509Certificate(pem).publicKey : createPublicKey(pem);
}

function rsaPair(): { privateKey: string; publicKey: string } {
  // Both providers use RSA 2048 (WeChat's WECHATPAY2-SHA256-RSA2048, Alipay's RSA2).
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

const serial = () => randomBytes(20).toString('hex').toUpperCase();

function loadOrCreateSimulatorKeys(dataDir: string): SimulatorKeyFile {
  const file = join(dataDir, SIMULATOR_KEY_FILE);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SimulatorKeyFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const merchant = rsaPair();
  const platform = rsaPair();
  const app = rsaPair();
  const alipaySide = rsaPair();
  const keys: SimulatorKeyFile = {
    wechatPay: {
      // The shapes of real ids (10-digit merchant id, wx-prefixed app id), clearly not real ones.
      mchId: '1900000109',
      appId: 'wxsimulator00000001',
      apiV3Key: randomBytes(16).toString('hex'),
      merchantSerial: serial(),
      merchantPrivateKey: merchant.privateKey,
      merchantPublicKey: merchant.publicKey,
      platformSerial: serial(),
      platformPrivateKey: platform.privateKey,
      platformPublicKey: platform.publicKey,
    },
    alipay: {
      appId: '2021000000000001',
      sellerId: '2088000000000001',
      appPrivateKey: app.privateKey,
      appPublicKey: app.publicKey,
      alipayPrivateKey: alipaySide.privateKey,
      alipayPublicKey: alipaySide.publicKey,
    },
  };
  try {
    // 'wx': when two processes start at once, exactly one writes; the other reads its keys.
    writeFileSync(file, JSON.stringify(keys, null, 2), { flag: 'wx', mode: 0o600 });
    return keys;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return JSON.parse(readFileSync(file, 'utf8')) as SimulatorKeyFile;
  }
}
