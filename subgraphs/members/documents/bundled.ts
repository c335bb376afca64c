import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../../../platform/db/database.ts';
import { describeProblem, readManifest, validateManifest } from '../../../platform/graphql/trusted-documents.ts';
import type { Logger } from '../../../platform/observability/log.ts';
import { publicApiSchema, storeDocuments } from './trusted-documents.ts';

/**
 * The web client's operations ship with the release as a manifest,
 * `schema/trusted-documents/web.json` (written by `npm run codegen` from the
 * client's persisted documents, kept current by tests, checked by
 * `npm run compose`), and members publishes it at start as client `web`, so a
 * router with TRUSTED_DOCUMENTS=enforce answers the web client it serves.
 * Its version names the build: the start of the manifest's own SHA-256.
 */
export const WEB_CLIENT = 'web';
export const WEB_MANIFEST_FILE = join(import.meta.dirname, '..', '..', '..', 'schema', 'trusted-documents', `${WEB_CLIENT}.json`);

export async function publishWebClientDocuments(db: Database, log: Logger, file = WEB_MANIFEST_FILE): Promise<void> {
  if (!existsSync(file)) {
    log.warn(`no web client manifest at ${file}: with TRUSTED_DOCUMENTS=enforce the web client's operations are refused`);
    return;
  }
  const text = readFileSync(file, 'utf8');
  const read = readManifest(JSON.parse(text));
  const problems = read.manifest ? validateManifest(read.manifest, publicApiSchema()) : read.problems;
  if (problems.length > 0) {
    // CI and `npm run compose` keep this from shipping; a release that has it still starts, without the broken manifest.
    log.error(`the web client manifest was not published: ${problems.map((problem) => describeProblem(problem, WEB_CLIENT)).join('; ')}`);
    return;
  }
  const version = `build-${createHash('sha256').update(text).digest('hex').slice(0, 12)}`;
  const documents = Object.entries(read.manifest!).map(([id, document]) => ({ id, document }));
  const { published } = await storeDocuments(db, db.fork(), { client: WEB_CLIENT, version, documents, publishedBy: 'members' });
  if (published > 0) log.info(`published ${published} trusted documents of the web client (${version})`);
}
