import type { EventBus } from '../../platform/events/bus.ts';
import { type CallbackDeps, receiveWeChatPay } from './callbacks.ts';
import { startPaymentsConsumers } from './events.ts';
import { paymentProviders } from './providers/index.ts';

/** What a payments process runs besides answering requests: its event consumers and, in development, the provider simulator's callbacks. */
export function startPaymentsBackground(services: CallbackDeps & { bus: EventBus }): () => Promise<void> {
  const deps: CallbackDeps = { db: services.db, events: services.events, log: services.log, config: services.config };
  const simulator = paymentProviders(services.config).wechatPaySimulator;
  // The simulator's refund callbacks come to this server, through the same verification as real ones.
  const disconnect = simulator?.connect((callback) => receiveWeChatPay(deps, callback.headers, callback.body));
  const stopConsumers = startPaymentsConsumers({ ...deps, bus: services.bus });
  return async () => {
    stopConsumers();
    await simulator?.delivered();
    disconnect?.();
  };
}
