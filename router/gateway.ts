import { ApolloGateway, type GatewayConfig } from '@apollo/gateway';
import { useOwnResponseShaping } from './gateway-internals.ts';

/**
 * Apollo's gateway, without the data collection it starts by default.
 *
 * Unless APOLLO_TELEMETRY_DISABLED is set, every `new ApolloGateway` starts an
 * OpenTelemetry meter provider that sends Apollo hourly metrics (uptime, CPU,
 * memory) and, to label them, probes the cloud metadata endpoints
 * (169.254.169.254, metadata.google.internal) over node:http's global,
 * kept-alive agent. Our router reports nothing to a third party (README
 * "Observability"), and those pooled sockets, reused by each new gateway, hold
 * the async context they were opened in: under Jest that context is the test
 * file's, so every suite's whole test system stayed reachable after it ended.
 * The gateway reads the variable only in its constructor, so it is set for
 * that synchronous call and put back as it was.
 */
export function createGateway(config: GatewayConfig): ApolloGateway {
  useOwnResponseShaping();
  const before = process.env.APOLLO_TELEMETRY_DISABLED;
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  try {
    return new ApolloGateway(config);
  } finally {
    if (before === undefined) delete process.env.APOLLO_TELEMETRY_DISABLED;
    else process.env.APOLLO_TELEMETRY_DISABLED = before;
  }
}
