import { loadSecrets } from '../auth/secrets.ts';
import { ConfigError, loadConfig } from '../config/config.ts';
import { PendingMigrationsError } from '../db/migrations.ts';
import { createSubgraphServer, type SubgraphDefinition } from '../graphql/subgraph.ts';
import { PortInUseError } from '../http/listen.ts';
import { applyHeapGrowth } from './heap-growth.ts';

/**
 * Entry-point plumbing shared by every process: the failures an operator can
 * fix (bad configuration, a taken port, a database behind the release) print one clear message instead of a
 * stack trace, and Ctrl-C / SIGTERM close servers and databases before exit.
 */
export function exitOnStartupFailure(error: unknown): never {
  if (error instanceof ConfigError || error instanceof PortInUseError || error instanceof PendingMigrationsError) {
    console.error(error.message);
  } else {
    console.error('failed to start:', error instanceof Error ? (error.stack ?? error.message) : error);
  }
  process.exit(1);
}

/**
 * A promise rejected with nobody listening is a bug in one request or one
 * subscription, not a reason to drop every other caller: Node's default
 * (exit on an unhandled rejection) would let one client's bad luck, or
 * malice, take the whole process down. It is logged loudly instead, with its
 * stack, so the bug is found and fixed.
 */
export function survivePromiseRejections(): void {
  process.on('unhandledRejection', (reason) => {
    console.error(
      'unhandled promise rejection (the process keeps serving):',
      reason instanceof Error ? (reason.stack ?? reason.message) : reason,
    );
  });
}

/**
 * Closing drains: servers stop accepting, websockets get 1001, requests in
 * flight finish within SHUTDOWN_GRACE_MS, then the bus and databases close.
 * Should anything hang past `deadlineMs` (default 30 s, Kubernetes' default
 * termination grace), the process exits anyway, with status 1.
 */
export function closeOnSignals(close: () => Promise<void>, deadlineMs = 30_000): void {
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`${signal}: shutting down`);
    setTimeout(() => {
      console.error(`shutdown did not finish within ${deadlineMs} ms; exiting`);
      process.exit(1);
    }, deadlineMs).unref();
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

/** Runs one subgraph as its own process (distributed mode). */
export async function runSubgraph<Loaders>(definition: SubgraphDefinition<Loaders>): Promise<void> {
  try {
    const config = loadConfig(process.env, definition.name);
    applyHeapGrowth(config.heapGrowthPercent);
    const server = await createSubgraphServer(definition, config, { secrets: loadSecrets(config) });
    const url = await server.listen();
    console.log(`${definition.name.padEnd(10)} ${url}`);
    closeOnSignals(() => server.close());
    survivePromiseRejections();
  } catch (error) {
    exitOnStartupFailure(error);
  }
}
