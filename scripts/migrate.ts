import { loadConfig } from '../platform/config/config.ts';
import { migrateSubgraphDatabase } from '../platform/db/migrate.ts';
import { exitOnStartupFailure } from '../platform/runtime/run.ts';
import { subgraphDefinitions } from './subgraphs.ts';

// `npm run migrate [-- <subgraph>...]`: applies every pending migration to each
// subgraph's database (all of them, or those named), the step a deployment runs
// before its services start (they refuse a database that is behind when
// MIGRATE_ON_START is off, as in production). Running it again applies nothing.
try {
  const config = loadConfig(process.env, 'migrate');
  const known = subgraphDefinitions.map((definition) => definition.name);
  const requested = process.argv.slice(2);
  const unknown = requested.filter((name) => !known.includes(name as (typeof known)[number]));
  if (unknown.length > 0) {
    console.error(`no subgraph named ${unknown.join(', ')}; the subgraphs are ${known.join(', ')}`);
    process.exit(2);
  }
  const chosen =
    requested.length === 0 ? subgraphDefinitions : subgraphDefinitions.filter((definition) => requested.includes(definition.name));
  const where = config.mysqlUrl ? `MySQL at ${new URL(config.mysqlUrl).host}` : `SQLite in ${config.dataDir}`;
  console.log(`migrating ${chosen.map((definition) => definition.name).join(', ')} (${where})`);
  let applied = 0;
  for (const definition of chosen) {
    try {
      const report = await migrateSubgraphDatabase(config, definition, (line) => console.log(line));
      applied += report.applied.length;
      console.log(
        report.applied.length === 0
          ? `${definition.name}: up to date (${report.total} migrations applied earlier)`
          : `${definition.name}: done, applied ${report.applied.length} (${report.total} in all)`,
      );
    } catch (error) {
      // The subgraphs after it are left alone: a release migrates completely or is not rolled out.
      console.error(`${definition.name}: migration failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    }
  }
  console.log(
    `migrated ${chosen.length} subgraph${chosen.length === 1 ? '' : 's'}, ${applied} migration${applied === 1 ? '' : 's'} applied`,
  );
} catch (error) {
  exitOnStartupFailure(error);
}
