import type { CommonConfig } from '../../platform/config/common.ts';
import { declareSettings, flag, wholeNumber } from '../../platform/config/env.ts';

/** The router's webhook dispatcher (router/webhooks/, docs/architecture.md §13). */
export type WebhookSettings = {
  /** WEBHOOKS: whether this router dispatches webhooks at all. */
  webhooksEnabled: boolean;
  /** WEBHOOK_TIMEOUT_MS: how long one delivery attempt may take, connecting and answering. */
  webhookTimeoutMs: number;
  /** WEBHOOK_POLL_MS: how often the dispatcher renews its leases and looks for deliveries due. */
  webhookPollMs: number;
};

const webhooksEnabled = flag('WEBHOOKS', {
  default: true,
  description:
    "Whether this router dispatches partners' webhooks (several routers share the work through leases held in the members " +
    'subgraph: one router per webhook at a time).',
});
const webhookTimeoutMs = wholeNumber('WEBHOOK_TIMEOUT_MS', {
  default: 5000,
  min: 100,
  max: 30_000,
  unit: 'milliseconds',
  description:
    'How long one webhook delivery attempt may take (connecting, sending, the answer); longer counts as a failed attempt. The ' +
    "receiver's answer is read up to 64 KiB; a longer one is cut off and the attempt still counts by its status.",
});
const webhookPollMs = wholeNumber('WEBHOOK_POLL_MS', {
  default: 1000,
  min: 10,
  max: 60_000,
  unit: 'milliseconds',
  description: "How often a router's webhook dispatcher renews its leases and looks for deliveries due (first attempts and retries).",
});

export const webhookSettings = declareSettings<CommonConfig, WebhookSettings>({
  readBy: 'router',
  settings: [webhooksEnabled, webhookTimeoutMs, webhookPollMs],
  build: (read) => ({
    webhooksEnabled: read(webhooksEnabled),
    webhookTimeoutMs: read(webhookTimeoutMs),
    webhookPollMs: read(webhookPollMs),
  }),
});
