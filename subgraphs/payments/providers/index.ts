import type { Config } from '../../../platform/config/config.ts';
import type { AlipayApi } from './alipay.ts';
import { createAlipayClient } from './alipay-client.ts';
import { type AlipaySimulator, createAlipaySimulator } from './alipay-simulator.ts';
import { loadProviderKeys, type ProviderKeys } from './keys.ts';
import type { WeChatPayApi } from './wechatpay.ts';
import { createWeChatPayClient } from './wechatpay-client.ts';
import { createWeChatPaySimulator, type WeChatPaySimulator } from './wechatpay-simulator.ts';

/**
 * The payment providers one payments server talks to: the live clients when
 * their variables are set, the simulators otherwise (never in production:
 * `loadProviderKeys` refuses to start there without the real ones). Switching
 * is configuration only; everything else (callback verification included) is
 * the same code either way.
 */
export type PaymentProviders = {
  keys: ProviderKeys;
  wechatPay: WeChatPayApi;
  alipay: AlipayApi;
  wechatPaySimulator: WeChatPaySimulator | null;
  alipaySimulator: AlipaySimulator | null;
  /** Where providers post callbacks: the router's public origin. */
  notifyUrl: { wechatPay: string; alipay: string };
};

/** Where the simulators' "scan and pay" pages are served (through the router), outside production only. */
export const SIMULATOR_PAGES = { wechatPay: '/callbacks/simulator/wechatpay', alipay: '/callbacks/simulator/alipay' } as const;

// One set per configuration (per server): keys are read or generated once, and the simulators keep their state.
const byConfig = new WeakMap<Config, PaymentProviders>();

export function paymentProviders(config: Config): PaymentProviders {
  const known = byConfig.get(config);
  if (known) return known;
  const keys = loadProviderKeys(config);
  const base = config.paymentsCallbackBaseUrl;
  const wechatPaySimulator = keys.wechatPay.live ? null : createWeChatPaySimulator(keys.wechatPay, `${base}${SIMULATOR_PAGES.wechatPay}`);
  const alipaySimulator = keys.alipay.live ? null : createAlipaySimulator(keys.alipay, `${base}${SIMULATOR_PAGES.alipay}`);
  const providers: PaymentProviders = {
    keys,
    wechatPay: wechatPaySimulator ?? createWeChatPayClient(keys.wechatPay),
    alipay: alipaySimulator ?? createAlipayClient(keys.alipay),
    wechatPaySimulator,
    alipaySimulator,
    notifyUrl: { wechatPay: `${base}/callbacks/wechatpay`, alipay: `${base}/callbacks/alipay` },
  };
  byConfig.set(config, providers);
  return providers;
}
