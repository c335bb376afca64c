import { type RouterSettings, routerSettings } from '../../router/config.ts';
import { type EntityCacheSettings, entityCacheSettings } from '../../router/entity-cache/settings.ts';
import { type ReplicationPositionSettings, replicationPositionSettings } from '../../router/replication-position-settings.ts';
import { type TrustedDocumentSettings, trustedDocumentSettings } from '../../router/trusted-documents/config.ts';
import { type WebhookSettings, webhookSettings } from '../../router/webhooks/settings.ts';
import { type CatalogueSettings, catalogueSettings } from '../../subgraphs/catalogue/config.ts';
import { type InvoicesSettings, invoicesSettings } from '../../subgraphs/invoices/config.ts';
import { type MembersSettings, membersSettings } from '../../subgraphs/members/config.ts';
import { type PaymentsSettings, paymentsSettings } from '../../subgraphs/payments/config.ts';
import { type ReservationSettings, reservationSettings } from '../../subgraphs/stock/config.ts';
import { type CommonConfig, commonSettings, modeSetting, type SubgraphName } from './common.ts';
import { ConfigError, type Env, loadDeclaration, readSetting, type SettingsDeclaration } from './env.ts';
import { type EventBusConfig, eventBusSettings } from './event-bus-settings.ts';
import { type DatabaseConfig, databaseSettings, type SubgraphCommonConfig, subgraphCommonSettings } from './subgraph-settings.ts';

/**
 * Which settings each process reads (docs/architecture.md §8). Every service
 * declares its own next to its entry point (router/config.ts,
 * subgraphs/payments/config.ts, ...); this is the one place that knows them
 * all, because the embedded mode (`npm start`) runs every service in one
 * process and hands each the same configuration.
 *
 * A process validates only what it reads: the router ignores a wrong
 * WECHATPAY_* variable, payments a wrong MAX_QUERY_DEPTH. The settings of
 * services a process does not run keep their defaults, unread, so one
 * `Config` type serves every process and the embedded mode alike.
 */

export { DEFAULT_PORTS, SUBGRAPH_NAMES, type SubgraphName } from './common.ts';
export type { Mode } from './env.ts';
export { ConfigError } from './env.ts';

export type Config = CommonConfig &
  DatabaseConfig &
  EventBusConfig &
  SubgraphCommonConfig &
  RouterSettings &
  ReplicationPositionSettings &
  TrustedDocumentSettings &
  EntityCacheSettings &
  WebhookSettings &
  CatalogueSettings &
  ReservationSettings &
  MembersSettings &
  PaymentsSettings &
  InvoicesSettings;

/** A process that loads configuration: a service of its own, a command, or all of them together (`npm start`, the tests). */
export type ProcessName = SubgraphName | 'router' | 'migrate' | 'token' | 'embedded';

// biome-ignore lint/suspicious/noExplicitAny: each declaration builds its own part of Config.
type ServiceDeclaration = SettingsDeclaration<CommonConfig, any>;

/** Every service's declarations after the common ones, in the order the README lists them. */
const SERVICE_DECLARATIONS: readonly ServiceDeclaration[] = [
  databaseSettings,
  eventBusSettings,
  subgraphCommonSettings,
  routerSettings,
  replicationPositionSettings,
  trustedDocumentSettings,
  entityCacheSettings,
  webhookSettings,
  catalogueSettings,
  reservationSettings,
  membersSettings,
  paymentsSettings,
  invoicesSettings,
];

const READS: Record<Exclude<ProcessName, 'embedded'>, readonly ServiceDeclaration[]> = {
  router: [eventBusSettings, routerSettings, replicationPositionSettings, trustedDocumentSettings, entityCacheSettings, webhookSettings],
  catalogue: [databaseSettings, eventBusSettings, subgraphCommonSettings, catalogueSettings],
  stock: [databaseSettings, eventBusSettings, subgraphCommonSettings, reservationSettings],
  orders: [databaseSettings, eventBusSettings, subgraphCommonSettings, reservationSettings],
  members: [databaseSettings, eventBusSettings, subgraphCommonSettings, membersSettings],
  payments: [databaseSettings, eventBusSettings, subgraphCommonSettings, paymentsSettings],
  invoices: [databaseSettings, eventBusSettings, subgraphCommonSettings, invoicesSettings],
  migrate: [databaseSettings],
  token: [],
};

/** The declarations `processName` reads from the environment, the common ones first. */
export function declarationsOf(processName: ProcessName): readonly Pick<ServiceDeclaration, 'readBy' | 'settings'>[] {
  return [commonSettings, ...(processName === 'embedded' ? SERVICE_DECLARATIONS : READS[processName])];
}

/**
 * Reads the configuration of one process, or of the whole system (the default:
 * the embedded mode and the tests). Collects every wrong or missing variable
 * and throws one `ConfigError` that names them all.
 */
export function loadConfig(env: Env = process.env, processName: ProcessName = 'embedded'): Config {
  const problems: string[] = [];
  const mode = readSetting(modeSetting, env, 'development', problems);
  const common = loadDeclaration(commonSettings, env, { mode, base: undefined, problems });
  const reads = processName === 'embedded' ? SERVICE_DECLARATIONS : READS[processName];
  const parts = SERVICE_DECLARATIONS.map((declaration) =>
    loadDeclaration(declaration, reads.includes(declaration) ? env : {}, { mode, base: common, problems }),
  );
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.assign({}, common, ...parts) as Config;
}
